"""Section roles: the heading classifier, inheritance, and a role for every character.

Inline documents are invented; real files are read from ../shared (skipped when absent).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.document import ROLES, Cell, Document, Table
from extractor.parsers import parse, parse_all, parse_bytes
from extractor.parsers.builder import DocumentBuilder, PlacedCell
from extractor.parsers.source import from_bytes_input
from extractor.roles import (
    RoleIndex,
    classify_heading,
    literature_table,
    names_article_part,
    role_from_sec_type,
    section_role,
    section_spans,
)
from tests.conftest import shared_path


def _builder() -> DocumentBuilder:
    return DocumentBuilder(raw=from_bytes_input(b"x", "mem.txt"), format="text")


def _roles(doc: Document) -> list[tuple[str, str]]:
    return [(s.title, s.role) for s in doc.sections]


def _role_of(doc: Document, snippet: str) -> str:
    """The role at the first character of ``snippet`` in the document's text."""
    at = doc.text.index(snippet)
    return RoleIndex(doc).role_at(at)


def assert_covering(doc: Document) -> None:
    """spans() are sorted, touch end to end and cover [0, len(text)) exactly."""
    spans = RoleIndex(doc).spans()
    if not doc.text:
        assert spans == []
        return
    assert spans[0][0] == 0 and spans[-1][1] == len(doc.text)
    for (_, end, _), (start, _, _) in zip(spans, spans[1:], strict=False):
        assert end == start
    assert all(s < e and r in ROLES for s, e, r in spans)
    # Neighbours differ, else they would have been merged.
    assert all(a[2] != b[2] for a, b in zip(spans, spans[1:], strict=False))


# -- the classifier ------------------------------------------------------------------------
@pytest.mark.parametrize(("title", "role"), [
    ("Introduction", "introduction"), ("Background", "introduction"),
    ("1. INTRODUCTION", "introduction"), ("Case presentation", "case"),
    ("Case Report", "case"), ("2. Case Report", "case"), ("Case 1", "case"),
    ("Clinical case", "case"), ("Case description:", "case"), ("Methods", "methods"),
    ("Patients and methods", "methods"), ("Materials and Methods", "methods"),
    ("2. Methods", "methods"), ("II. Material & methods", "methods"),
    ("Eligibility", "eligibility"), ("Inclusion criteria", "eligibility"),
    ("Exclusion criteria", "eligibility"), ("2.2 Inclusion and exclusion criteria", "eligibility"),
    ("Results", "results"), ("3 Results", "results"), ("Results and discussion", "results"),
    ("Discussion", "discussion"), ("Limitations", "discussion"),
    ("Strengths and limitations", "discussion"), ("Conclusion", "conclusion"),
    ("Conclusions", "conclusion"), ("References", "references"),
    ("Acknowledgements", "acknowledgements"), ("Acknowledgments", "acknowledgements"),
    ("Acknowledgment", "acknowledgements"), ("Funding", "acknowledgements"),
    ("Conflicts of interest", "acknowledgements"), ("Competing interests", "acknowledgements"),
    ("Abstract", "abstract"), ("Summary", "abstract"), ("2.1 Study design", "methods"),
    ("Participants", "methods"), ("Interventions", "methods"), ("Outcomes", "methods"),
    ("Statistical analysis", "methods"), ("Adverse events", "results"),
])
def test_headings_name_their_role(title: str, role: str) -> None:
    assert classify_heading(title) == role


@pytest.mark.parametrize("title", [
    "", "3.", "Laboratory findings", "Treatment and follow-up", "Figure 2",
    "Casein supplementation in mice", "Resultant forces",
])
def test_other_headings_name_no_role(title: str) -> None:
    assert classify_heading(title) is None


@pytest.mark.parametrize(("line", "named"), [
    ("Discussion", True), ("Case 2: a fall from a ladder", True), ("Methods/design", True),
    ("Discussion and conclusions", True), ("2. Materials and methods", True),
    ("Results were similar", False), ("Safety", False), ("Drug levels", False),
])
def test_lines_that_name_an_article_part(line: str, named: bool) -> None:
    assert names_article_part(line) is named


def test_sec_types() -> None:
    assert role_from_sec_type("materials|methods") == "methods"
    assert role_from_sec_type("intro") == "introduction"
    assert role_from_sec_type("cases") == "case"
    assert role_from_sec_type("display-objects") is None
    assert role_from_sec_type(None) is None


