"""Plain text and web-page dumps to a Document.

Steps: decode and split lines; find space-separated tables (``text_tables``) and their
captions; find the title; drop site chrome (``text_chrome``); then walk the remaining lines
grouping them into title, headings (which open sections), paragraphs, list items and tables.
Every block records the 1-based source lines it came from as ``location="lines A-B"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.parsers.builder import DocumentBuilder, normalize_inline
from extractor.parsers.source import RawInput, decode_file_text
from extractor.parsers.text_chrome import (
    chrome_lines,
    is_chrome_line,
    is_prose,
    is_wrapped,
    paragraph_at,
)
from extractor.parsers.text_tables import TextTable, recover_table, split_cells
from extractor.roles import names_article_part

_LINE_BREAK = re.compile(r"\r\n|[\r\n\f\v\x85\u2028\u2029]")
_CAPTION = re.compile(r"^(?:table|tabla|tableau|tabelle|tab\.)\s*(?:\d+|[ivxl]+)\b[.:]?\s*(.*)$",
                      re.I)
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+){0,3})\.?\s+(\S.*)$")
_REF_MARKER = re.compile(r"^\[\d+\]$")
_LIST_ITEM = re.compile(r"^(?:[•·▪◦‣*–-]|\[\d+\]|\d+[.)])\s+\S")
# At most this many words in a line that is a heading because it names an article part.
_NAMED_HEADING_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?]['\"”’)\]]*$")
_REFERENCES = re.compile(
    r"^(?:references?|bibliography|bibliografía|referencias|literature\s+cited)$", re.I)
_SMALL_WORDS = frozenset({
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "with", "vs", "via", "de", "del", "la", "las", "los", "y", "e",
})
# An author written with initials: "C. Muntaner-Virgili", "John A. Smith", "J.-P. Dupont".
_AUTHOR = re.compile(r"^(?:[A-Z][a-z]+\s+)?(?:[A-Z]\.(?:-?[A-Z]\.)?\s*){1,3}"
                     r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?(?:\s*[*†‡\d]+)?$")


# After "By": "Ann Author", "Ann B. Author", "Ann Author-Writer"; degrees are skipped.
_FULL_NAME = re.compile(r"^[A-Z][\w’'-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'-]+|van|von|de|da|del)){1,4}$")
_DEGREE = re.compile(r"^(?:MD|PhD|DO|MSc|MS|MPH|MBBS|BSc|RN|NP|PA-C|PA|PharmD|FRCP|FAAD|MBA|DrPH"
                     r"|Dr|Prof)\.?$")


@dataclass
class _TableSpan:
    first: int  # index of the first row line
    last: int
    table: TextTable
    caption: str | None
    caption_lines: list[int]
    footnotes: list[str]
    footnote_lines: list[int]


def _split_lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text)


def _loc(first: int, last: int) -> str:
    return f"lines {first + 1}-{last + 1}"


def _line_starts(text: str, lead: int) -> list[int]:
    """The offset in the file's text of each line of ``_split_lines(text)``; ``lead`` is the
    number of characters (a byte-order mark) stripped before ``text``."""
    return [lead, *(m.end() + lead for m in _LINE_BREAK.finditer(text))]


def _lines_span(starts: list[int], lines: list[str], first: int, last: int) -> tuple[int, int]:
    """The characters of lines ``first``..``last`` in the file's text (for the source map)."""
    return starts[first], starts[last] + len(lines[last])


# -- tables -------------------------------------------------------------------------------------

