"""The JATS parser: real PMC files from ../shared, invented snippets for behaviour and safety.

Expected values for real files are read from the files themselves (regexes over the raw XML,
independent of the parser's lxml walk); inline fixtures are invented text.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.parsers import parse_all
from extractor.parsers.jats import parse_jats
from extractor.parsers.source import RawInput, from_bytes_input, read_input
from tests.conftest import SHARED, assert_offsets, shared_path

JATS_DIR = SHARED / "articles" / "jats"
SHARED_FILES = sorted(
    [*JATS_DIR.glob("*.xml"), *JATS_DIR.glob("*.nxml"), *JATS_DIR.glob("rct_fragments/*.xml")]
)


def _raw(xml: str | bytes, name: str = "invented.xml") -> RawInput:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return from_bytes_input(data, name)


def _one(xml: str | bytes) -> Document:
    docs = parse_jats(_raw(xml))
    assert len(docs) == 1
    assert_invariants(docs[0])
    return docs[0]


def _block_texts(doc: Document, kind: str | None = None) -> list[str]:
    return [doc.text[b.start:b.end] for b in doc.blocks if kind is None or b.kind == kind]


def assert_invariants(doc: Document) -> None:
    """Offsets index the text, blocks are trimmed single blocks, sections nest properly."""
    assert_offsets(doc)
    for b in doc.blocks:
        piece = doc.text[b.start:b.end]
        assert piece == piece.strip() and "\n\n" not in piece
    stack = []
    # Zero-length sections contain nothing, so they need not nest.
    for s in sorted((s for s in doc.sections if s.end > s.start),
                    key=lambda s: (s.start, -s.end, s.level)):
        while stack and s.start >= stack[-1].end:
            stack.pop()
        if stack:
            assert s.end <= stack[-1].end, f"section {s.title!r} overlaps {stack[-1].title!r}"
            assert s.level > stack[-1].level
        stack.append(s)


# -- every shared file ------------------------------------------------------------------------
def _ids(path: Path) -> str:
    return str(path.relative_to(JATS_DIR))


@pytest.mark.parametrize("path", SHARED_FILES, ids=_ids)
def test_shared_file_parses_and_keeps_every_table_row_and_cell(path: Path) -> None:
    shared_path("articles", "jats")
    xml = path.read_text(encoding="utf-8")
    docs = parse_jats(read_input(path))
    for doc in docs:
        assert_invariants(doc)
        assert doc.source.format == "jats"
        for t in doc.tables:
            assert re.search(r"/table-wrap(\[\d+\])?$", t.location or "")
    tables = [t for d in docs for t in d.tables]
    # Counted on the raw text: each <table-wrap> element once (a -group or -foot is not one).
    assert len(tables) == len(re.findall(r"<table-wrap[\s>/]", xml))
    assert sum(t.n_rows for t in tables) == len(re.findall(r"<tr[\s>/]", xml))
    assert sum(len(t.cells) for t in tables) == len(re.findall(r"<t[dh][\s>/]", xml))


def test_rct_fragments_come_out_as_abstract_results_and_tables() -> None:
    path = shared_path("articles", "jats", "rct_fragments", "PMC5771543.xml")
    doc = parse_jats(read_input(path))[0]
    top = [s.title for s in doc.sections if s.level == 1]
    assert top == ["Abstract", "Results"]
    assert doc.id == "PMC5771543"
    # One table-wrap there holds three <table>s: they are stacked, not dropped, and flagged.
    xml = path.read_text(encoding="utf-8")
    wrap = re.search(r'<table-wrap id="T2".*?</table-wrap>', xml, re.S)
    assert wrap is not None
    t2 = next(t for t in doc.tables if t.id == "T2")
    assert t2.n_rows == len(re.findall(r"<tr[\s>]", wrap.group(0)))
    assert t2.flags and len(re.findall(r"<table[\s>]", wrap.group(0))) == 3


# -- metadata -----------------------------------------------------------------------------------
def _first(pattern: str, text: str) -> str:
    m = re.search(pattern, text, re.S)
    assert m, pattern
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip()


def test_pmc4737013_metadata_matches_the_file() -> None:
    path = shared_path("articles", "jats", "PMC4737013.xml")
    xml = path.read_text(encoding="utf-8")
    doc = parse_jats(read_input(path))[0]
    md = doc.metadata
    assert md.doi is not None and doc.id == md.doi.replace("/", "_")  # 10.1155_2016_2087525
    assert md.title == _first(r"<title-group>\s*<article-title>(.*?)</article-title>", xml)
    assert md.doi == _first(r'<article-id pub-id-type="doi">(.*?)</article-id>', xml)
    assert md.pmcid == "PMC" + _first(r'<article-id pub-id-type="pmcid">(.*?)</article-id>', xml)
    assert md.journal == _first(r"<journal-title>(.*?)</journal-title>", xml)
    assert md.year == int(_first(r'<pub-date pub-type="[ep]pub">.*?<year>(\d{4})</year>', xml))
    assert md.article_type == _first(r'<article [^>]*article-type="([^"]+)"', xml)
    n_authors = len(re.findall(r'<contrib contrib-type="author"', xml))
    assert len(md.authors) == n_authors
    given = _first(r"<given-names>(.*?)</given-names>", xml)
    surname = _first(r"<surname>(.*?)</surname>", xml)
    assert md.authors[0] == f"{given} {surname}"
    assert doc.blocks[0].kind == "title" and _block_texts(doc)[0] == md.title


def test_multi_article_file_gives_one_document_per_article() -> None:
    path = shared_path("articles", "jats", "PMC6358576_PMC6358589.xml")
    xml = path.read_text(encoding="utf-8")
    docs = parse_all(path)
    assert len(docs) == 10 == len(re.findall(r"<article[\s>]", xml))
    # Each article's own id: its DOI (file-name safe), as the same article as PDF gets it.
    dois = re.findall(r'<article-id pub-id-type="doi">(.*?)</article-id>', xml)
    assert [d.id for d in docs] == [d.lower().replace("/", "_") for d in dois]
    assert len({d.id for d in docs}) == 10
    titles = re.findall(r"<title-group>\s*<article-title>(.*?)</article-title>", xml, re.S)
    for doc, title in zip(docs, titles, strict=True):
        assert_invariants(doc)
        assert doc.metadata.title == " ".join(html.unescape(re.sub(r"<[^>]+>", "", title)).split())


def test_articles_without_pmcid_get_stem_and_number() -> None:
    xml = ("<articles>" + "".join(
        f"<article><front><article-meta><title-group><article-title>Case {n}"
        "</article-title></title-group></article-meta></front></article>" for n in (1, 2)
    ) + "</articles>")
    docs = parse_jats(_raw(xml, "batch.xml"))
    assert [d.id for d in docs] == ["batch-1", "batch-2"]


# -- tables against docling's ground truth ---------------------------------------------------------
def _grid(table) -> dict[tuple[int, int], str]:
    grid = {}
    for c in table.cells:
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                grid[(r, k)] = c.text
    return grid


def test_pntd_tables_agree_with_docling_ground_truth() -> None:
    truth = json.loads(shared_path("articles", "jats", "groundtruth",
                                   "pntd.0008301.nxml.json").read_text(encoding="utf-8"))
    doc = parse_jats(read_input(shared_path("articles", "jats", "pntd.0008301.nxml")))[0]
    assert len(doc.tables) == len(truth["tables"]) == 2
    agree = total = 0
    for mine, gold in zip(doc.tables, truth["tables"], strict=True):
        data = gold["data"]
        assert (mine.n_rows, mine.n_cols) == (data["num_rows"], data["num_cols"])
        grid = _grid(mine)
        for r, row in enumerate(data["grid"]):
            for k, cell in enumerate(row):
                total += 1
                agree += " ".join(grid.get((r, k), "").split()) == " ".join(cell["text"].split())
    assert total > 200
    assert agree / total >= 0.98, f"{agree}/{total} cells agree"


# -- text quality: nothing lost, nothing glued ---------------------------------------------------
# An independent reading of the raw XML: tags that end a line in print become spaces, inline
# markup disappears; words are then compared as multisets.
_LINE_TAGS = ("p|title|label|caption|td|th|tr|list-item|sec|fig|table-wrap|table-wrap-foot|fn|"
              "break|ack|abstract|article-title|disp-quote|boxed-text")


def _oracle_words(xml: str) -> list[str]:
    xml = re.sub(r"<(alt-text|object-id|ref-list|tex-math)\b.*?</\1>", " ", xml, flags=re.S)
    xml = re.sub(rf"</?(?:{_LINE_TAGS})\b[^>]*>", " ", xml)
    return re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", "", xml)))


@pytest.mark.parametrize("name", ["PMC4737013.xml", "PMC4736431.xml"])
def test_body_words_are_all_kept_and_none_glued(name: str) -> None:
    path = shared_path("articles", "jats", name)
    xml = path.read_text(encoding="utf-8")
    doc = parse_jats(read_input(path))[0]
    words = Counter(re.findall(r"\w+", doc.text))
    body = xml[xml.index("<body>"):xml.index("</body>")]
    assert not Counter(_oracle_words(body)) - words  # lost or glued body words
    front = xml[:xml.index("<body>")]
    allowed = set(_oracle_words(xml[xml.index("<body>"):]))
    allowed |= set(_oracle_words("".join(re.findall(r"<abstract\b.*?</abstract>", front, re.S))))
    allowed |= set(_oracle_words(_first(r"(<article-title>.*?</article-title>)", front)))
    assert set(words) - allowed <= {"Abstract"}  # glued words would be new "words"
    refs = re.search(r"<ref-list>.*?</ref-list>", xml, re.S)
    assert refs
    ref_title = _first(r"<ref id=.*?<article-title>(.*?)</article-title>", refs.group(0))
    assert ref_title not in doc.text  # references are not article content


# -- invented documents ----------------------------------------------------------------------------
ARTICLE = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report" xml:lang="en">
<front><journal-meta><journal-id journal-id-type="nlm-ta">Invent Case Rep</journal-id>
</journal-meta><article-meta>
<article-id pub-id-type="pmc">PMC9999001</article-id><article-id pub-id-type="pmid">123</article-id>
<title-group><article-title>Rash after <italic>carboplatin</italic></article-title></title-group>
<contrib-group><contrib contrib-type="author"><name><surname>Doe</surname>
<given-names>Jane Q.</given-names></name></contrib>
<contrib contrib-type="editor"><name><surname>Roe</surname><given-names>Rick</given-names></name>
</contrib></contrib-group>
<pub-date pub-type="pmc-release"><year>2021</year></pub-date>
<pub-date pub-type="epub"><day>3</day><month>4</month><year>2019</year></pub-date>
<abstract><sec><title>Background</title><p>An invented patient.</p></sec>
<sec><title>Outcome</title><p>She recovered.</p></sec></abstract>
</article-meta></front>
<body><sec><title>Case</title>
<p>She received 75 mg/m<sup>2</sup> of <italic>carboplatin</italic><xref ref-type="bibr"
rid="r1">2</xref> on day 1 [<xref ref-type="bibr"
rid="r1">1</xref>] and relapsed<sup><xref ref-type="bibr" rid="r1">1</xref></sup>.</p>
<p><sup>&#x2020;</sup>Before the figure<fig id="f1"><label>Figure 1</label><caption>
<title>Rash.</title><p>Day&nbsp;3&mdash;trunk.</p></caption>
<alt-text>picture description</alt-text></fig>after
the figure.</p>
<list><list-item><p>first item</p></list-item><list-item><p>second</p><p>part</p>
</list-item></list>
<sec><title>Labs</title><p>Normal <inline-formula><mml:math
xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>x</mml:mi><mml:mo>&lt;</mml:mo>
<mml:mn>2</mml:mn></mml:math></inline-formula> values.</p>
</sec></sec></body>
<back><ack><p>We thank nobody.</p></ack>
<ref-list><ref id="r1"><mixed-citation>Invented reference title.</mixed-citation></ref></ref-list>
</back></article>"""