def test_inheritance_rules() -> None:
    # A subsection inherits unless its own title names a part of its own.
    assert section_role("Dosing schedule", parent="methods") == "methods"
    assert section_role("Conclusion", parent="discussion") == "conclusion"
    # Weak titles are topics of their parent section...
    assert section_role("Safety", parent="methods") == "methods"
    assert section_role("Safety", parent="results") == "results"
    # ... and name a part only at the top.
    assert section_role("Safety") == "results"
    # Structured abstracts and reference lists keep their sub-headings.
    assert section_role("Methods", parent="abstract") == "abstract"
    assert section_role("Results", parent="abstract", declared="results") == "abstract"
    # An unrecognised top-level section continues the body part before it.
    assert section_role("Treatment and outcome", previous="case") == "case"
    assert section_role("Patient timeline", previous="abstract") == "other"
    assert section_role("Patient timeline") == "other"
    assert section_role("Whatever", declared="methods") == "methods"
    # A heading describing a patient heads a case; a closing "Summary" is a conclusion.
    assert section_role("A 54-year-old man with fever", previous="introduction") == "case"
    assert section_role("An invented boy with a rash") == "case"
    assert section_role("Summary", previous="discussion") == "conclusion"
    assert section_role("Summary") == "abstract"


# -- the builder gives sections their roles --------------------------------------------------
def test_builder_sections_get_roles() -> None:
    b = _builder()
    b.add_block("A made-up trial of drug X", "title")
    b.open_section("Abstract", level=1)
    b.open_section("Background", level=2)
    b.add_block("Drug X may help.")
    b.open_section("Results", level=2)
    b.add_block("It helped.")
    b.open_section("1. Introduction", level=1)
    b.add_block("Others tried drug Y.")
    b.open_section("2. Methods", level=1)
    b.open_section("2.1 Study design", level=2)
    b.add_block("We randomised people.")
    b.open_section("2.2 Exclusion criteria", level=2)
    b.add_block("No drug Z users.")
    b.open_section("2.3 Drug supply", level=2)
    b.add_block("Drug X came in vials.")
    b.open_section("3. Results", level=1)
    b.add_block("All improved.")
    b.open_section("Adverse events", level=2)
    b.add_block("One had a rash.")
    b.open_section("Discussion", level=1)
    b.add_block("Drug W is also used.")
    doc = b.build()
    assert _roles(doc) == [
        ("Abstract", "abstract"), ("Background", "abstract"), ("Results", "abstract"),
        ("1. Introduction", "introduction"), ("2. Methods", "methods"),
        ("2.1 Study design", "methods"), ("2.2 Exclusion criteria", "eligibility"),
        ("2.3 Drug supply", "methods"), ("3. Results", "results"),
        ("Adverse events", "results"), ("Discussion", "discussion"),
    ]
    assert _role_of(doc, "A made-up") == "title"
    assert _role_of(doc, "It helped") == "abstract"
    assert _role_of(doc, "No drug Z") == "eligibility"
    assert _role_of(doc, "Drug W") == "discussion"
    assert_covering(doc)


def test_tables_captions_and_front_matter() -> None:
    b = _builder()
    b.add_block("Some title", "title")
    b.add_block("Jane Roe, Anytown Hospital")
    b.open_section("Case presentation")
    b.add_block("A woman took drug X.")
    b.add_block("Figure 1: A rash on the arm.", "caption")
    b.add_table([PlacedCell(0, 0, "Day"), PlacedCell(0, 1, "Dose"), PlacedCell(1, 0, "1"),
                 PlacedCell(1, 1, "5 mg")], caption="Table 1. Doses", footnotes=["a By mouth."])
    b.add_block("She recovered.")
    doc = b.build()
    assert _role_of(doc, "Some title") == "title"
    assert _role_of(doc, "Jane Roe") == "other"
    assert _role_of(doc, "A woman") == "case"
    assert _role_of(doc, "Figure 1") == "figure"
    assert _role_of(doc, "Table 1.") == "table"
    assert _role_of(doc, "5 mg") == "table"
    assert _role_of(doc, "a By mouth") == "table"
    assert _role_of(doc, "She recovered") == "case"
    assert_covering(doc)
    assert section_spans(doc) == [(s, e, r) for s, e, r in RoleIndex(doc).spans()]