def _find_tables(lines: list[str]) -> list[_TableSpan]:
    """Runs of 2+ consecutive row lines (one blank line may separate rows) with 3+ columns."""
    spans: list[_TableSpan] = []
    i = 0
    while i < len(lines):
        cells = split_cells(lines[i])
        if cells is None:
            i += 1
            continue
        rows, idx = [cells], [i]
        j = i + 1
        while j < len(lines):
            nxt = split_cells(lines[j])
            if nxt is None and j + 1 < len(lines) and split_cells(lines[j + 1]):
                if not lines[j].strip():  # one blank line between rows
                    j, nxt = j + 1, split_cells(lines[j + 1])
                elif _group_label(lines[j]):  # a one-cell row between rows
                    nxt = [normalize_inline(lines[j])]
            if nxt is None:
                break
            rows.append(nxt)
            idx.append(j)
            j += 1
        if len(rows) >= 2 and max(len(r) for r in rows) >= 3 and _tabular(rows):
            table = recover_table(rows, [k + 1 for k in idx])
            caption, cap_lines = _caption_above(lines, i)
            note_lines = _footnotes_below(lines, idx[-1])
            notes = [normalize_inline(lines[k]) for k in note_lines]
            spans.append(_TableSpan(i, idx[-1], table, caption, cap_lines, notes, note_lines))
        i = idx[-1] + 1
    return spans


def _group_label(line: str) -> bool:
    """A short label line (no sentence) that can head a group of rows inside a table."""
    core = normalize_inline(line)
    return 0 < len(core) <= 80 and not _SENTENCE_END.search(core) and not _CAPTION.match(core)


