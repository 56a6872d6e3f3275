"""The team's invented example documents (corpus/examples): each is what its README says.

Besides the shape of each file (the markup a parser must handle), these tests check that the
invented numbers agree between the tables and the prose (medians, counts, percentages), since
later stages use the examples as extraction targets.
"""

from __future__ import annotations

import importlib.util
import re
import statistics
import sys
from pathlib import Path
from types import ModuleType

import pytest
from bs4 import BeautifulSoup, Tag
from lxml import etree

from tests.conftest import EXAMPLES, SHARED, assert_offsets

HTML = EXAMPLES / "case_series_dupilumab_jak.html"
PDF = EXAMPLES / "case_series_dupilumab_jak.pdf"
JATS = EXAMPLES / "jak_methotrexate_alopecia.xml"
DUMP = EXAMPLES / "trial_summary_pagedump.txt"
README = EXAMPLES / "README.md"

HTML_TITLE = ("Dupilumab combined with an oral JAK inhibitor in refractory atopic dermatitis: "
              "a case series of seven patients")
JATS_TITLE = ("Baricitinib plus low-dose methotrexate for severe alopecia areata after failure "
              "of JAK inhibitor monotherapy: a retrospective series of eight patients")
DUMP_TITLE = ("Apremilast Versus Methotrexate in Moderate Plaque Psoriasis: "
              "A 16-Week Open-Label Pilot Trial")
JOURNAL = "Example Journal of Clinical Dermatology"
NBSP_SEP = "\u00a0 "


def _norm(text: str) -> str:
    return " ".join(text.split())


def _grid(rows: list[Tag]) -> dict[tuple[int, int], Tag]:
    """Place HTML/JATS table cells on a grid (a cell covers every slot of its spans)."""
    slots: dict[tuple[int, int], Tag] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in slots:
                c += 1
            rs, cs = int(str(cell.get("rowspan", "1"))), int(str(cell.get("colspan", "1")))
            for dr in range(rs):
                for dc in range(cs):
                    slots[(r + dr, c + dc)] = cell
            c += cs
    return slots


def _body_rows(table: Tag, header_rows: int) -> list[list[str]]:
    """Text of every body row, one string per grid column (spanned cells repeated)."""
    rows = table.find_all("tr")
    slots = _grid(rows)
    n_cols = max(c for _, c in slots) + 1
    return [[_norm(slots[(r, c)].get_text(" ")) for c in range(n_cols)]
            for r in range(header_rows, len(rows))]


def _improvement_label(baseline: float, later: float, prefix: str) -> str:
    pct = 100 * (baseline - later) / baseline
    best = max(t for t in (0, 50, 75, 90) if pct >= t)
    return f"{prefix}-{best}" if best else "none"


# --- README ---------------------------------------------------------------------------------

def test_readme_lists_exactly_the_files_with_their_titles() -> None:
    readme = README.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", readme, flags=re.M))
    present = {p.name for p in EXAMPLES.iterdir() if p.is_file() and p.name != "README.md"}
    assert listed == present
    for title in (HTML_TITLE, JATS_TITLE, DUMP_TITLE):
        assert title in readme


# --- HTML case series -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def soup() -> BeautifulSoup:
    return BeautifulSoup(HTML.read_bytes(), "html.parser")


def _meta(soup: BeautifulSoup, name: str) -> list[str]:
    return [str(m["content"]) for m in soup.find_all("meta", attrs={"name": name})]


def test_html_has_citation_metadata(soup: BeautifulSoup) -> None:
    assert _meta(soup, "citation_title") == [HTML_TITLE]
    assert _meta(soup, "citation_journal_title") == [JOURNAL]
    assert _meta(soup, "citation_doi")[0].startswith("10.5555/")  # reserved test prefix
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", _meta(soup, "citation_publication_date")[0])
    assert len(_meta(soup, "citation_author")) == 3