def test_documents_without_headings_are_other() -> None:
    for text in (b"Drug X caused a rash.", b"One line.\n\nAnother paragraph here.\n"):
        doc = parse_bytes(text, "plain.txt", "text")[0]
        assert RoleIndex(doc).spans() == [(0, len(doc.text), "other")]
    empty = _builder().build()
    assert RoleIndex(empty).spans() == [] and RoleIndex(empty).role_at(0) == "other"


_ops = st.lists(st.one_of(
    st.tuples(st.just("block"), st.sampled_from(["paragraph", "caption", "footnote", "title"]),
              st.text("ab .", min_size=0, max_size=8)),
    st.tuples(st.just("section"), st.integers(1, 3),
              st.sampled_from(["Methods", "Results", "Case 2", "Abstract", "Odd", ""])),
    st.tuples(st.just("table"), st.integers(1, 3), st.sampled_from(["", "Table 1", "Fig 2"])),
), max_size=25)


@settings(max_examples=150, deadline=None)
@given(_ops)
def test_spans_cover_the_text_without_overlap(ops: list[tuple[str, object, object]]) -> None:
    b = _builder()
    for op in ops:
        if op[0] == "block":
            b.add_block(str(op[2]), op[1])  # type: ignore[arg-type]
        elif op[0] == "section":
            b.open_section(str(op[2]), int(op[1]))  # type: ignore[call-overload]
        else:
            n = int(op[1])  # type: ignore[call-overload]
            b.add_table([PlacedCell(r, 0, f"c{r}") for r in range(n)],
                        caption=str(op[2]) or None)
    doc = b.build()
    assert_covering(doc)
    index = RoleIndex(doc)
    for start, end, role in index.spans():
        assert index.role_at(start) == role and index.role_at(end - 1) == role


# -- per format, invented documents ----------------------------------------------------------
_JATS = """<article><front><article-meta><title-group><article-title>Drug X and a rash
</article-title></title-group><abstract><sec><title>Background</title><p>Rashes happen.</p>
</sec><sec><title>Conclusions</title><p>Watch for rashes.</p></sec></abstract>
</article-meta></front><body>
<sec sec-type="intro"><title>Opening remarks</title><p>Drug Y is older.</p></sec>
<sec sec-type="cases"><title>The patient</title><p>A man took drug X 5 mg.</p>
<sec><title>Follow-up</title><p>He improved.</p></sec>
<fig id="f1"><label>Figure 1</label><caption><p>The rash.</p></caption></fig>
<table-wrap id="t1"><label>Table 1</label><caption><p>Labs</p></caption><table><tr><td>ALT</td>
<td>40</td></tr></table><table-wrap-foot><fn><p>Normal below 35.</p></fn></table-wrap-foot>
</table-wrap></sec>
<sec><title>Discussion</title><p>Drug Z also does this.</p></sec></body>
<back><ack><p>We thank nobody.</p></ack></back></article>"""


def test_jats_roles() -> None:
    doc = parse_bytes(_JATS.encode(), "inv.xml", "jats")[0]
    assert _roles(doc) == [
        ("Abstract", "abstract"), ("Background", "abstract"), ("Conclusions", "abstract"),
        ("Opening remarks", "introduction"), ("The patient", "case"), ("Follow-up", "case"),
        ("Discussion", "discussion"), ("Acknowledgments", "acknowledgements"),
    ]
    assert _role_of(doc, "Drug X and") == "title"
    assert _role_of(doc, "Watch for") == "abstract"
    assert _role_of(doc, "He improved") == "case"
    assert _role_of(doc, "Figure 1") == "figure"
    assert _role_of(doc, "Table 1") == "table"
    assert _role_of(doc, "ALT") == "table"
    assert _role_of(doc, "Normal below") == "table"
    assert _role_of(doc, "We thank") == "acknowledgements"
    assert_covering(doc)


def test_jats_body_text_before_the_first_section_is_an_untitled_introduction() -> None:
    xml = ("<article><front><article-meta><title-group><article-title>T</article-title>"
           "</title-group><abstract><p>An invented abstract.</p></abstract></article-meta>"
           "</front><body><p>" + "Drug Y was tried before in other invented people. " * 6 +
           "</p><sec><title>Patients and methods</title><p>We gave drug X.</p></sec>"
           "</body></article>")
    doc = parse_bytes(xml.encode(), "inv.xml", "jats")[0]
    assert _role_of(doc, "An invented abstract") == "abstract"
    assert _role_of(doc, "Drug Y was tried") == "introduction"
    assert _role_of(doc, "We gave") == "methods"


