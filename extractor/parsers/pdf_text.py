"""From PDF lines in reading order to blocks: title, headings, paragraphs, captions.

- Paragraphs: a new one starts after a vertical gap wider than the usual line pitch, at a
  first-line indent, after a short line that ends a sentence, at a font-size change, and
  at a column or page change unless the text visibly runs on (no sentence end, or the next
  line starts in lower case).
- Headings: a short line in a larger or bold font, or a numbered / well-known section name
  ("2.1. Patients", "Case presentation", "References"); numbering depth gives the level.
- Hyphenation is repaired when lines are joined: "treat-" + "ment" gives "treatment" when
  both sides are lower-case letters, while "anti-" + "TNF" and "IL-" + "6" keep the hyphen;
  a hyphenated form used elsewhere in the document ("well-known") keeps its hyphen too.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor.document import BBox
from extractor.parsers.pdf_layout import Item, TableSlot
from extractor.parsers.pdf_lines import PDFIUM_HYPHENS, Line
from extractor.roles import names_article_part

SECTION_NAMES = frozenset({
    "abstract", "background", "introduction", "case presentation", "case report",
    "case reports", "case description", "case history", "case", "methods", "method",
    "materials and methods", "material and methods", "patients and methods", "methodology",
    "results", "results and discussion", "discussion", "discussion and conclusions",
    "conclusion", "conclusions", "summary", "references", "bibliography",
    "acknowledgments", "acknowledgements", "acknowledgment", "acknowledgement",
    "conflict of interests", "conflicts of interest", "conflict of interest",
    "competing interests", "funding", "abbreviations", "authors' contributions",
    "author contributions", "authors contributions", "consent", "declarations",
    "limitations", "literature review", "review of literature", "objective", "objectives",
    "trial registration", "keywords", "supplementary material", "additional files",
    "availability of data and materials", "ethics approval and consent to participate",
    "consent for publication", "statistical analysis", "study design", "outcomes",
})
REFERENCE_NAMES = frozenset({"references", "bibliography", "literature cited",
                             "reference list", "references and notes", "works cited"})
# "Table 2: ...", "Figure 1. ...", "Table 1 Diagnostic ..." but not "Table 2 shows ...".
CAPTION_START = re.compile(
    r"^\s*(?:Table|TABLE|Figure|FIGURE|Fig\.|FIG\.)\s*[A-Z]?\d+[A-Za-z]?(?:[.:|]|\s+[^a-z\s]|\s*$)"
)
_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?=[A-Z])(.*)$")
_SENTENCE_END = re.compile(r"[.!?:]['\"’”)\]]*\s*$")
_BULLET = re.compile(r"^\s*[•●▪■◦‣∙·–-]\s")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_AUTHOR_MARK = re.compile(r"[a-zà-ÿ],?\d{1,2}(?:,\d{1,2})*(?:\s|$)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_HYPHEN_CHARS = "-\u2010\u00ad" + PDFIUM_HYPHENS
_HYPHEN_END = re.compile("(\\w+)([" + _HYPHEN_CHARS + r"])\s*$")
_WORD_START = re.compile(r"^\s*(\w+)")


@dataclass
class TextBlock:
    """A block before it goes into the Document (``table`` is set for a table slot)."""

    kind: str
    lines: list[Line] = field(default_factory=list)
    text: str = ""
    level: int = 1
    table: int | None = None
    page: int = 0
    bbox: BBox | None = None


def section_name(text: str) -> str:
    """A heading's text without numbering and trailing punctuation, lowercased."""
    m = _NUMBERED.match(text)
    name = m.group(2) if m else text
    return re.sub(r"\s+", " ", name.strip().rstrip(":.").strip()).lower().replace("’", "'")


def body_font_size(lines: Iterable[Line]) -> float:
    """The running text's font size.

    Usually the size carrying the most characters; but abstracts, tables and reference
    lists are set smaller and can outweigh the body of a short article, so the largest
    size with at least 40% of the leader's characters wins (headings and titles are far
    below that share).
    """
    weights: dict[float, int] = {}
    for ln in lines:
        key = round(ln.size * 2) / 2
        weights[key] = weights.get(key, 0) + len(ln.text)
    if not weights:
        return 10.0
    top = max(weights.values())
    lead = max(weights, key=lambda k: weights[k])
    return max(k for k, w in weights.items() if w >= 0.4 * top and k <= 1.5 * lead)


def _letters(text: str, n: int) -> bool:
    """Whether ``text`` has at least ``n`` letters (stops counting there: it is called on
    every line)."""
    for c in text:
        if c.isalpha():
            n -= 1
            if n <= 0:
                return True
    return n <= 0