def test_html_has_chrome_outside_the_article(soup: BeautifulSoup) -> None:
    article = soup.find("article")
    assert isinstance(article, Tag)
    nav, aside, footer = soup.find("nav"), soup.find("aside"), soup.find("footer")
    cookie = soup.find(id="cookie-banner")
    for chrome in (nav, aside, footer, cookie):
        assert isinstance(chrome, Tag) and chrome.find_parent("article") is None
    assert "Sign in" in nav.get_text()  # type: ignore[union-attr]
    assert "Related articles" in aside.get_text()  # type: ignore[union-attr]
    assert "\u00a9" in footer.get_text()  # type: ignore[union-attr]
    assert "cookies" in cookie.get_text()  # type: ignore[union-attr]


def test_html_article_structure(soup: BeautifulSoup) -> None:
    article = soup.find("article")
    assert isinstance(article, Tag)
    h1 = article.find("h1")
    assert isinstance(h1, Tag) and _norm(h1.get_text()) == HTML_TITLE
    assert article.find(class_="abstract") is not None
    h2s = [_norm(h.get_text()) for h in article.find_all("h2")]
    assert h2s == ["Abstract", "Introduction", "Case series", "Results", "Discussion"]
    assert [_norm(h.get_text()) for h in article.find_all("h3")] == [
        "Assessment and safety monitoring"]
    assert len(article.find_all("table")) == 1


def test_html_table_has_spans_caption_and_footnote(soup: BeautifulSoup) -> None:
    table = soup.find("table")
    assert isinstance(table, Tag)
    caption = table.find("caption")
    assert isinstance(caption, Tag) and caption.get_text().startswith("Table 1. ")
    thead, tbody = table.find("thead"), table.find("tbody")
    assert isinstance(thead, Tag) and isinstance(tbody, Tag)
    assert len(thead.find_all("tr")) == 2
    easi = [th for th in thead.find_all("th") if th.get("colspan") == "2"]
    assert [_norm(th.get_text()) for th in easi] == ["EASI"]
    assert any(td.get("rowspan") for td in tbody.find_all("td"))
    # Every row fills all 12 grid columns once spans are placed.
    slots = _grid(table.find_all("tr"))
    assert {r for r, _ in slots} == set(range(9))
    assert all(sum(1 for (r, _) in slots if r == row) == 12 for row in range(9))
    foot = soup.find(class_="table-footnote")
    assert isinstance(foot, Tag) and "subcutaneous" in foot.get_text()


def test_html_numbers_agree_between_table_and_text(soup: BeautifulSoup) -> None:
    table = soup.find("table")
    assert isinstance(table, Tag)
    rows = _body_rows(table, header_rows=2)
    assert len(rows) == 7
    base = [float(r[8]) for r in rows]
    week16 = [float(r[9]) for r in rows]
    for row, b, w in zip(rows, base, week16, strict=True):
        assert row[10] == _improvement_label(b, w, "EASI"), row
        # The adverse event names a drug the patient was actually taking.
        drug = re.search(r"\((\w+)\)", row[11])
        assert row[11] == "None" or (drug and drug.group(1).lower() in (row[5] + row[6]).lower())
    text = _norm(soup.find("article").get_text(" "))  # type: ignore[union-attr]
    assert f"from {statistics.median(base)} (range {min(base)}\u2013{max(base)})" in text
    assert f"to {statistics.median(week16)} (range {min(week16)}\u2013{max(week16)}" in text
    n75 = sum(r[10] in ("EASI-75", "EASI-90") for r in rows)
    assert f"five ({100 * n75 / 7:.1f}%) reached EASI-75" in text and n75 == 5
    ages = [int(r[2]) for r in rows]
    assert f"median age {statistics.median(ages)} years, range {min(ages)}\u2013{max(ages)}" in text
    months = [int(r[7]) for r in rows]
    assert f"median of {statistics.median(months)} months" in text
    assert [r[1] for r in rows].count("F") == 4  # "four women and three men"
    assert "No venous thromboembolism, malignancy or serious infection was reported" in text


