"""The HTML parser: real publisher pages and JATS-made XHTML from ../shared, invented pages."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.parsers import parse_bytes
from extractor.parsers.builder import normalize_inline
from extractor.parsers.html import declared_charset, parse_html
from extractor.parsers.source import from_bytes_input, read_input
from tests.conftest import assert_offsets, shared_path

HTML_FILES = ("BMJ_2016_i2607_dabigatran_warfarin.html",
              "Trials_2015_16_2_drug_monitoring_protocol.html",
              "OJSM_2016_ACL_ice_hockey.html",
              "PMC4737013_scholarly.html",
              "PMC4736431_scholarly.html")


def _parse(data: bytes | str, name: str = "page.html") -> Document:
    raw = from_bytes_input(data.encode("utf-8") if isinstance(data, str) else data, name)
    docs = parse_html(raw)
    assert len(docs) == 1
    assert_blocks(docs[0])
    return docs[0]


def _parse_file(name: str) -> Document:
    doc = parse_html(read_input(shared_path("articles", "html", name)))[0]
    assert_blocks(doc)
    return doc


def assert_blocks(doc: Document) -> None:
    """Offsets are exact: every block is a non-empty, normalized slice of the text."""
    assert_offsets(doc)
    for block in doc.blocks:
        piece = doc.text[block.start:block.end]
        assert piece and piece == normalize_inline(piece)
    for table in doc.tables:
        for cell in table.cells:
            assert doc.text[cell.start:cell.end] == cell.text


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


# -- real pages ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", HTML_FILES)
def test_every_shared_page_parses_with_title_and_text(name: str) -> None:
    doc = _parse_file(name)
    assert doc.source.format == "html" and doc.source.encoding == "utf-8"
    assert doc.metadata.title and len(doc.metadata.title) > 20
    assert doc.blocks[0].kind == "title" or doc.blocks[1].kind == "title"
    assert len(_words(doc.text)) > 1500
    assert len(doc.sections) >= 5
    for block in doc.blocks:
        assert block.location and block.location.startswith("/html")


def test_bmj_metadata_matches_its_meta_tags() -> None:
    path = shared_path("articles", "html", "BMJ_2016_i2607_dabigatran_warfarin.html")
    tree = lxml_html.fromstring(path.read_bytes())
    meta: dict[str, list[str]] = {}
    for tag in tree.iter("meta"):
        meta.setdefault(tag.get("name") or "", []).append(tag.get("content") or "")
    doc = _parse_file(path.name)
    assert doc.metadata.title == meta["citation_title"][0]
    assert doc.metadata.doi == meta["citation_doi"][0]
    assert doc.metadata.pmid == meta["citation_pmid"][0]
    assert doc.metadata.journal == meta["citation_journal_title"][0]
    assert doc.metadata.year == int(meta["citation_publication_date"][0][:4])
    assert doc.metadata.authors == meta["citation_author"]
    # The <h1> on the page is the title block, not a section.
    title = doc.blocks[[b.kind for b in doc.blocks].index("title")]
    assert doc.text[title.start:title.end] == meta["citation_title"][0]
    assert all(s.title != meta["citation_title"][0] for s in doc.sections)


def test_bmj_sections_nest_by_heading_level() -> None:
    doc = _parse_file("BMJ_2016_i2607_dabigatran_warfarin.html")
    top = [s.title for s in doc.sections if s.level == 1]
    assert top[:5] == ["Abstract", "Introduction", "Methods", "Results", "Discussion"]
    methods = next(s for s in doc.sections if s.title == "Methods")
    children = [s for s in doc.sections if s.level == 2
                and methods.start < s.start and s.end <= methods.end]
    assert len(children) >= 5


# Strings of the pages' navigation, menus, widgets and footers (checked to be in the raw page
# inside nav/header/footer/aside/cookie/share elements, and not in the article).
CHROME = {
    "BMJ_2016_i2607_dabigatran_warfarin.html": [
        "Skip to main content", "This site uses cookies", "Forward this page",
        "Article tools", "This week's poll", "Email to a friend", "Edition:",
        "View this table:", "Related content", "View Abstract",
    ],
    "OJSM_2016_ACL_ice_hockey.html": [
        "Skip to main page content", "Sign In", "Previous Section", "View larger version",
        "Navigate This Article", "Most Read", "Email Alerts",
    ],
    "Trials_2015_16_2_drug_monitoring_protocol.html": [
        "Viewing options", "Email updates", "Download references", "Tweet", "Order reprints",
    ],
}


@pytest.mark.parametrize("name", sorted(CHROME))
def test_page_chrome_is_dropped(name: str) -> None:
    page = lxml_html.fromstring(shared_path("articles", "html", name).read_bytes())
    page_text = normalize_inline(page.text_content())
    doc = _parse_file(name)
    for phrase in CHROME[name]:
        assert phrase in page_text, phrase  # the check means something
        assert phrase not in doc.text, phrase


@pytest.mark.parametrize("name", ["BMJ_2016_i2607_dabigatran_warfarin.html",
                                  "OJSM_2016_ACL_ice_hockey.html"])
def test_reference_list_is_dropped(name: str) -> None:
    path = shared_path("articles", "html", name)
    tree = lxml_html.fromstring(path.read_bytes())
    cites = tree.xpath('//*[@id="ref-list-1"]//cite')
    snippets = [normalize_inline(c.text_content()).strip(". ")[:50] for c in cites]
    assert len(snippets) >= 10 and all(len(s) >= 30 for s in snippets)
    doc = _parse_file(name)
    assert [s for s in snippets if s in doc.text] == []


def _jats(pmc: str) -> etree._ElementTree:
    path = shared_path("articles", "jats", f"{pmc}.xml")
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


def _jats_text(el: etree._Element) -> str:
    """Text of a JATS element with <break/> read as a line break; whitespace collapsed."""
    el = etree.fromstring(etree.tostring(el))
    for br in el.iter("break"):
        br.tail = " " + (br.tail or "")
    return " ".join("".join(el.itertext()).split())


@pytest.mark.parametrize(("pmc", "n_tables"), [("PMC4737013", 1), ("PMC4736431", 3)])
def test_scholarly_tables_match_the_jats_twin(pmc: str, n_tables: int) -> None:
    doc = _parse_file(f"{pmc}_scholarly.html")
    wraps = _jats(pmc).findall(".//table-wrap")
    assert len(doc.tables) == len(wraps) == n_tables
    for table, wrap in zip(doc.tables, wraps, strict=True):
        rows = wrap.findall(".//tr")
        grid = [[_jats_text(c) for c in tr if c.tag in ("td", "th")] for tr in rows]
        assert table.n_rows == len(rows)
        assert table.n_cols == max(len(r) for r in grid)
        assert table.header_rows == len(wrap.findall(".//thead/tr"))
        got = {(c.row, c.col): " ".join(c.text.split()) for c in table.cells}
        want = {(r, c): text for r, row in enumerate(grid) for c, text in enumerate(row)}
        assert got == want
        label = _jats_text(wrap.find("label"))
        caption = _jats_text(wrap.find("caption"))
        assert table.caption is not None
        assert table.caption.startswith(label) and table.caption.endswith(caption)
        notes = [_jats_text(fn) for fn in wrap.findall(".//table-wrap-foot//fn")]
        assert table.footnotes == notes


@pytest.mark.parametrize("pmc", ["PMC4737013", "PMC4736431"])
def test_word_coverage_of_the_jats_body(pmc: str) -> None:
    """Share of the JATS <body> word tokens (with multiplicity) found in the HTML's text."""
    body = _jats(pmc).find(".//body")
    assert body is not None
    blocks = [p for p in body.iter("title", "p")
              if not any(a.tag == "p" for a in p.iterancestors())]
    want = Counter(w for el in blocks for w in _words(_jats_text(el)))
    got = Counter(_words(_parse_file(f"{pmc}_scholarly.html").text))
    coverage = sum((want & got).values()) / sum(want.values())
    assert coverage >= 0.99, coverage