def test_invented_article_text_metadata_and_sections() -> None:
    doc = _one(ARTICLE)
    md = doc.metadata
    assert doc.id == "PMC9999001"  # no DOI: the PMCID
    assert md.title == "Rash after carboplatin" and md.pmcid == "PMC9999001"
    assert (md.pmid, md.year, md.journal) == ("123", 2019, "Invent Case Rep")
    assert md.authors == ["Jane Q. Doe"]  # the editor is not an author
    assert (md.article_type, md.language) == ("case-report", "en")
    paragraphs = _block_texts(doc, "paragraph")
    assert "She received 75 mg/m2 of carboplatin 2 on day 1 [1] and relapsed 1." in paragraphs
    # The figure splits its paragraph; no words glue across the split.
    assert "\u2020 Before the figure" in paragraphs and "after the figure." in paragraphs
    assert _block_texts(doc, "caption") == ["Figure 1: Rash. Day 3\u2014trunk."]
    assert _block_texts(doc, "list_item") == ["first item", "second part"]
    assert "Normal x<2 values." in paragraphs
    assert "picture description" not in doc.text and "Invented reference" not in doc.text
    assert "We thank nobody." in paragraphs
    sections = [(s.title, s.level) for s in doc.sections]
    assert sections == [("Abstract", 1), ("Background", 2), ("Outcome", 2), ("Case", 1),
                        ("Labs", 2), ("Acknowledgments", 1)]
    labs = next(s for s in doc.sections if s.title == "Labs")
    assert doc.text[labs.start:labs.end].startswith("Labs\n\nNormal")
    assert all(b.location and b.location.startswith("/article/") for b in doc.blocks)