def test_html_wilcoxon_p_value_matches_table(soup: BeautifulSoup) -> None:
    stats = pytest.importorskip("scipy.stats")
    rows = _body_rows(soup.find("table"), header_rows=2)  # type: ignore[arg-type]
    p = stats.wilcoxon([float(r[8]) for r in rows], [float(r[9]) for r in rows]).pvalue
    assert f"p = {p:.3f}" in soup.get_text()


# --- PDF rendered from the HTML ---------------------------------------------------------------

def _load_make_pdf() -> ModuleType:
    """Import corpus/examples/make_pdf.py (a script, not a package module)."""
    name = "corpus_examples_make_pdf"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / "make_pdf.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


def _pdf_pages(path: Path) -> list[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("reportlab")
    out = tmp_path_factory.mktemp("pdf") / "rendered.pdf"
    return Path(_load_make_pdf().render(HTML, out))


def test_pdf_render_is_deterministic(rendered: Path, tmp_path: Path) -> None:
    again = Path(_load_make_pdf().render(HTML, tmp_path / "again.pdf"))
    assert again.read_bytes() == rendered.read_bytes()


def test_committed_pdf_is_what_make_pdf_renders(rendered: Path) -> None:
    if rendered.read_bytes() == PDF.read_bytes():
        return
    # Another reportlab release may serialise differently; the content must still match.
    assert _pdf_pages(rendered) == _pdf_pages(PDF)


def test_pdf_pages_have_chrome_and_the_article_text(soup: BeautifulSoup) -> None:
    pages = _pdf_pages(PDF)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert JOURNAL in page and f"Page {number}" in page
    flat = _norm(" ".join(pages))
    assert HTML_TITLE in flat
    article = soup.find("article")
    for p in article.find_all("p"):  # type: ignore[union-attr]
        if p.find_parent("table") is None and p.find_parent(class_="table-footnote") is None:
            assert _norm(p.get_text()) in flat


def test_pdf_has_ruled_table_with_spans_and_metadata() -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(PDF) as pdf:
        assert pdf.metadata["Title"] == HTML_TITLE
        assert "10.5555/" in pdf.metadata["Keywords"]
        found = [(i, t) for i, page in enumerate(pdf.pages) for t in page.find_tables()]
        assert len(found) == 1
        page_index, table = found[0]
        assert page_index == 1
        grid = table.extract()
    assert len(grid) == 9 and all(len(row) == 12 for row in grid)
    assert grid[0][8] == "EASI" and grid[0][9] is None  # the colspan
    assert grid[1][8:10] == ["Baseline", "Week 16"]
    assert grid[3][5] is None and grid[4][5] is None  # the body rowspan


# --- JATS -----------------------------------------------------------------------------------

# The DOCTYPE names a DTD that is not here: the file must parse without loading it.
_SAFE_XML = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)


@pytest.fixture(scope="module")
def jats() -> etree._ElementTree:
    return etree.parse(str(JATS), _SAFE_XML)


def test_jats_declares_doctype_and_front_matter(jats: etree._ElementTree) -> None:
    assert "JATS (Z39.96) Journal Publishing DTD v1.2" in (jats.docinfo.doctype or "")
    assert jats.docinfo.system_url == "JATS-journalpublishing1.dtd"
    root = jats.getroot()
    ids = {e.get("pub-id-type"): e.text for e in root.iterfind("front/article-meta/article-id")}
    assert ids == {"pmid": "99999901", "pmc": "PMC9999901", "doi": "10.5555/ead.2023.0456"}
    assert _norm("".join(root.find(".//article-title").itertext())) == JATS_TITLE
    assert root.findtext(".//journal-title") == "Example Archives of Dermatology"
    assert root.findtext(".//pub-date/year") == "2023"
    assert len(root.findall(".//contrib[@contrib-type='author']")) == 3
    assert root.find("front/article-meta/abstract") is not None