@pytest.mark.parametrize("pmc", ["PMC4737013", "PMC4736431"])
def test_scholarly_sections_nest_like_the_jats_secs(pmc: str) -> None:
    doc = _parse_file(f"{pmc}_scholarly.html")
    body = _jats(pmc).find(".//body")
    assert body is not None
    want = [(_jats_text(sec.find("title")), sum(1 for a in sec.iterancestors() if a.tag == "sec")
             + 1) for sec in body.iter("sec")]
    got = [(s.title, s.level) for s in doc.sections]
    assert want and all(pair in got for pair in want)
    for inner in (s for s in doc.sections if s.level == 2):  # children lie inside a parent
        assert any(o.level == 1 and o.start < inner.start and inner.end <= o.end
                   for o in doc.sections)


def test_scholarly_front_matter_is_metadata() -> None:
    doc = _parse_file("PMC4736431_scholarly.html")
    assert len(doc.metadata.authors) == 5 and doc.metadata.year == 2016
    assert doc.metadata.doi and doc.metadata.doi.startswith("10.1155/")
    assert "citation_" not in doc.text and "contrib:" not in doc.text
    assert "g/m2" in doc.text  # "g/m\n   <sup>2</sup>": pretty-printing adds no space


# -- invented pages --------------------------------------------------------------------------
CHROME_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Case 12 | Journal of Invented Cases</title>
<meta name="citation_title" content="Methotrexate pneumonitis in an invented patient">
<meta name="dc.identifier" content="doi:10.9999/jic.2024.012">
<meta name="citation_pmcid" content="PMC7654321">
<meta name="citation_online_date" content="2023/11/30">
<meta name="citation_author" content="Ada Example"><meta name="citation_author" content="Bo Sample">
<script>var tracker = "SCRIPTWORD";</script><style>.x{color:red}</style></head>
<body>
<a class="skip-link" href="#main">Skip to the article</a>
<div id="cookie-banner">We use cookies to improve SITEWORDCOOKIE. <button>Accept</button></div>
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/a">Archive</a>
</li></ul></nav><form><input name="q"><button>Search</button></form></header>
<div class="breadcrumb"><a href="/">Journal</a> &gt; <a href="/v">Volume 3</a></div>
<div class="layout">
 <main id="main">
  <article class="article-fulltext">
   <h1>Methotrexate pneumonitis in an invented patient</h1>
   <div class="share-tools"><a href="#">Share on Twitter</a> <a href="#">Share by email</a></div>
   <section><h2>Abstract</h2><p>A 61-year-old invented man developed cough on methotrexate
   15&nbsp;mg weekly.</p></section>
   <section><h2>Case report</h2>
    <p>He received methotrexate 15 mg/m<sup>2</sup> weekly and folic acid 5 mg.</p>
    <h3>Investigations</h3>
    <p>Chest CT showed ground-glass opacities.</p>
    <ul><li>Oxygen saturation 88%.</li><li>CRP 45 mg/L.</li></ul>
    <h3>Treatment</h3>
    <p>Methotrexate was stopped and prednisolone 40 mg daily was started.</p>
    <blockquote>The invented patient recovered within six weeks.</blockquote>
   </section>
   <section><h2>Discussion</h2><p>Pneumonitis is a known adverse event of methotrexate.</p>
   </section>
   <section class="ref-list"><h2>References</h2><ol><li>Doe J. REFWORD invented. 2001.</li>
   </ol></section>
   <div class="related-articles"><h4>Related articles</h4><p>RELATEDWORD in another case</p>
   </div>
  </article>
 </main>
 <aside class="sidebar"><h3>Most read</h3><p>SIDEBARWORD story</p></aside>
