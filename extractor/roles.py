"""Section roles: what each stretch of an article is for (title, methods, discussion, ...).

One heading classifier serves every parser (JATS, HTML, PDF, text): the builder asks
:func:`section_role` for each section it opens. :class:`RoleIndex` then gives every character
of ``Document.text`` a role, so later steps can tell a fact about this study's own patients
(methods, case, results) from a sentence about something else (introduction, discussion).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from typing import cast

from extractor.document import Block, Document, Role, Section, Table

# Leading section numbers: "2.", "2.1", "2.1.", "II.", "A)", "(1)".
_NUMBERING = re.compile(
    r"^\s*(?:\(?\d+(?:\.\d+)*\.?\)?|\(?[ivxlc]+[.)]|\(?[a-h][.)])\s*", re.I)
_TRAILING = re.compile(r"[\s:.\u2013\u2014-]+$")
_SPACES = re.compile(r"\s+")
# Plain-text dumps of PMC articles (the Evidence Inference corpus's files) name each heading
# by its path: "ABSTRACT.RESULTS:", "BODY.STATISTICAL ANALYSIS:", "BODY.RESULTS.SAFETY:". The
# first part below BODY is the section's own name; ABSTRACT.* stays "abstract".
_BODY_PATH = re.compile(r"^\s*body\.([^.]+)", re.I)

# Strong headings name a part of the article outright: they hold their role wherever they sit
# (a "Conclusion" inside a "Discussion" is a conclusion). Matched at the start of the title.
_STRONG: list[tuple[Role, str]] = [
    ("abstract", r"(?:structured |graphical )?abstract|synopsis|author summary"
                 r"|plain (?:language|english) summary|highlights|key ?words"
                 r"|key (?:points|takeaways|messages)|trial registration"),
    ("introduction", r"introduction|background"),
    ("eligibility", r"eligibility|(?:inclusion|exclusion)(?: and (?:inclusion|exclusion))? "
                    r"criteria|selection criteria|criteria for (?:inclusion|exclusion)"),
    ("methods", r"(?:(?:materials?|patients?|subjects?|participants?|study population"
                r"|population|data) and )?methods?|methodology|materials?(?: and \w+)?"
                r"|experimental (?:section|procedures?)"),
    ("case", r"case (?:presentation|reports?|description|history|summary|details|studies"
             r"|study|series|\d+|[ivx]+\b|one|two|three|four|[a-f]\b)|cases? \d"
             r"|clinical (?:case|presentation|history|description|report)"
             r"|presentation of (?:the |our )?cases?|report of (?:a |the |two |three )?cases?"
             r"|patient (?:presentation|description|history|\d+|[a-f]\b)|(?:the|our) case"
             r"|index case|observations?\b|cases?$"),
    ("results", r"results?\b"),
    ("discussion", r"discussion|general discussion|literature review|review of (?:the )?"
                   r"literature|(?:study )?(?:strengths and )?limitations?"),
    ("conclusion", r"conclusions?|concluding remarks|summary and conclusions?|learning points"
                   r"|take[- ]home messages?|implications for (?:practice|research)"),
    ("references", r"references|bibliography|literature cited|works cited|reference list"
                   r"|cited literature"),
    ("acknowledgements", r"acknowled?ge?ments?|funding|financial (?:support|disclosures?)"
                         r"|sources? of (?:funding|support)|grant support"
                         r"|role of the funding source|article (?:notes|information)"
                         r"|conflicts? of interests?|competing interests?|disclosures?"
                         r"|declarations?\b|author(?:s'?|'s)? contributions?|contributors"
                         r"|abbreviations|consent\b|patient consent|ethics approval and consent"
                         r"|availability of data|data (?:availability|sharing)"
                         r"|supplementary (?:materials?|data|information|files?)"
                         r"|supporting information|additional (?:files?|information)"
                         r"|appendix|appendices|notes\b|footnotes|publisher'?s'? note"
                         r"|author information|provenance|orcid"
                         r"|transparency declaration"),
]
# Weak headings name a part only when they stand alone; inside a section they are one of its
# topics ("Safety" in Methods is how safety was assessed, in Results what was found).
# Matched against the whole title.
_WEAK: list[tuple[Role, str]] = [
    ("abstract", r"summary"),
    ("introduction", r"rationale|objectives?|aims?|purpose|aims? and objectives?"),
    ("methods", r"(?:study )?design(?: and setting)?|(?:study )?setting|participants|patients"
                r"|subjects|(?:study )?population|interventions?|outcomes?|outcome measures?"
                r"|(?:primary|secondary)(?: and secondary)? (?:outcomes?|end ?points?)"
                r"|end ?points?|statistic(?:s|al analys[ie]s|al methods)|sample size"
                r"(?: calculation)?|randomi[sz]ation|blinding|allocation(?: concealment)?"
                r"|data (?:collection|analysis|sources|extraction)|procedures?|ethics"
                r"|ethical (?:approval|considerations)|measurements|assessments?"
                r"|search strategy|study selection|quality assessment|treatment protocol"
                r"|study (?:treatments?|drugs?|procedures?)|drug administration"),
    ("results", r"adverse (?:events?|effects?|reactions?)|safety|efficacy|harms|toxicity"
                r"|(?:baseline|patient|participant) characteristics|participant flow"
                r"|recruitment"),
]
# A heading that describes a patient ("A 54-year-old man with fever") heads a case.
_PATIENT = re.compile(r"\b\d+[- ]?(?:year|month|week|day)s?[- ]old\b"
                      r"|\b(?:man|woman|boy|girl|infant|neonate|newborn)\b")
_STRONG_RE = [(role, re.compile(rf"(?:{pattern})(?=\W|$)")) for role, pattern in _STRONG]
_WEAK_RE = [(role, re.compile(rf"(?:{pattern})")) for role, pattern in _WEAK]

# Once inside these, every sub-heading stays there: a structured abstract's "Methods" is
# part of the abstract, and a reference list has no sub-parts of other kinds.
_STICKY: frozenset[str] = frozenset({"abstract", "references"})
# Roles an untitled or unrecognised section takes over from the section before it at its
# level ("Treatment" and "Outcome" after "Case presentation" continue the case).
_BODY: dict[str, Role] = {
    "introduction": "introduction", "methods": "methods", "eligibility": "methods",
    "case": "case", "results": "results", "discussion": "discussion",
}
# JATS ``sec-type`` values (JATS 1.3 suggested list and what publishers use).
_SEC_TYPES: dict[str, Role] = {
    "intro": "introduction", "introduction": "introduction", "background": "introduction",
    "methods": "methods", "materials": "methods", "subjects": "methods",
    "materials and methods": "methods", "materials|methods": "methods",
    "cases": "case", "case-report": "case", "case report": "case", "case-presentation": "case",
    "results": "results", "discussion": "discussion", "conclusions": "conclusion",
    "conclusion": "conclusion", "supplementary-material": "acknowledgements",
    "ack": "acknowledgements", "acknowledgements": "acknowledgements",
    "acknowledgments": "acknowledgements", "funding": "acknowledgements",
    "funding-information": "acknowledgements", "coi-statement": "acknowledgements",
    "conflict": "acknowledgements",
    "data-availability": "acknowledgements", "ethics-statement": "methods",
    "abstract": "abstract", "references": "references",
}


def _normalize(title: str) -> str:
    title = _BODY_PATH.sub(r"\1", title, count=1)
    title = _NUMBERING.sub("", title.replace("&", " and ").replace("\u2019", "'"), count=1)
    return _SPACES.sub(" ", _TRAILING.sub("", title)).strip().lower()


def _classify(title: str) -> tuple[Role, bool] | None:
    """(role, strong) for a heading, or None when the title names no part of an article."""
    text = _normalize(title)
    if not text:
        return None
    for role, pattern in _STRONG_RE:
        if pattern.match(text):
            return role, True
    for role, pattern in _WEAK_RE:
        if pattern.fullmatch(text):
            return role, False
    if _PATIENT.search(text):
        return "case", False
    return None


def classify_heading(title: str) -> Role | None:
    """The role a heading names on its own ("2. Materials and Methods" -> methods), or None.

    Leading numbers ("2.1", "II.") and trailing punctuation are ignored; case is ignored.
    """
    found = _classify(title)
    return found[0] if found else None


def names_article_part(title: str) -> bool:
    """Whether a line is nothing but the name of an article part ("Discussion", "Case 2:
    a fall", "Methods/design", "Discussion and conclusions"), so that a short line holding
    it is a heading in any layout ("Results were similar" is not)."""
    text = _normalize(title).split(":")[0].strip()
    parts = [p.strip() for p in re.split(r" and |/", text)]
    return bool(text) and all(p and _names_part(p) for p in parts) and (
        any(_names_part(p, strong=True) for p in parts))


def _names_part(text: str, strong: bool = False) -> bool:
    patterns = _STRONG_RE if strong else [*_STRONG_RE, *_WEAK_RE]
    return any(pattern.fullmatch(text) for _, pattern in patterns)


def role_from_sec_type(sec_type: str | None) -> Role | None:
    """The role a JATS ``sec-type`` attribute declares ("materials|methods" -> methods)."""
    if not sec_type:
        return None
    value = sec_type.strip().lower()
    return _SEC_TYPES.get(value) or _SEC_TYPES.get(value.split("|")[0].strip())


def section_role(title: str, parent: Role | None = None, previous: Role | None = None,
                 declared: Role | None = None) -> Role:
    """The role of a section from its title and where it sits.

    ``parent`` is the enclosing section's role (None at the top), ``previous`` the role of the
    section before it at the same level, ``declared`` a role the markup states (JATS
    ``sec-type``, an ``<abstract>`` element). Inside an abstract or reference list the parent
    wins; a declared role or a strong title comes next; a weak title ("Safety", "Patients")
    names the role only of a top-level section; otherwise the section inherits from its
    parent, else continues the body section before it, else is "other".
    """
    if parent in _STICKY:
        return cast(Role, parent)
    if declared is not None:
        return declared
    found = _classify(title)
    if found and found[0] == "abstract" and not found[1] and previous in _BODY:
        return "conclusion"  # a "Summary" after the body sums it up
    if found and (found[1] or parent is None):
        return found[0]
    if parent is not None:
        return parent
    if previous in _BODY:
        return _BODY[previous]
    return "other"


# A structured abstract printed flat (PDF, text dumps): an "Abstract" heading with no text of
# its own, then "Background", "Methods", "Results", "Conclusions" at its level, until the
# article's own "Background"/"Introduction" repeats one of those roles.
_ABSTRACT_PARTS = frozenset({"abstract", "introduction", "methods", "eligibility", "case",
                             "results", "discussion", "conclusion"})
_ABSTRACT_PART_MAX = 3000  # characters: an abstract's part is a paragraph or two
_EMPTY_HEADING = 50  # characters an "Abstract" section may hold before its first part


def fold_flat_abstract(sections: list[Section]) -> list[Section]:
    """Sections (sorted by start, outer first) with a flat structured abstract's parts given
    role "abstract"; unchanged when the run of parts is not closed by a repeated role."""
    for i, head in enumerate(sections):
        if head.role != "abstract" or head.end - head.start - len(head.title) > _EMPTY_HEADING:
            continue
        run = _abstract_run(sections, i)
        if run is None:
            return sections
        lo, hi = run
        return [s.model_copy(update={"role": "abstract"}) if lo <= s.start and s.end <= hi
                else s for s in sections]
    return sections


def _abstract_run(sections: list[Section], i: int) -> tuple[int, int] | None:
    """(start, end) of the parts after the empty "Abstract" heading ``sections[i]``."""
    level = sections[i].level
    seen: set[str] = set()
    parts: list[Section] = []
    for s in sections[i + 1:]:
        if s.level > level:
            continue  # inside a part (or the heading): goes with it
        if s.level < level:
            return None
        if s.role in seen and s.role != "abstract":
            return (parts[0].start, parts[-1].end) if parts else None
        if s.role not in _ABSTRACT_PARTS or s.end - s.start > _ABSTRACT_PART_MAX:
            return None
        seen.add(s.role)
        parts.append(s)
    return None


# -- every character of the text -------------------------------------------------------------
_FIGURE_CAPTION = re.compile(
    r"^(?:supplementa(?:l|ry)\s+|online\s+)?(?:fig(?:ure)?s?\b|plate\b|scheme\b|chart\b"
    r"|photo(?:graph)?s?\b|image\b|video\b|movie\b)", re.I)
_TABLE_CAPTION = re.compile(r"^(?:supplementa(?:l|ry)\s+|online\s+)?tables?\b", re.I)
# Where a parser says a caption came from: a figure element (JATS <fig>, HTML <figure>).
_FIGURE_LOCATION = re.compile(r"/(?:fig|figure|fig-group|figcaption)(?:\[\d+\])?$")
_BLOCK_GAP = 2  # the builder separates blocks with a blank line


def _caption_role(text: str, location: str | None) -> Role | None:
    if _TABLE_CAPTION.match(text):
        return "table"
    if _FIGURE_CAPTION.match(text) or (location and _FIGURE_LOCATION.search(location)):
        return "figure"
    return None


# Before the first section, an abstract printed without a heading: "Abstract: ...",
# "Objective. ...", or else the last long paragraph before the first section.
_ABSTRACT_LABEL = re.compile(
    r"^(?:abstract|summary|background|objectives?|aims?|purpose|introduction|context"
    r"|importance)\b\s*[:.\u2013\u2014-]?\s*\S", re.I)
_ABSTRACT_PART_LABEL = re.compile(
    r"^(?:methods?|design|setting|participants|patients|interventions?|results?|findings"
    r"|conclusions?|interpretation|case (?:presentation|report|description)|key ?words"
    r"|trial registration)\s*[:.]", re.I)
# Front matter that is not an abstract: affiliations, correspondence, dates, licences.
_FRONT_MATTER = re.compile(
    r"\b(?:Department|Division|University|Faculty|School of|Institute|Hospital|Correspond"
    r"|E-?mail|Received|Accepted|Copyright|Licen[cs]e)\b|\u00a9")
_ABSTRACT_MIN = 100  # characters: a labelled abstract paragraph
_UNLABELLED_ABSTRACT_MIN = 400  # characters: an unlabelled one must look like one
# A numbered reference: "12. Surname AB, ..." or "[12] A. Surname, ...", with a year and a
# volume and pages ("15:486", "11(2)"), "et al." or a DOI.
_REFERENCE = re.compile(r"(?:\[(\d{1,3})\]|(\d{1,3})\.)\s*[A-Z\u00c0-\u024f]")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_CITATION = re.compile(r"\d\s*[:(]\s*\d|\bet al\b|\bdoi\b", re.I)
_REFERENCE_RUN = 3  # numbered references in a row before a stretch counts as a list
# Other blocks (a reference's wrapped lines) allowed between two references, and how far the
# numbers of two references in a row may jump (a reference lost to a page break).
_REFERENCE_GAP = 3


def _front_abstract(document: Document) -> list[tuple[int, int, Role]]:
    """The abstract among the blocks before the first section that has a role."""
    first_section = next((s for s in document.sections if s.role != "other"), None)
    first = first_section.start if first_section else None
    front = [b for b in document.blocks if b.kind == "paragraph"
             and b.end <= (first if first is not None else len(document.text))]
    text = document.text
    found: list[tuple[int, int, Role]] = []
    for b in front:
        piece = text[b.start:b.end]
        if found:
            if piece[:1].islower() or _ABSTRACT_PART_LABEL.match(piece):
                found.append((b.start, b.end, "abstract"))
        elif _ABSTRACT_LABEL.match(piece) and b.end - b.start >= _ABSTRACT_MIN:
            found.append((b.start, b.end, "abstract"))
    # Unlabelled, it is an abstract only just before the body's first part (a letter's
    # closing paragraph before its "Acknowledgements" is not).
    if found or first_section is None or first_section.role not in _BODY or not front:
        return found
    last = front[-1]
    piece = text[last.start:last.end]
    if last.end - last.start >= _UNLABELLED_ABSTRACT_MIN and not _FRONT_MATTER.search(piece):
        return [(last.start, last.end, "abstract")]
    return []


# Roles that show the article's body has begun after its introduction.
_AFTER_INTRODUCTION = frozenset({"eligibility", "methods", "case", "results", "discussion"})
_UNTITLED_INTRODUCTION_MIN = 200  # characters: a prose paragraph, not a byline or a date


def _untitled_introduction(document: Document,
                           abstract: list[tuple[int, int, Role]]) -> list[tuple[int, int, Role]]:
    """Prose between the abstract and the first methods/case/results section of an article
    with no "Introduction" heading (JATS ``<body><p>`` before the first ``<sec>``)."""
    if any(s.role == "introduction" for s in document.sections):
        return []
    ends = [s.end for s in document.sections if s.role == "abstract"]
    ends += [end for _, end, _ in abstract]
    body = next((s.start for s in document.sections if s.role in _AFTER_INTRODUCTION), None)
    if not ends or body is None or max(ends) > body:
        return []
    text = document.text
    return [(b.start, b.end, "introduction") for b in document.blocks
            if b.kind == "paragraph" and max(ends) <= b.start and b.end <= body
            and b.end - b.start >= _UNTITLED_INTRODUCTION_MIN
            and not _FRONT_MATTER.search(text, b.start, b.end)]


def _reference_number(text: str, block: Block) -> int | None:
    """The number of a block that is a numbered reference with a year, else None."""
    if block.kind not in ("paragraph", "list_item"):
        return None
    m = _REFERENCE.match(text, block.start, block.end)
    if m is None or not _YEAR.search(text, block.start, block.end) or not _CITATION.search(
            text, block.start, block.end):
        return None
    return int(m.group(1) or m.group(2))


def _reference_lists(document: Document) -> list[tuple[int, int, Role]]:
    """Reference lists without a "References" heading: runs of references numbered upwards."""
    runs: list[tuple[int, int, Role]] = []
    run: list[Block] = []
    number = gap = 0
    for b in document.blocks:
        n = _reference_number(document.text, b)
        if n is not None and (not run or 0 < n - number <= _REFERENCE_GAP):
            run.append(b)
            number, gap = n, 0
            continue
        if n is None and run and gap < _REFERENCE_GAP:
            gap += 1
            continue
        if len(run) >= _REFERENCE_RUN:
            runs.append((run[0].start, run[-1].end, "references"))
        run = [b] if n is not None else []
        number, gap = n or 0, 0
    if len(run) >= _REFERENCE_RUN:
        runs.append((run[0].start, run[-1].end, "references"))
    return runs


def _layers(document: Document) -> list[tuple[int, int, Role]]:
    """Ranges to paint, in order: later ones win where they overlap earlier ones."""
    layers: list[tuple[int, int, Role]] = [
        (s.start, s.end, s.role) for s in sorted(document.sections, key=lambda s: (s.start, -s.end))
    ]
    abstract = _front_abstract(document)
    layers.extend(abstract)
    layers.extend(_untitled_introduction(document, abstract))
    layers.extend(_reference_lists(document))
    note_ends: set[int] = set()  # ends of the table notes found so far
    table_starts = {t.start for t in document.tables}
    table_ends = {t.end for t in document.tables}
    blocks = document.blocks
    for i, block in enumerate(blocks):
        if block.kind == "title":
            layers.append((block.start, block.end, "title"))
        elif block.kind == "caption":
            # What the caption says wins over where it sits: a figure's caption may sit
            # before a grid recovered from the figure.
            text = document.text[block.start:block.end]
            role = _caption_role(text, block.location) or (
                "table" if block.end + _BLOCK_GAP in table_starts else None)
            if role:
                layers.append((block.start, block.end, role))
        elif block.kind == "footnote":
            # A table's notes follow its last row (or the note before them).
            prev_end = blocks[i - 1].end if i else -1
            if block.start - _BLOCK_GAP in table_ends or prev_end in note_ends:
                layers.append((block.start, block.end, "table"))
                note_ends.add(block.end)
    # a table of published cases ("Author, year, ... treatment") reviews the literature: its
    # drugs and events are other patients', as in the discussion it belongs to
    # (in a meta-analysis or systematic review those rows are the study's own data)
    review = _REVIEW.search(document.metadata.title or document.text[:_REVIEW_WINDOW])
    layers.extend((t.start, t.end,
                   "discussion" if not review and literature_table(t) else "table")
                  for t in document.tables)
    return layers


_LITERATURE_HEADER = re.compile(r"\b(?:authors?|references?|first author|study|studies|"
                                r"publication|year of publication|case reports?)\b", re.I)
_CITED = re.compile(r"\bet al\b|\[\d+(?:[,\u2013-]\d+)*\]|\(\d{4}\)")
_CITED_SHARE = 0.5  # share of body rows that cite a publication
_REVIEW = re.compile(r"meta-?analys[ie]s|systematic review|pooled analysis", re.I)
_REVIEW_WINDOW = 3000  # characters where a review says what it is (without a title)


def literature_table(table: Table) -> bool:
    """A table whose rows are published cases or studies: an author/reference/study column
    in the header and a citation ("et al", "[12]", "(2010)") in most body rows."""
    # the caption too: a PDF grid may lose its first header line to the caption
    top = max(2, table.header_rows)
    header = " ".join([table.caption or "", *(c.text for c in table.cells if c.row < top)])
    if not _LITERATURE_HEADER.search(header):
        return False
    rows: dict[int, str] = {}
    for c in table.cells:
        if c.row >= max(1, table.header_rows):
            rows[c.row] = rows.get(c.row, "") + " " + c.text
    cited = sum(1 for text in rows.values() if _CITED.search(text))
    return bool(rows) and cited >= _CITED_SHARE * len(rows)


def _paint(text: str, layers: list[tuple[int, int, Role]]) -> list[tuple[int, int, Role]]:
    """Sorted, non-overlapping spans covering ``text``: at each offset the last layer that
    covers it wins; blank gaps join the span before them, other gaps are "other"."""
    if not text:
        return []
    return _fill(text, _segments(len(text), layers))


def _segments(n: int, layers: list[tuple[int, int, Role]]) -> list[tuple[int, int, Role | None]]:
    """[0, n) cut at every layer edge, each piece with the role of the latest layer over it."""
    ranges = sorted((max(0, s), min(n, e), order, role)
                    for order, (s, e, role) in enumerate(layers) if min(n, e) > max(0, s))
    cuts = sorted({0, n, *(r[0] for r in ranges), *(r[1] for r in ranges)})
    active: list[tuple[int, int, Role]] = []  # heap of (-order, end, role)
    pieces: list[tuple[int, int, Role | None]] = []
    k = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        while k < len(ranges) and ranges[k][0] <= a:
            start, end, order, role = ranges[k]
            heapq.heappush(active, (-order, end, role))
            k += 1
        while active and active[0][1] <= a:
            heapq.heappop(active)
        pieces.append((a, b, active[0][2] if active else None))
    return pieces


def _fill(text: str, pieces: list[tuple[int, int, Role | None]]) -> list[tuple[int, int, Role]]:
    """Give unpainted pieces a role and merge neighbours with the same role."""
    spans: list[tuple[int, int, Role]] = []
    for i, (a, b, found) in enumerate(pieces):
        role: Role = "other"
        if found is not None:
            role = found
        elif text[a:b].isspace():
            # The blank line between two sections belongs to the one it ends.
            role = spans[-1][2] if spans else _next_role(pieces, i)
        if spans and spans[-1][2] == role:
            spans[-1] = (spans[-1][0], b, role)
        else:
            spans.append((a, b, role))
    return spans


def _next_role(pieces: list[tuple[int, int, Role | None]], i: int) -> Role:
    return next((r for _, _, r in pieces[i + 1:] if r is not None), "other")


class RoleIndex:
    """The role of every character of a Document's text (innermost section wins; the title
    block, figure captions and tables with their captions and notes override sections)."""

    def __init__(self, document: Document) -> None:
        self._spans = _paint(document.text, _layers(document))
        self._starts = [s for s, _, _ in self._spans]

    def role_at(self, offset: int) -> Role:
        """The role at a character offset (clamped into the text), in O(log n)."""
        if not self._spans:
            return "other"
        i = bisect_right(self._starts, offset) - 1
        return self._spans[max(0, i)][2]

    def spans(self) -> list[tuple[int, int, Role]]:
        """(start, end, role) ranges: sorted, non-overlapping, covering the whole text."""
        return list(self._spans)


def section_spans(document: Document) -> list[tuple[int, int, str]]:
    """The (start, end, role) ranges the NLP pipeline stores in ``Doc._.sections``."""
    return [(s, e, str(r)) for s, e, r in RoleIndex(document).spans()]