def test_jats_body_markup(jats: etree._ElementTree) -> None:
    body = jats.getroot().find("body")
    assert body is not None
    assert body.findall("sec/sec"), "expected a nested sec"
    assert body.findall(".//p/italic")
    assert any((sup.text == "2" and (sup.getprevious() is None and
                                     (sup.getparent().text or "").endswith("mg/m")))
               for sup in body.iterfind(".//p/sup"))
    assert body.findall(".//xref[@ref-type='bibr']") and body.findall(".//xref[@ref-type='table']")
    prose = _norm(" ".join("".join(p.itertext()) for p in body.iterfind(".//sec/p")))
    assert prose.lower().count("methotrexate (mtx)") == 1 and prose.count("MTX") > 3
    refs = jats.getroot().findall("back/ref-list/ref")
    assert len(refs) == 2


def test_jats_table_wrap(jats: etree._ElementTree) -> None:
    wraps = jats.getroot().findall(".//table-wrap")
    assert len(wraps) == 1
    wrap = wraps[0]
    assert wrap.findtext("label") == "Table 1" and wrap.find("caption/p") is not None
    assert len(wrap.findall("table/thead/tr")) == 2
    assert wrap.findall(".//th[@colspan='2']") and wrap.findall(".//tbody/tr/td[@rowspan]")
    assert len(wrap.findall("table-wrap-foot/fn")) == 2


def test_jats_numbers_agree_between_table_and_text(jats: etree._ElementTree) -> None:
    wrap = jats.getroot().find(".//table-wrap")
    table = BeautifulSoup(etree.tostring(wrap.find("table")), "html.parser")
    rows = _body_rows(table, header_rows=2)
    assert len(rows) == 8
    base, week24 = [float(r[6]) for r in rows], [float(r[7]) for r in rows]
    text = _norm(" ".join(jats.getroot().find("body").itertext()))
    assert (f"from {statistics.median(base):g} (range {min(base):g}\u2013{max(base):g}) "
            f"at baseline to {statistics.median(week24):g} "
            f"(range {min(week24):g}\u2013{max(week24):g})") in text
    responders = sum(w <= 20 for w in week24)
    assert f"Six of eight patients ({100 * responders / 8:.1f}%" in text and responders == 6
    ages = [int(r[1].split("/")[0]) for r in rows]
    assert f"mean age {statistics.mean(ages):.1f} years, range {min(ages)}\u2013{max(ages)}" in text
    assert sum(r[1].endswith("/F") for r in rows) == 5  # "five women and three men"
    assert rows[0][4] == rows[1][4] == "4 mg once daily"  # the body rowspan, repeated
    for row in rows:
        for drug in re.findall(r"\((\w+)\)", row[8]):
            assert drug in ("MTX", "baricitinib")


# --- text page dump -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dump_lines() -> list[str]:
    return DUMP.read_text(encoding="utf-8").splitlines()


def test_dump_chrome_title_and_headings(dump_lines: list[str]) -> None:
    head = dump_lines[:10]
    for chrome in ("Home", "Journals", "Sign in", "Related Videos"):
        assert chrome in head
    assert any("cookies" in line for line in head)
    assert any(line.startswith("English | ") for line in head)
    assert DUMP_TITLE in dump_lines and dump_lines.index(DUMP_TITLE) > 10
    assert any(line.startswith("By ") for line in dump_lines)
    for heading in ("Background", "Methods", "Results", "Safety", "Conclusion"):
        assert heading in dump_lines
    tail = dump_lines[-8:]
    assert any(line.startswith("\u00a9") for line in tail) and "All rights reserved." in tail