_HTML = """<html><head><title>Invented</title></head><body><article>
<h1>Drug X in an invented cohort</h1>
<section class="abstract"><h2>Abstract</h2><h3>Background</h3><p>Drug X is new.</p>
<h3>Results</h3><p>It seemed to work.</p></section>
<h2>Introduction</h2><p>Drug Y came first.</p>
<h2>Methods</h2><h3>Participants</h3><p>Adults took drug X 10 mg.</p>
<h3>Inclusion criteria</h3><p>Adults with no drug Z.</p>
<h2>Results</h2><p>All twelve finished.</p>
<figure><img src="a.png"><figcaption>Figure 1. Invented curves.</figcaption></figure>
<table><caption>Table 1. Invented counts</caption><tr><th>Arm</th><th>n</th></tr>
<tr><td>Drug X</td><td>12</td></tr></table>
<h2>Discussion</h2><p>Drug W differs.</p><h3>Limitations</h3><p>Small.</p>
<h2>Conclusions</h2><p>Drug X may help.</p>
</article></body></html>"""


def test_html_roles() -> None:
    doc = parse_bytes(_HTML.encode(), "inv.html", "html")[0]
    assert _roles(doc) == [
        ("Abstract", "abstract"), ("Background", "abstract"), ("Results", "abstract"),
        ("Introduction", "introduction"), ("Methods", "methods"), ("Participants", "methods"),
        ("Inclusion criteria", "eligibility"), ("Results", "results"),
        ("Discussion", "discussion"), ("Limitations", "discussion"),
        ("Conclusions", "conclusion"),
    ]
    assert _role_of(doc, "Drug X in an") == "title"
    assert _role_of(doc, "It seemed") == "abstract"
    assert _role_of(doc, "Adults with no") == "eligibility"
    assert _role_of(doc, "Figure 1.") == "figure"
    assert _role_of(doc, "Table 1.") == "table"
    assert _role_of(doc, "12") == "table"
    assert _role_of(doc, "Small.") == "discussion"
    assert_covering(doc)


def test_html_class_names_declare_roles() -> None:
    page = ("<html><body><article><h1>An invented report</h1>"
            "<div class='section methods'><h2>How it was done</h2><p>Drug X was given.</p>"
            "<div class='subsection'><h3>Blood tests</h3><p>Counts were taken.</p></div></div>"
            "<div class='section discussion'><h2>What it means</h2><p>Drug W differs.</p>"
            "</div></article></body></html>")
    doc = parse_bytes(page.encode(), "inv.html", "html")[0]
    assert _roles(doc) == [("How it was done", "methods"), ("Blood tests", "methods"),
                           ("What it means", "discussion")]


def test_a_figure_caption_before_a_grid_stays_a_figure() -> None:
    b = _builder()
    b.open_section("Results")
    b.add_table([PlacedCell(0, 0, "0"), PlacedCell(0, 1, "10")],
                caption="Figure 3: Invented forest plot.")
    doc = b.build()
    assert _role_of(doc, "Figure 3") == "figure"
    assert _role_of(doc, "10") == "table"


_DUMP = "\n".join([
    "Drug X for an invented rash: a case report", "",
    "Abstract", "",
    "Background", "",
    "Rashes are common in this made-up story and we report one more of them here.", "",
    "Case presentation", "",
    "An invented man developed a rash after drug X and got better without it.", "",
    "Conclusions", "",
    "Invented rashes should be watched for carefully in every imaginary patient.", "",
    "Background", "",
    "Drug X is an imaginary medicine used for imaginary illnesses in this test, and nothing "
    "in this paragraph describes a real patient or a real drug at all.", "",
    "Case presentation", "",
    "A man of 60 took drug X 5 mg daily for ten days and then had a rash on his arms, which "
    "the invented doctors looked at on the eleventh day of the imaginary course.", "",
    "Treatment and outcome", "",
    "Drug X was stopped and the invented rash faded within a week of stopping it; nothing "
    "else was given and the imaginary man stayed well at the invented follow-up visit.", "",
    "Discussion", "",
    "Other invented authors saw rashes with drug W, which is not drug X at all, in reports "
    "that exist only in this test and describe no real person or medicine.", "",
    "References", "",
    "1. Nobody A. An invented paper. J Invented Med 2001;1:1-2.", "",
])