TABLE = """<article><body><sec><title>Results</title>
<table-wrap id="tab2"><label>Table 2</label><caption><p>Doses by arm</p></caption>
<table><thead>
<tr><th rowspan="2">Arm</th><th colspan="2">Dose (mg)</th></tr>
<tr><th>Day 1</th><th>Day 8</th></tr></thead>
<tbody><tr><td>A</td><td>10</td><td rowspan="2">20<break/>(reduced)</td></tr>
<tr><td>B<sup>a</sup></td><td>15</td></tr></tbody></table>
<table-wrap-foot><fn id="fn1"><label>a</label><p>Invented footnote.</p></fn></table-wrap-foot>
</table-wrap></sec></body></article>"""


def test_table_spans_header_caption_and_footnotes() -> None:
    doc = _one(TABLE)
    (t,) = doc.tables
    assert (t.id, t.caption, t.n_rows, t.n_cols, t.header_rows) == (
        "tab2", "Table 2: Doses by arm", 4, 3, 2)
    cells = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in t.cells}
    assert cells == {
        (0, 0): ("Arm", 2, 1), (0, 1): ("Dose (mg)", 1, 2),
        (1, 1): ("Day 1", 1, 1), (1, 2): ("Day 8", 1, 1),
        (2, 0): ("A", 1, 1), (2, 1): ("10", 1, 1), (2, 2): ("20 (reduced)", 2, 1),
        (3, 0): ("B a", 1, 1), (3, 1): ("15", 1, 1),
    }
    assert t.footnotes == ["a Invented footnote."]
    assert t.location == "/article/body/sec/table-wrap"
    results = doc.sections[0]
    assert results.start <= t.start <= t.end <= results.end