def test_dump_prose_is_one_line_per_paragraph(dump_lines: list[str]) -> None:
    prose = [line for line in dump_lines if len(line) > 200]
    assert len(prose) >= 5
    for line in dump_lines:
        if NBSP_SEP not in line and not line.startswith("  \u2022"):
            assert "  " not in line, line  # only table rows have runs of spaces


def test_dump_table_rows_and_lost_cells(dump_lines: list[str]) -> None:
    start = dump_lines.index("Table 1.")
    rows = [line.split(NBSP_SEP) for line in dump_lines[start:start + 16] if line
            and (NBSP_SEP in line or line.endswith("n (%)"))]
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Outcome at week 16"] == [
        "Apremilast (n = 20)", "Methotrexate (n = 20)", "p value"]
    assert by_label["Adverse events, n (%)"] == []  # the one-cell subheader row
    assert by_label["Elevated transaminases"] == ["3 (15.0)", "0.23"]  # lost apremilast cell
    assert len(by_label["Discontinued due to adverse events"]) == 2  # lost p value
    # Every n (%) cell is consistent with 20 patients per arm.
    for cells in by_label.values():
        for cell in cells:
            m = re.fullmatch(r"(\d+) \((\d+\.\d)\)", cell)
            if m:
                assert f"{100 * int(m.group(1)) / 20:.1f}" == m.group(2), cell


def test_dump_text_matches_table(dump_lines: list[str]) -> None:
    text = " ".join(dump_lines)
    assert "9 of 20 patients (45.0%) on apremilast and 11 of 20 (55.0%) on MTX" in text
    # Wald 95% CI for the difference of two proportions, 0.45 - 0.55 with n = 20 each.
    se = (0.45 * 0.55 / 20 + 0.55 * 0.45 / 20) ** 0.5
    assert f"(95% CI {100 * (-0.10 - 1.96 * se):.1f} to {100 * (-0.10 + 1.96 * se):.1f}" in text
    assert "no venous thromboembolism, malignancy or serious infection was reported" in text


# --- all files ------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(words: list[str], n: int = 8) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _example_texts() -> dict[str, str]:
    return {
        HTML.name: BeautifulSoup(HTML.read_bytes(), "html.parser").get_text(" "),
        JATS.name: " ".join(etree.fromstring(JATS.read_bytes(), _SAFE_XML).itertext()),
        DUMP.name: DUMP.read_text(encoding="utf-8"),
    }


def test_examples_are_short() -> None:
    for name, text in _example_texts().items():
        assert 300 <= len(text.split()) <= 1300, name  # 300-900 words of prose, plus tables


def test_examples_share_no_eight_word_run_with_shared_articles() -> None:
    """Invented text: no 8 consecutive words in common with the seeds or shared articles."""
    if not SHARED.exists():
        pytest.skip(f"{SHARED} is absent (../shared is not beside this clone)")
    ours = {name: _shingles(_words(text)) for name, text in _example_texts().items()}
    sources = [*SHARED.glob("seeds/*.txt"), *SHARED.glob("articles/html/*"),
               *SHARED.glob("articles/jats/*.*ml")]
    assert sources
    for source in sources:
        theirs = _shingles(_words(source.read_text(encoding="utf-8", errors="replace")))
        for name, shingles in ours.items():
            assert not shingles & theirs, f"{name} shares text with {source.name}"


# --- the parsers on the examples ------------------------------------------------------------

@pytest.mark.parametrize(("path", "title", "n_tables"), [
    (HTML, HTML_TITLE, 1),
    (JATS, JATS_TITLE, 1),
    (PDF, HTML_TITLE, 1),
    (DUMP, DUMP_TITLE, 1),
], ids=["html", "jats", "pdf", "text"])
def test_example_parses_with_its_title_and_tables(path: Path, title: str, n_tables: int) -> None:
    from extractor.parsers import parse_all

    docs = parse_all(path)
    assert len(docs) == 1
    doc = docs[0]
    assert doc.metadata.title == title
    assert len(doc.tables) == n_tables
    assert_offsets(doc)