</div>
<footer><p>Copyright FOOTERWORD Publisher</p><a href="/terms">Terms</a></footer>
</body></html>
"""


def test_chrome_page_keeps_only_the_article() -> None:
    doc = _parse(CHROME_PAGE)
    for chrome in ("SCRIPTWORD", "SITEWORDCOOKIE", "Accept", "Home", "Archive", "Search",
                   "Volume 3", "Share on Twitter", "REFWORD", "References", "RELATEDWORD",
                   "SIDEBARWORD", "FOOTERWORD", "Skip to the article", "color:red"):
        assert chrome not in doc.text, chrome
    assert "methotrexate 15 mg/m2 weekly" in doc.text  # inline <sup> joins without a space
    assert "15 mg weekly" in doc.text  # &nbsp; is a plain space
    assert doc.blocks[0].kind == "title"
    assert doc.text.startswith("Methotrexate pneumonitis in an invented patient\n\nAbstract")
    kinds = {doc.text[b.start:b.end]: b.kind for b in doc.blocks}
    assert kinds["CRP 45 mg/L."] == "list_item"
    assert kinds["The invented patient recovered within six weeks."] == "paragraph"
    assert kinds["Investigations"] == "heading"


def test_chrome_page_sections_nest() -> None:
    doc = _parse(CHROME_PAGE)
    by_title = {s.title: s for s in doc.sections}
    assert [s.title for s in doc.sections] == [
        "Abstract", "Case report", "Investigations", "Treatment", "Discussion"]
    case, inv, treat = by_title["Case report"], by_title["Investigations"], by_title["Treatment"]
    assert (case.level, inv.level, treat.level) == (1, 2, 2)
    assert case.start < inv.start < inv.end <= treat.start < treat.end <= case.end
    assert "Chest CT" in doc.text[inv.start:inv.end]
    assert "prednisolone" not in doc.text[inv.start:inv.end]
    assert "prednisolone" in doc.text[treat.start:treat.end]
    assert "Pneumonitis is a known" not in doc.text[case.start:case.end]


def test_chrome_page_metadata() -> None:
    meta = _parse(CHROME_PAGE).metadata
    assert meta.title == "Methotrexate pneumonitis in an invented patient"
    assert meta.doi == "10.9999/jic.2024.012"
    assert meta.pmcid == "PMC7654321"
    assert meta.year == 2023
    assert meta.authors == ["Ada Example", "Bo Sample"]
    assert meta.language == "en"


def test_title_tag_is_the_last_resort_for_the_title() -> None:
    page = ("<html><head><title>Invented case | Site</title></head><body>"
            "<div><p>Only a paragraph about azathioprine 2 mg/kg in an invented child.</p>"
            "</div></body></html>")
    doc = _parse(page)
    assert doc.metadata.title == "Invented case | Site"
    assert doc.blocks[0].kind == "title"
    with_h1 = page.replace("<div>", "<div><h1>Azathioprine in an invented child</h1>")
    assert _parse(with_h1).metadata.title == "Azathioprine in an invented child"


SPAN_TABLE = """<html><body><article><h1>Invented trial</h1>
<p>Dosing is summarised below for the invented arms.</p>
<figure class="table-wrap" id="T1">
 <figcaption><span class="label">Table 2.</span> Doses by arm</figcaption>
 <table>
  <thead>
   <tr><th rowspan="2">Arm</th><th colspan="2">Dose (mg/m<sup>2</sup>)</th></tr>
   <tr><th>Day 1</th><th>Day 8</th></tr>
  </thead>
  <tbody>
   <tr><td>A</td><td>75</td><td rowspan="2">100</td></tr>
   <tr><td>B</td><td>60</td></tr>
  </tbody>
 </table>
 <div class="table-footer"><p>Invented footnote: doses are per cycle.</p></div>