def test_header_rows_without_thead_are_the_leading_th_rows() -> None:
    xml = ("<article><body><table-wrap><table><tr><th>Drug</th><th>n</th></tr>"
           "<tr><td>aspirin</td><td>4</td></tr></table></table-wrap></body></article>")
    (t,) = _one(xml).tables
    assert (t.header_rows, t.n_rows, t.id) == (1, 2, "T1")


def test_table_in_alternatives_is_read_once() -> None:
    xml = ("<article><body><table-wrap id='t'><alternatives><graphic/><table><tr><td>x</td>"
           "</tr></table><table><tr><td>x</td></tr></table></alternatives></table-wrap>"
           "</body></article>")
    (t,) = _one(xml).tables
    assert t.n_rows == 1 and not t.flags


def test_fragment_without_root_and_with_undeclared_xlink_prefix() -> None:
    xml = ('<abstract><p>Invented summary.</p></abstract>'
           '<sec><title>Results</title><p>See <xref ref-type="table" rid="T1">Table 1</xref>.'
           '</p><table-wrap id="T1"><graphic xlink:href="t1.jpg"/><table><tr><td>1</td></tr>'
           '</table></table-wrap></sec><fig id="F1"><graphic xlink:href="f1.jpg"/></fig>')
    doc = _one(xml)
    assert [s.title for s in doc.sections] == ["Abstract", "Results"]
    assert len(doc.tables) == 1 and doc.id == "invented"