def test_text_dump_with_a_flat_structured_abstract() -> None:
    doc = parse_bytes(_DUMP.encode(), "inv.txt", "text")[0]
    assert [r for _, r in _roles(doc)] == [
        "abstract", "abstract", "abstract", "abstract", "introduction", "case", "case",
        "discussion", "references"]
    assert _role_of(doc, "An invented man") == "abstract"
    assert _role_of(doc, "A man of 60") == "case"
    assert _role_of(doc, "Drug X was stopped") == "case"
    assert _role_of(doc, "Other invented") == "discussion"
    assert_covering(doc)


def test_flat_parts_without_a_repeat_are_not_folded_into_the_abstract() -> None:
    # An empty "Abstract" heading followed by the body's own parts: nothing repeats, so the
    # body keeps its roles.
    b = _builder()
    for title, text in (("Abstract", ""), ("Introduction", "Old drugs."),
                        ("Methods", "We gave drug X."), ("Results", "It worked.")):
        b.open_section(title, 1)
        b.add_block(text)
    doc = b.build()
    assert [s.role for s in doc.sections] == ["abstract", "introduction", "methods", "results"]


def test_front_matter_abstract_and_unheaded_reference_list() -> None:
    b = _builder()
    b.add_block("Case Report")
    b.add_block("Invented drug X and a rash", "title")
    b.add_block("1 Department of Invented Medicine, Nowhere University Hospital")
    b.add_block("Objective. " + "An invented abstract sentence about drug X. " * 4)
    b.open_section("1. Introduction")
    b.add_block("Drug X is imaginary.")
    b.open_section("2. Discussion")
    b.add_block("Drug W is different.")
    for n in range(1, 5):
        b.add_block(f"{n}. Author{n} AB, Other CD: An invented title. J Inv 200{n}, 1:2-3.")
        b.add_block("continued on a second line")
    doc = b.build()
    assert _role_of(doc, "Case Report") == "other"
    assert _role_of(doc, "1 Department") == "other"
    assert _role_of(doc, "Objective.") == "abstract"
    assert _role_of(doc, "Drug W") == "discussion"
    assert _role_of(doc, "1. Author1") == "references"
    assert _role_of(doc, "continued") == "references"
    assert _role_of(doc, "4. Author4") == "references"
    assert_covering(doc)


def test_a_letter_without_headings_keeps_its_body_other() -> None:
    b = _builder()
    b.add_block("To the Editor,")
    b.add_block("We saw invented rashes with drug X in a made-up clinic. " * 9)
    b.open_section("Acknowledgements")
    b.add_block("Nobody funded this.")
    doc = b.build()
    assert _role_of(doc, "We saw") == "other"
    assert _role_of(doc, "Nobody") == "acknowledgements"


def test_a_numbered_list_with_years_is_not_a_reference_list() -> None:
    b = _builder()
    b.open_section("Methods")
    for n in range(1, 5):
        b.add_block(f"{n}. Invented adults seen between 2010 and 2012 at clinic {n}.", "list_item")
    doc = b.build()
    assert {r for _, _, r in RoleIndex(doc).spans()} == {"methods"}


def test_pdf_headings_get_roles() -> None:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = A4[1] - 100
    for text, font, size in (
            ("Drug X and a rash in one imaginary patient", "Helvetica-Bold", 18),
            ("1. Introduction", "Helvetica-Bold", 13),
            ("Drug Y was the old invented treatment for this imaginary illness.", "Helvetica", 10),
            ("2. Case Presentation", "Helvetica-Bold", 13),
            ("An invented woman took drug X 5 mg daily and had a mild rash.", "Helvetica", 10),
            ("2.1. Laboratory findings", "Helvetica-Bold", 10),
            ("Her invented counts stayed normal during the whole imaginary stay.", "Helvetica", 10),
            ("3. Discussion", "Helvetica-Bold", 13),
            ("Drug W is said to cause rashes too, in other invented reports.", "Helvetica", 10)):
        c.setFont(font, size)
        c.drawString(60, y, text)
        y -= 30
    c.showPage()
    c.save()
    doc = parse_bytes(buf.getvalue(), "inv.pdf", "pdf")[0]
    assert _roles(doc) == [("1. Introduction", "introduction"), ("2. Case Presentation", "case"),
                           ("2.1. Laboratory findings", "case"), ("3. Discussion", "discussion")]
    assert _role_of(doc, "Drug X and a rash") == "title"
    assert _role_of(doc, "Her invented counts") == "case"
    assert_covering(doc)