</figure>
<p>After the table.</p>
</article><footer><p>Site footer</p></footer></body></html>"""


def test_table_with_rowspan_colspan_caption_and_footnote() -> None:
    doc = _parse(SPAN_TABLE)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert (table.n_rows, table.n_cols, table.header_rows) == (4, 3, 2)
    cells = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in table.cells}
    assert cells == {
        (0, 0): ("Arm", 2, 1), (0, 1): ("Dose (mg/m2)", 1, 2),
        (1, 1): ("Day 1", 1, 1), (1, 2): ("Day 8", 1, 1),
        (2, 0): ("A", 1, 1), (2, 1): ("75", 1, 1), (2, 2): ("100", 2, 1),
        (3, 0): ("B", 1, 1), (3, 1): ("60", 1, 1),
    }
    assert table.caption == "Table 2. Doses by arm"
    assert table.footnotes == ["Invented footnote: doses are per cycle."]
    assert doc.text.count("Doses by arm") == 1 and doc.text.count("Invented footnote") == 1
    assert "Site footer" not in doc.text
    assert doc.text.index("Dosing is summarised") < table.start < doc.text.index("After the")


def test_table_caption_element_and_leading_th_rows() -> None:
    page = ("<html><body><main><h1>Invented</h1><p>Text about lithium levels here.</p>"
            "<table><caption>Table 1: Lithium levels</caption>"
            "<tr><th>Day</th><th>Level</th></tr><tr><td>1</td><td>0.6</td></tr>"
            "<tr><td>7</td><td>1.4</td></tr></table></main></body></html>")
    table = _parse(page).tables[0]
    assert table.caption == "Table 1: Lithium levels"
    assert (table.n_rows, table.n_cols, table.header_rows) == (3, 2, 1)


def test_layout_tables_are_text() -> None:
    page = ("<html><body><table role='presentation'><tr><td><h1>Invented report</h1>"
            "<p>Warfarin 5 mg daily was given to an invented woman.</p></td>"
            "<td><p>Her INR rose to 6.2 after clarithromycin.</p></td></tr></table>"
            "<table><tr><td>Received:</td><td>1 May 2020</td></tr>"
            "<tr><td>Accepted:</td><td>2 June 2020</td></tr></table>"
            "<table><tr><td><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td>"
            "</tr></table></td></tr></table></body></html>")
    doc = _parse(page)
    assert len(doc.tables) == 1  # only the nested real table
    assert "Warfarin 5 mg daily was given to an invented woman." in doc.text
    assert "Received: 1 May 2020" in doc.text
    assert doc.blocks[0].kind == "title"


# -- encodings -------------------------------------------------------------------------------
ACCENTED = "Le patient a reçu 15 µg de méthotrexate – niño atópico, “grave” réaction"


@pytest.mark.parametrize(("encoding", "declaration"), [
    ("cp1252", '<meta charset="windows-1252">'),
    ("latin-1", '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'),
    ("cp1252", ""),
    ("utf-8", ""),
])
def test_non_utf8_pages_decode(encoding: str, declaration: str) -> None:
    text = ACCENTED if encoding != "latin-1" else ACCENTED.replace("–", "-").replace(
        "“", '"').replace("”", '"')
    page = f"<html><head>{declaration}</head><body><p>{text}</p></body></html>"
    doc = _parse(page.encode(encoding))
    assert text in doc.text
    assert doc.source.encoding is not None


def test_declared_charset_forms() -> None:
    assert declared_charset(b'<?xml version="1.0" encoding="ISO-8859-15"?><html>') == "iso8859-15"
    assert declared_charset(b'<meta charset="latin1">') == "cp1252"
    assert declared_charset(b'<meta http-equiv="content-type" content="text/html; '
                            b'charset=Shift_JIS">') == "shift_jis"
    assert declared_charset(b'<meta charset="no-such-charset">') is None
    assert declared_charset(b"<html><body>none</body></html>") is None


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [
    b"<html><head><title>x</title></head><body></body></html>",
    b"<html><body><nav><a href='/'>Home</a></nav><script>x=1</script></body></html>",
    b"<!-- only a comment -->",
    b"<html><body><p>   </p><p>[]</p></body></html>",
])
def test_pages_without_article_text_are_empty(data: bytes) -> None:
    with pytest.raises(ExtractorError) as err:
        parse_html(from_bytes_input(data, "x.html"))
    assert err.value.code == "empty"


@pytest.mark.parametrize("junk", [bytes(range(256)) * 16, b"\x00\x01\x02" * 300 + b"<p>x</p>"])
def test_binary_junk_is_refused(junk: bytes) -> None:
    with pytest.raises(ExtractorError) as err:
        parse_html(from_bytes_input(junk, "x.html"))
    assert err.value.code in ("unsupported_format", "decode")


def test_deep_nesting_and_absurd_spans_do_not_crash() -> None:
    deep = "<div>" * 3000 + "<p>Deep invented paragraph on heparin.</p>" + "</div>" * 3000
    doc = _parse("<html><body>" + deep + "</body></html>")
    assert "Deep invented paragraph on heparin." in doc.text
    spans = ("<html><body><p>An invented table follows.</p><table><tr><th>a</th>"
             "<th colspan='999999'>b</th></tr><tr><td rowspan='-3'>1</td>"
             "<td rowspan='500'>2</td></tr></table></body></html>")
    table = _parse(spans).tables[0]
    assert table.n_cols <= 1001 and table.n_rows == 2
    assert "rowspan_clamped" in table.flags


def test_dispatch_detects_and_parses_html() -> None:
    docs = parse_bytes(SPAN_TABLE.encode(), "page.html")
    assert docs[0].source.format == "html" and docs[0].tables


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_and_truncated_pages_give_a_document_or_the_toolkit_error(
        data: st.DataObject) -> None:
    page = data.draw(st.sampled_from([CHROME_PAGE, SPAN_TABLE]))
    cut = data.draw(st.integers(min_value=0, max_value=len(page)))
    noise = data.draw(st.text(alphabet=st.sampled_from(list("<>/=\"' &;#abpditrh1\n\x00é")),
                              max_size=60))
    where = data.draw(st.integers(min_value=0, max_value=cut))
    text = page[:where] + noise + page[where:cut]
    try:
        docs = parse_html(from_bytes_input(text.encode("utf-8"), "fuzz.html"))
    except ExtractorError:
        return
    assert len(docs) == 1
    assert_blocks(docs[0])


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=600))
def test_random_bytes_give_a_document_or_the_toolkit_error(data: bytes) -> None:
    if not data.strip():
        return
    try:
        docs = parse_html(from_bytes_input(data, "fuzz.html"))
    except ExtractorError:
        return
    assert_blocks(docs[0])


def test_figure_gives_one_caption_block() -> None:
    page = ("<html><body><article><h1>Invented</h1><p>Rash after lamotrigine 25 mg.</p>"
            "<figure><img src='f1.png' alt='x'><a href='f1.large'>View larger</a>"
            "<span class='fig-label'>Figure 1</span>"
            "<figcaption>Invented rash on the <i>trunk</i>.</figcaption></figure>"
            "<div class='fig'><div class='fig-caption'><span class='label'>Figure 2.</span>"
            " Invented second image.</div></div></article></body></html>")
    doc = _parse(page)
    captions = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "caption"]
    assert captions == ["Figure 1: Invented rash on the trunk.",
                        "Figure 2. Invented second image."]
    assert "View larger" not in doc.text


def test_stray_links_go_but_links_in_sentences_stay() -> None:
    page = ("<html><body><article><h1>Invented</h1><p>Tacrolimus trough was 12 ng/mL.</p>"
            "<a href='#top'>Back to top</a>"
            "<div><i>Levels rose</i> <a href='#r1'>after fluconazole</a></div>"
            "</article></body></html>")
    doc = _parse(page)
    assert "Back to top" not in doc.text
    assert "Levels rose after fluconazole" in doc.text