def test_named_entities_and_declared_encoding() -> None:
    xml = '<?xml version="1.0" encoding="ISO-8859-1"?><article><body><p>caf\xe9&nbsp;&hellip;</p>'
    doc = _one(xml.encode("latin-1") + b"</body></article>")
    assert _block_texts(doc) == ["caf\u00e9 \u2026"]
    assert doc.source.encoding and doc.source.encoding.upper() == "ISO-8859-1"
    utf16 = "<article><body><p>na\u00efve</p></body></article>".encode("utf-16")
    assert _block_texts(_one(utf16)) == ["na\u00efve"]


def test_bytes_that_contradict_their_declared_encoding_are_detected() -> None:
    xml = '<?xml version="1.0" encoding="UTF-8"?><article><body><p>cr\xe8me br\xfbl\xe9e</p>'
    doc = _one(xml.encode("latin-1") + b"</body></article>")
    assert _block_texts(doc) == ["cr\u00e8me br\u00fbl\u00e9e"]
    assert doc.warnings and doc.source.encoding and doc.source.encoding.upper() != "UTF-8"


# -- safety ------------------------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<article><body><p>&lol2;</p></body></article>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<article><body><p>&xxe;</p></body></article>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["bomb", "xxe"])
def test_entity_declarations_are_refused(xml: str) -> None:
    with pytest.raises(ExtractorError) as err:
        parse_jats(_raw(xml))
    assert err.value.code == "unsafe"
    assert "entity declarations are not allowed" in err.value.reason


def test_external_dtd_is_not_loaded() -> None:
    xml = ('<!DOCTYPE article SYSTEM "file:///etc/passwd"><article><body><p>Invented text.</p>'
           "</body></article>")
    doc = _one(xml)
    assert doc.text == "Invented text." and "root:" not in doc.text


@pytest.mark.parametrize("xml", ["<article><body><p>open</body></article>",
                                 "<article><p>&undefinedentity;</p></article>",
                                 "plain words, no markup <"])
def test_malformed_xml(xml: str) -> None:
    with pytest.raises(ExtractorError) as err:
        parse_jats(_raw(xml))
    assert err.value.code == "malformed"
    assert err.value.reason.startswith("malformed XML: ") and "line" in err.value.reason


@pytest.mark.parametrize("xml", ["<article><front/><body>  </body></article>",
                                 "<config><item>on</item></config>"])