def _tabular(rows: list[list[str]]) -> bool:
    """Cells of a table, not fragments of prose typed with stray double spaces: short-ish
    cells that mostly start with a capital, a digit or a symbol, not mid-sentence."""
    cells = [c for r in rows for c in r]
    lengths = sorted(len(c) for c in cells)
    lower = sum(1 for c in cells if c[:1].islower())
    return lengths[len(lengths) // 2] <= 60 and lower < 0.5 * len(cells)


# Table notes: a marker, a "Note"/"Abbreviations" label, or a list of abbreviations.
_NOTE = re.compile(r"^(?:[*†‡§¶]|[a-z]\s|(?:notes?|abbreviations?|source|data\s+are|values\s+are"
                   r"|blank\s+cells|empty\s+cells|nota|abreviaturas)\b)", re.I)
_ABBREVIATION = re.compile(r"\b[A-Za-z][\w-]{0,11}(?:,|:| =) [^,;:=]{3,70};")


def _footnotes_below(lines: list[str], last: int) -> list[int]:
    """The note lines right under a table (at most one blank line before them)."""
    k = last + 1
    if k < len(lines) and not lines[k].strip():
        k += 1
    out = []
    while k < len(lines) and lines[k].strip():
        core = normalize_inline(lines[k])
        if not (_NOTE.match(core) or len(_ABBREVIATION.findall(core)) >= 2):
            break
        out.append(k)
        k += 1
    return out


def _caption_above(lines: list[str], first: int) -> tuple[str | None, list[int]]:
    """A "Table N." label (with its caption on the same or the next line) just above a table."""
    above = [k for k in range(first - 1, max(-1, first - 6), -1) if lines[k].strip()][:2]
    if above and _CAPTION.match(lines[above[0]].strip()):
        return normalize_inline(lines[above[0]]), [above[0]]
    if len(above) == 2:
        label = _CAPTION.match(lines[above[1]].strip())
        if label and not label.group(1) and len(lines[above[0]]) < 400:
            text = normalize_inline(lines[above[1]] + " " + lines[above[0]])
            return text, [above[1], above[0]]
    return None, []


# -- title and authors --------------------------------------------------------------------------

def _title_like(line: str) -> bool:
    core = normalize_inline(line)
    words = core.split()
    if not (20 <= len(core) <= 300 and len(words) >= 4) or core.endswith("."):
        return False
    if _LIST_ITEM.match(core) or is_chrome_line(core) or split_cells(line):
        return False
    if core.isupper():
        return True
    content = [w for w in words if w.lower() not in _SMALL_WORDS and w[:1].isalpha()]
    capped = sum(1 for w in content if w[:1].isupper())
    return bool(content) and capped / len(content) >= 0.75


def _find_title(lines: list[str], skip: set[int], wrapped: bool) -> int | None:
    """The article title: a markdown "# " line, else the first long title-cased line
    before the first paragraph of prose."""
    for i, line in enumerate(lines):
        if i not in skip and (m := _MARKDOWN_HEADING.match(line.strip())) and len(m.group(1)) == 1:
            return i
    first: int | None = None
    for i, line in enumerate(lines):
        if i in skip or not line.strip():
            continue
        if _title_like(line):
            return i
        if is_prose(paragraph_at(lines, i, wrapped)) and not _LIST_ITEM.match(line.strip()):
            break
        first = i if first is None else first
    # A plain article may give its title in sentence case: then it is the first line, when
    # that line reads like a title (a few words, no full stop, not a section name).
    if first is not None and _plain_title(lines[first]):
        return first
    return None


def _plain_title(line: str) -> bool:
    core = normalize_inline(line)
    return (4 <= len(core.split()) <= 40 and len(core) <= 300 and core[-1] not in ".,;:"
            and not _LIST_ITEM.match(core) and not split_cells(line)
            and not is_chrome_line(core) and not _REFERENCES.match(core))


def _author_names(line: str) -> list[str] | None:
    """The names on an author line ("A. Author, B. Author and C. Author", or a byline
    "By Ann Author, MD; Bo Writer, PhD"), else None."""
    core = normalize_inline(line)
    byline = re.match(r"(?i)^by\s+", core)
    parts = [p.strip() for p in re.split(r",|\band\b|&|;", core[byline.end():] if byline
                                         else core)]
    names = [p for p in parts if p]
    if byline:
        names = [n for n in names if not _DEGREE.match(n)]
        if names and all(_FULL_NAME.match(n) for n in names):
            return names
        return None
    if names and all(_AUTHOR.match(n) for n in names):
        return [re.sub(r"\s*[*†‡\d]+$", "", n) for n in names]
    return None


# -- headings -----------------------------------------------------------------------------------

def _heading(line: str, following: str | None, adjacent: bool) -> tuple[str, int] | None:
    """``(title, level)`` when ``line`` is a section heading.

    ``following`` is the paragraph after it (None when chrome stands between them),
    ``adjacent`` whether it starts on the very next line (no blank line between).
    """
    core = normalize_inline(line)
    if m := _MARKDOWN_HEADING.match(core):
        return m.group(2), len(m.group(1))
    if not core or len(core) > 100 or len(core.split()) > 14 or core[-1] in ".,;":
        return None
    if not core[0].isupper() and not core[0].isdigit():
        return None
    if _REFERENCES.match(core):
        return core, 1
    if following is None:
        return None
    # In hard-wrapped text, a line glued to the next one is mostly a wrapped line.
    if adjacent and (len(core) > 60 or following[:1].islower()):
        return None
    numbered = _NUMBERED_HEADING.match(core)
    if len(core.split()) <= _NAMED_HEADING_WORDS and names_article_part(core) and (
            not numbered or numbered.group(2)[:1].isupper()):
        # "Abstract", "Case presentation", "2. Methods": a heading whatever follows it (a
        # structured abstract's parts are short; the next heading may follow at once).
        return core, numbered.group(1).count(".") + 1 if numbered else 1
    followed = (
        is_prose(following) or bool(_LIST_ITEM.match(following))
        or bool(_REF_MARKER.match(following.split(" ")[0]))
        or bool(numbered and _NUMBERED_HEADING.match(following) and len(following) <= 100))
    if not followed:
        return None
    if _LIST_ITEM.match(following) and _LIST_ITEM.match(core):
        return None  # an item of a list, followed by the next item
    if m := numbered:
        # "2. Methods", "2.1 Statistical analysis"; not "2. Smith J. A title."
        if not m.group(2)[:1].isupper() or ". " in m.group(2) or len(m.group(2).split()) > 10:
            return None
        return core, m.group(1).count(".") + 1
    if _LIST_ITEM.match(core):
        return None
    return core, 1


# -- assembly -----------------------------------------------------------------------------------

_UnitKind = Literal["title", "heading", "paragraph", "list_item", "other", "table"]


@dataclass
class _Unit:
    kind: _UnitKind
    first: int
    last: int
    text: str
    level: int = 1
    table: _TableSpan | None = None


def _units(lines: list[str], drop: set[int], title: int | None, authors: dict[int, list[str]],
           tables: dict[int, _TableSpan], claimed: set[int], first_prose: int,
           wrapped: bool) -> list[_Unit]:
    """Group the kept lines into units, in source order."""
    kept = [i for i, line in enumerate(lines)
            if line.strip() and i not in drop and i not in claimed]
    nxt_of = {a: b for a, b in zip(kept, kept[1:], strict=False)}
    # Lines that start units of their own, never the continuation of a paragraph.
    special = set(tables) | set(authors) | ({title} if title is not None else set())
    units: list[_Unit] = []
    k = 0
    while k < len(kept):
        i = kept[k]
        line = normalize_inline(lines[i])
        if i in tables:
            span = tables[i]
            units.append(_Unit("table", span.first, span.last, "", table=span))
            while k < len(kept) and kept[k] <= span.last:
                k += 1
            continue
        if i == title:
            m = _MARKDOWN_HEADING.match(line)
            units.append(_Unit("title", i, i, m.group(2) if m else line))
            k += 1
            continue
        if i in authors:
            last, parts = i, [line]
            while k + 1 < len(kept) and kept[k + 1] in authors:
                k += 1
                last = kept[k]
                parts.append(normalize_inline(lines[last]))
            # The dump may break the list after a footnote mark: "A. One" / ", B. Two".
            units.append(_Unit("other", i, last, re.sub(r" ,", ",", " ".join(parts))))
            k += 1
            continue
        # A heading is followed (after blank lines) by the text it heads, not by chrome.
        nxt = _next_nonblank(lines, i)
        ok = nxt is not None and nxt == nxt_of.get(i)
        following = paragraph_at(lines, nxt, wrapped) if nxt is not None and ok else None
        head = _heading(lines[i], following, adjacent=nxt == i + 1)
        if head and i > (title if title is not None else -1):
            units.append(_Unit("heading", i, i, head[0], level=head[1]))
            k += 1
            continue
        unit, k = _paragraph(lines, kept, k, special)
        if unit.kind == "paragraph" and i < first_prose and not is_prose(unit.text):
            unit.kind = "other"  # front matter: dates, subtitles, affiliations
        units.append(unit)
    return units


def _paragraph(lines: list[str], kept: list[int], k: int, special: set[int]) -> tuple[_Unit, int]:
    """The paragraph or list item starting at ``kept[k]``, continued by the lines after it
    while the text runs on; returns it and the index in ``kept`` after it."""
    i = kept[k]
    line = normalize_inline(lines[i])
    kind: _UnitKind = "list_item" if _LIST_ITEM.match(line) or _REF_MARKER.match(line) \
        else "paragraph"
    # "[1]" alone on its line: the reference's lines follow, up to a blank or "[2]".
    bare_marker = bool(_REF_MARKER.match(line))
    last, parts = i, [line]
    while k + 1 < len(kept) and kept[k + 1] == _next_line(lines, last):
        cand = normalize_inline(lines[kept[k + 1]])
        if kept[k + 1] in special or _LIST_ITEM.match(cand) or _REF_MARKER.match(cand):
            break
        if not (bare_marker or _continues(parts[-1], cand)):
            break
        k += 1
        last = kept[k]
        parts.append(cand)
    return _Unit(kind, i, last, " ".join(parts)), k + 1


def _next_line(lines: list[str], i: int) -> int | None:
    """The line right after ``i`` when it is not blank (paragraphs end at blank lines)."""
    return i + 1 if i + 1 < len(lines) and lines[i + 1].strip() else None


def _next_nonblank(lines: list[str], i: int) -> int | None:
    return next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)