def heading_level(line: Line, body: float, body_bold: bool) -> int | None:
    """The section level when ``line`` looks like a heading, else None."""
    text = line.text.strip()
    words = text.split()
    if not text or len(text) > 150 or len(words) > 18 or CAPTION_START.match(text):
        return None
    if text.endswith((",", ";")) or text.count(",") >= 2 or not _letters(text, 3):
        return None
    if _AUTHOR_MARK.search(text):  # "Jane Roe,2 and John Doe3": an author line
        return None
    numbered = _NUMBERED.match(text)
    name = section_name(text)
    if (name in SECTION_NAMES and len(words) <= 7) or (
            # A run-in head ("Conflicts of interest: none.") is a sentence, not a heading.
            len(words) <= 6 and (text[0].isupper() or text[0].isdigit())
            and ":" not in text.rstrip(":") and names_article_part(text)):
        return numbered.group(1).count(".") + 1 if numbered else 1
    big = line.size >= body + 0.8
    bold = line.bold and not body_bold
    if not (big or bold) or not (text[0].isupper() or text[0].isdigit()):
        return None
    if text.endswith(".") and not numbered:
        return None
    if numbered:
        return numbered.group(1).count(".") + 1
    return 1 if big else 2


def find_title(lines: list[Line], body: float, page_height: float) -> list[Line]:
    """The title lines on page 1: the largest font there that makes a phrase of 3+ words."""
    cands = [ln for ln in lines if ln.page == 1 and ln.size >= 1.2 * body
             and ln.top < 0.6 * page_height]
    for size in sorted({round(ln.size) for ln in cands}, reverse=True):
        group = [ln for ln in cands if round(ln.size) == size]
        # The longest run of lines in one font that sit close together (a multi-line
        # title; a label like "Case Report" above it is usually in another font).
        runs: list[list[Line]] = [[group[0]]]
        for ln in group[1:]:
            prev = runs[-1][-1]
            if ln.font == prev.font and ln.top - prev.bottom < 1.2 * ln.size:
                runs[-1].append(ln)
            else:
                runs.append([ln])
        run = max(runs, key=lambda r: sum(len(ln.text.split()) for ln in r))
        if sum(len(ln.text.split()) for ln in run) >= 3:
            return run
    return []


# ---------------------------------------------------------------------------------------------
# joining lines
# ---------------------------------------------------------------------------------------------

def clean_line(text: str) -> str:
    """pdfium artefacts out of a line: hyphen markers inside it, control characters."""
    body = text.rstrip()
    tail = body[-1:] if body[-1:] in PDFIUM_HYPHENS else ""
    body = body[:-1] if tail else body
    for mark in PDFIUM_HYPHENS:
        body = body.replace(mark, "-")
    return _CONTROL.sub("", body) + ("-" if tail else "")


def hyphen_vocabulary(lines: Iterable[str]) -> tuple[set[str], set[str]]:
    """(words written with an inner hyphen, all words) over the document, lowercased."""
    hyphenated: set[str] = set()
    plain: set[str] = set()
    for text in lines:
        for w in _WORDS.findall(text.rstrip("-\u2010\u00ad" + PDFIUM_HYPHENS)):
            w = w.lower()
            if "-" in w:
                hyphenated.add(w)
                plain.update(w.split("-"))
            else:
                plain.add(w)
    return hyphenated, plain


def _hyphen_end(text: str) -> re.Match[str] | None:
    """``_HYPHEN_END.search(text)``, looking at the end of a long text only.

    The search tries every start position, so on a paragraph growing line by line it was
    quadratic; a match that starts at the cut might go on to the left: search it all then.
    """
    if text.rstrip()[-1:] not in _HYPHEN_CHARS:  # no hyphen at the end: no match
        return None
    cut = max(0, len(text) - 120)
    m = _HYPHEN_END.search(text, cut)
    if m is not None and m.start() == cut and cut:
        return _HYPHEN_END.search(text)
    return m