# -- real articles ---------------------------------------------------------------------------
def test_real_jats_case_report_has_its_parts_in_order() -> None:
    doc = parse(shared_path("articles", "jats", "PMC4737013.xml"))
    order = [r for _, _, r in RoleIndex(doc).spans()]
    assert order[:5] == ["title", "abstract", "introduction", "case", "discussion"]
    assert {"figure", "table", "acknowledgements"} <= set(order)
    assert_covering(doc)


_BODY = ("abstract", "introduction", "methods", "case", "results", "discussion", "conclusion")


def _body_order(doc: Document) -> list[str]:
    order: list[str] = []
    for _, _, role in RoleIndex(doc).spans():
        if role in _BODY and role not in order:
            order.append(role)
    return order


@pytest.mark.parametrize("stem", ["PMC4737013", "PMC4736318", "PMC4745277", "PMC4736431"])
def test_jats_and_pdf_of_one_article_agree(stem: str) -> None:
    jats = parse(shared_path("articles", "jats", f"{stem}.xml"))
    pdf = parse(shared_path("articles", "pdf", f"{stem}.pdf"))
    assert _body_order(jats) == _body_order(pdf)
    assert {"introduction", "discussion"} <= set(_body_order(pdf))
    for doc in (jats, pdf):
        assert_covering(doc)
        other = sum(e - s for s, e, r in RoleIndex(doc).spans() if r == "other")
        # The PDF's "other" is its front matter: banner, authors, affiliations.
        assert other / len(doc.text) < (0.01 if doc is jats else 0.12)


@pytest.mark.parametrize("name", ["BMJ_2016_i2607_dabigatran_warfarin.html",
                                  "PMC4736431_scholarly.html", "OJSM_2016_ACL_ice_hockey.html"])
def test_real_html_articles_have_their_parts(name: str) -> None:
    doc = parse(shared_path("articles", "html", name))
    assert {"abstract", "methods", "results", "discussion"} <= set(_body_order(doc))
    other = sum(e - s for s, e, r in RoleIndex(doc).spans() if r == "other")
    assert other / len(doc.text) < 0.05


def _other_share(doc: Document) -> float:
    return sum(e - s for s, e, r in RoleIndex(doc).spans() if r == "other") / len(doc.text)


def test_shared_jats_and_pdf_articles_leave_little_text_without_a_role() -> None:
    """JATS: (almost) nothing is "other"; PDF: only the front matter (banner, authors,
    affiliations, licence) is."""
    jats = sorted(shared_path("articles", "jats").glob("*.*ml"))
    pdfs = sorted(shared_path("articles", "pdf").glob("*.pdf"))
    for path, limit in [*((p, 0.02) for p in jats), *((p, 0.12) for p in pdfs)]:
        for doc in parse_all(path):
            assert_covering(doc)
            assert _other_share(doc) < limit, (path.name, doc.id, _other_share(doc))


def _table(header: list[str], rows: list[list[str]], caption: str | None = None) -> Table:
    cells, pos = [], 0
    for r, values in enumerate([header, *rows]):
        for c, text in enumerate(values):
            cells.append(Cell(row=r, col=c, text=text, start=pos, end=pos + len(text)))
            pos += len(text) + 1
    return Table(id="T1", caption=caption, n_rows=len(rows) + 1, n_cols=len(header),
                 header_rows=1, cells=cells, start=0, end=pos)


def test_a_table_of_published_cases_is_literature_not_this_study() -> None:
    lit = _table(["Author", "Age", "Treatment"],
                 [["Smith et al [4]", "40", "zorbamycin"], ["Jones et al [7]", "51", "none"]])
    assert literature_table(lit)
    own = _table(["Patient", "Age", "Treatment"],
                 [["Case 1", "40", "zorbamycin"], ["Case 2", "51", "none"]])
    assert not literature_table(own)
    uncited = _table(["Study", "n", "Drug"], [["A", "40", "zorbamycin"], ["B", "51", "x"]])
    assert not literature_table(uncited)