def _continues(prev: str, cand: str) -> bool:
    """Whether line ``cand`` continues the block ending with ``prev`` (no blank line between)."""
    if cand[:1].islower() or cand[:1] in ",;)":
        return True
    # A hard-wrapped line: long, and not the end of a sentence.
    return len(prev) >= 40 and not _SENTENCE_END.search(prev) and not prev.endswith(":")


def parse_text(raw: RawInput) -> list[Document]:
    """Parse plain text (an article, or a web page dumped to text) into one Document."""
    text, encoding, decoded = decode_file_text(raw.data)
    body = text.lstrip("\ufeff")
    lines = _split_lines(body)
    if not any(line.strip() for line in lines):
        raise ExtractorError("file is empty (only whitespace)", code="empty")
    builder = DocumentBuilder(raw, "text", encoding=encoding, source_text=text)
    starts = _line_starts(body, len(text) - len(body))
    builder.warnings.extend(decoded)
    wrapped = is_wrapped(lines)

    spans = _find_tables(lines)
    tables = {s.first: s for s in spans}
    table_lines = {k for s in spans for k in range(s.first, s.last + 1)}
    claimed = {k for s in spans for k in [*s.caption_lines, *s.footnote_lines]}
    # A list of tables in the page's chrome repeats each caption: drop those copies.
    captions = {s.caption.lower() for s in spans if s.caption}
    dup = {i for i, line in enumerate(lines) if captions and i not in claimed
           and normalize_inline(line).lower() in captions}

    protected = table_lines | claimed
    skip = protected | chrome_lines(lines, protected, None, dup)
    title = _find_title(lines, skip, wrapped)
    first_prose = next((i for i, line in enumerate(lines) if i not in skip
                        and is_prose(paragraph_at(lines, i, wrapped))
                        and not _LIST_ITEM.match(line.strip())), len(lines))
    authors = {i: names for i in range(0 if title is None else title + 1, first_prose)
               if (names := _author_names(lines[i]))}
    protected |= set(authors) | ({title} if title is not None else set())
    drop = chrome_lines(lines, protected, title, dup)
    if all(i in drop for i, line in enumerate(lines) if line.strip() and i not in protected):
        # Nothing but short lines: a list, not a menu. Drop only what is chrome by itself.
        drop = chrome_lines(lines, protected, title, dup, menus=False)

    if title is not None:
        t = normalize_inline(lines[title])
        m = _MARKDOWN_HEADING.match(t)
        builder.metadata.title = m.group(2) if m else t
    builder.metadata.authors = [n for i in sorted(authors) for n in authors[i]]

    for unit in _units(lines, drop, title, authors, tables, claimed, first_prose, wrapped):
        loc = _loc(unit.first, unit.last)
        if unit.kind == "heading":
            builder.open_section(unit.text, unit.level, location=loc,
                                 source=_lines_span(starts, lines, unit.first, unit.last))
        elif unit.kind == "table":
            if unit.table is None:
                continue
            span = unit.table
            first = min([span.first, *span.caption_lines])
            last = max([span.last, *span.footnote_lines])
            builder.add_table(span.table.placed_cells(), caption=span.caption,
                              header_rows=span.table.header_rows, footnotes=span.footnotes,
                              location=_loc(first, last), flags=span.table.flags,
                              source=_lines_span(starts, lines, first, last))
        else:
            builder.add_block(unit.text, unit.kind, location=loc,
                              source=_lines_span(starts, lines, unit.first, unit.last))
    doc = builder.build()
    if not doc.text:
        raise ExtractorError("no article text found (only site navigation)", code="empty")
    return [doc]