def join_lines(texts: list[str], hyphenated: set[str], plain: set[str]) -> str:
    """Join a paragraph's lines with spaces, repairing words hyphenated at a line end."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if not out:
            out = text
            continue
        m = _hyphen_end(out)
        nxt = _WORD_START.match(text)
        if m and m.group(2) and nxt:
            left, right = m.group(1), nxt.group(1)
            joined = (left + right).lower()
            if left[-1:].islower() and right[:1].islower() and not (
                f"{left}-{right}".lower() in hyphenated and joined not in plain
            ):
                out = out[: m.start(2)] + text  # a word broken by typesetting
            else:
                out = out[: m.start(2)] + "-" + text  # a real hyphen: anti-TNF, IL-6
        elif out.endswith(("\u2013", "/")) and text[:1].isalnum():
            out += text  # "5–" + "15 mg" and URL pieces run on
        else:
            out += " " + text
    return out


# ---------------------------------------------------------------------------------------------
# paragraphs
# ---------------------------------------------------------------------------------------------

@dataclass
class _Columns:
    """Left and right text edges per (page, column), from the lines themselves."""

    edges: dict[tuple[int, int], tuple[float, float]]

    @classmethod
    def of(cls, lines: list[Line]) -> _Columns:
        groups: dict[tuple[int, int], list[Line]] = {}
        for ln in lines:
            groups.setdefault((ln.page, ln.col), []).append(ln)
        edges = {}
        for key, group in groups.items():
            xs0 = sorted(ln.x0 for ln in group)
            xs1 = sorted(ln.x1 for ln in group)
            edges[key] = (xs0[len(xs0) // 5], xs1[(4 * len(xs1)) // 5])
        return cls(edges)

    def get(self, ln: Line) -> tuple[float, float]:
        return self.edges.get((ln.page, ln.col), (ln.x0, ln.x1))


def _line_pitch(lines: list[Line], body: float) -> float:
    """The usual baseline-to-baseline distance of body text."""
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False)
               if a.page == b.page and a.col == b.col and abs(a.size - body) < 0.6
               and abs(b.size - body) < 0.6 and 0 < b.top - a.top < 3 * body]
    return statistics.median(pitches) if pitches else 1.2 * body


def _starts_paragraph(prev: Line, ln: Line, cols: _Columns, pitch: float, body: float,
                      is_caption: bool = False) -> bool:
    em = max(ln.size, 1.0)
    left, right = cols.get(ln)
    indented = ln.x0 - left > 0.7 * em
    ended = bool(_SENTENCE_END.search(prev.text))
    if CAPTION_START.match(ln.text) or _BULLET.match(ln.text):
        return True
    if abs(ln.size - prev.size) > 1.0:
        return True
    moved = ln.page != prev.page or ln.col != prev.col or ln.top <= prev.top
    if moved:  # a column or page break: run on unless the text visibly stops
        return indented or is_caption or (ended and not ln.text.lstrip()[:1].islower())
    scale = max(ln.size, prev.size) / body if body else 1.0
    if ln.top - prev.top > 1.45 * pitch * max(1.0, scale):
        return True
    p_left, p_right = cols.get(prev)
    if indented and ln.x0 > prev.x0 + 0.7 * em and (ended or prev.x1 < p_right - 2 * em):
        return True
    return ended and prev.x1 < p_right - 3 * em


def build_blocks(items: list[Item], page_height: float) -> list[TextBlock]:
    """Blocks in reading order from all pages' ordered items (lines and table slots).

    After a "References" heading the reference list is dropped (headings, captions and
    tables after it are kept: some layouts put figures and tables after the references).
    """
    lines = [it for it in items if isinstance(it, Line)]
    if not lines:
        return [TextBlock("table", table=it.index, page=it.page, bbox=it.bbox)
                for it in items if isinstance(it, TableSlot)]
    body = body_font_size(lines)
    body_lines = [ln for ln in lines if abs(ln.size - body) < 0.6]
    body_bold = sum(ln.bold for ln in body_lines) * 2 > len(body_lines)
    title = {id(ln) for ln in find_title(lines, body, page_height)}
    cols = _Columns.of(lines)
    pitch = _line_pitch(lines, body)
    blocks: list[TextBlock] = []
    current: TextBlock | None = None
    in_refs = False
    # Page-1 lines above the title (journal name, "Case Report") are never headings.
    before_title = bool(title)
    title_block: TextBlock | None = None
    for it in items:
        if isinstance(it, TableSlot):
            blocks.append(TextBlock("table", table=it.index, page=it.page, bbox=it.bbox))
            current = None
            continue
        if id(it) in title:
            before_title = False
            if title_block is None:  # one title block, even if other lines cut in
                title_block = TextBlock("title")
                blocks.append(title_block)
            title_block.lines.append(it)
            current = title_block
            continue
        level = None if before_title else heading_level(it, body, body_bold)
        if level is not None:
            name = section_name(it.text)
            if name in REFERENCE_NAMES:
                in_refs, current = True, None
                continue
            in_refs = False
            if current is not None and current.kind == "heading" and \
                    _continues_heading(current.lines[-1], it):
                current.lines.append(it)
                continue
            current = TextBlock("heading", level=level)
            current.lines.append(it)
            blocks.append(current)
            continue
        if in_refs and not CAPTION_START.match(it.text):
            continue
        in_refs = False
        if current is None or current.kind in ("heading", "title") or _starts_paragraph(
                current.lines[-1], it, cols, pitch, body, current.kind == "caption"):
            kind = "caption" if CAPTION_START.match(it.text) else "paragraph"
            current = TextBlock(kind)
            blocks.append(current)
        current.lines.append(it)
    _finish(blocks, lines)
    return blocks


def _continues_heading(prev: Line, ln: Line) -> bool:
    """A heading wrapped over two lines: same font, right below, not numbered anew."""
    return (ln.page == prev.page and abs(ln.size - prev.size) < 0.3 and ln.bold == prev.bold
            and 0 <= ln.top - prev.bottom < 0.8 * ln.size and not _NUMBERED.match(ln.text)
            and section_name(prev.text) not in SECTION_NAMES)


def _finish(blocks: list[TextBlock], lines: list[Line]) -> None:
    """Text, page and box of every block (the box covers its lines on its first page)."""
    hyphenated, plain = hyphen_vocabulary(clean_line(ln.text) for ln in lines)
    for b in blocks:
        if not b.lines:
            continue
        b.text = join_lines([clean_line(ln.text) for ln in b.lines], hyphenated, plain)
        first = b.lines[0]
        same = [ln for ln in b.lines if ln.page == first.page and ln.col == first.col]
        b.page = first.page
        b.bbox = (min(ln.x0 for ln in same), min(ln.top for ln in same),
                  max(ln.x1 for ln in same), max(ln.bottom for ln in same))