def test_no_article_content_is_empty(xml: str) -> None:
    with pytest.raises(ExtractorError) as err:
        parse_jats(_raw(xml))
    assert err.value.code == "empty"


def _parse_or_refuse(data: bytes) -> None:
    try:
        docs = parse_jats(RawInput(path="fuzz.xml", data=data, sha256="0"))
    except ExtractorError:
        return
    assert isinstance(docs, list) and docs
    for doc in docs:
        assert_invariants(doc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_give_documents_or_extractor_error(data: bytes) -> None:
    _parse_or_refuse(data)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(TABLE)), st.integers(0, len(ARTICLE)))
def test_truncated_documents_give_documents_or_extractor_error(cut_table: int, cut: int) -> None:
    _parse_or_refuse(TABLE.encode()[:cut_table])
    _parse_or_refuse(ARTICLE.encode()[:cut])
    _parse_or_refuse(ARTICLE.encode()[cut:])


# Random well-formed trees of JATS (and unknown) elements: whatever the nesting, every word
# outside dropped elements (references, image descriptions) reaches the text, and the
# invariants hold. Words are padded with spaces, so this is about loss, not gluing.
_TAGS = ["sec", "p", "title", "label", "caption", "italic", "sup", "xref", "list", "list-item",
         "fig", "table-wrap", "table", "thead", "tbody", "tr", "td", "th", "break", "disp-quote",
         "boxed-text", "table-wrap-foot", "fn", "abstract", "body", "back", "ack", "app",
         "ref-list", "alt-text", "table-wrap-group", "array", "unknown-thing", "def-list",
         "def-item", "term", "def", "supplementary-material", "fig-group", "disp-formula"]
_WORDS = st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), max_size=2)
_SPANS = st.sampled_from(["", ' rowspan="2"', ' colspan="3"', ' rowspan="0"', ' id="x"'])
_LEAF = st.tuples(st.sampled_from(_TAGS), st.just(""), _WORDS, st.just([]), st.just([]))
_TREE = st.recursive(_LEAF, lambda kids: st.tuples(
    st.sampled_from(_TAGS), _SPANS, _WORDS, st.lists(kids, max_size=4), _WORDS), max_leaves=25)


def _render(node: tuple) -> str:
    tag, attrs, text, kids, tail = node
    inner = "".join(_render(k) for k in kids)
    return f"<{tag}{attrs}> {' '.join(text)} {inner}</{tag}> {' '.join(tail)} "


_GRID = ("table", "array", "thead", "tbody", "tr")


def _kept_words(node: tuple, dropped: bool = False, in_grid: bool = False) -> list[str]:
    """The words the text must keep: none in dropped elements, and inside a table's row
    structure only those in cells (loose text or a stray element between rows is not table
    content, as in HTML)."""
    tag, _, text, kids, tail = node
    lost = dropped or tag in ("ref-list", "alt-text") or (in_grid and tag not in _GRID
                                                          and tag not in ("td", "th"))
    grid = tag in _GRID
    words = [] if lost or grid else list(text)
    for kid in kids:
        words += _kept_words(kid, lost, grid)
    return words + ([] if dropped or in_grid else list(tail))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TREE, min_size=1, max_size=3), st.booleans())
def test_random_jats_trees_keep_every_word(roots: list[tuple], in_article: bool) -> None:
    xml = "".join(_render(r) for r in roots)
    if in_article:
        xml = f"<article><body>{xml}</body></article>"
    try:
        docs = parse_jats(_raw(xml))
    except ExtractorError as err:
        # Several top-level nodes with nothing JATS-like in them are not XML nor a fragment.
        assert err.code == "empty" or (err.code == "malformed" and not in_article)
        return
    for doc in docs:
        assert_invariants(doc)
    got = Counter(re.findall(r"[a-z]+", " ".join(d.text for d in docs)))
    assert not Counter(w for r in roots for w in _kept_words(r)) - got
