"""Document ids come from the article's own identifiers, so every format of one article gets
one id (the format is in ``source``), and ids are safe as file names."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from extractor import parse
from extractor.cli import main
from extractor.document import Metadata
from extractor.parsers.builder import article_id
from tests.conftest import shared_path

# An invented article as JATS and as a publisher page (no third-party text).
JATS = """<article><front><article-meta>
<article-id pub-id-type="doi">10.5555/Invented.Case(7)/2</article-id>
<article-id pub-id-type="pmc">PMC9999123</article-id>
<title-group><article-title>Nausea after an invented dose of methotrexate</article-title>
</title-group></article-meta></front>
<body><sec><title>Case</title><p>A woman received methotrexate 15 mg weekly.</p></sec></body>
</article>"""
HTML = """<html><head><title>Nausea after an invented dose of methotrexate</title>
<meta name="citation_doi" content="https://doi.org/10.5555/INVENTED.CASE(7)/2"></head>
<body><h1>Nausea after an invented dose of methotrexate</h1>
<h2>Case</h2><p>A woman received methotrexate 15 mg weekly.</p></body></html>"""
SAFE = "10.5555_invented.case_7_2"


def test_article_id_prefers_the_doi_then_pmcid_then_pmid() -> None:
    assert article_id(Metadata(doi="10.1155/2016/2087525", pmcid="PMC1", pmid="2")) == \
        "10.1155_2016_2087525"
    assert article_id(Metadata(doi="10.5555/A<b>;C", pmid="2")) == "10.5555_a_b_c"
    assert article_id(Metadata(pmcid="pmc 4737013", pmid="2")) == "PMC4737013"
    assert article_id(Metadata(pmid="27221664")) == "PMID27221664"
    assert article_id(Metadata(title="No identifiers")) is None


def test_formats_of_one_article_get_one_id(tmp_path: Path) -> None:
    (tmp_path / "case.xml").write_text(JATS, encoding="utf-8")
    (tmp_path / "publisher_page.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "note.txt").write_text("A woman received methotrexate.\n", encoding="utf-8")
    jats, page = parse(tmp_path / "case.xml"), parse(tmp_path / "publisher_page.html")
    assert jats.id == page.id == SAFE
    assert (jats.source.format, page.source.format) == ("jats", "html")
    assert jats.metadata.doi == "10.5555/Invented.Case(7)/2"  # as the file prints it
    assert parse(tmp_path / "note.txt").id == "note"  # no identifiers: the file stem
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "case.xml"),
                                       str(tmp_path / "publisher_page.html"), "-o", f"{out}/"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{SAFE}.html.json", f"{SAFE}.jats.json"]


def test_shared_article_as_jats_pdf_and_html_has_one_id() -> None:
    jats = parse(shared_path("articles", "jats", "PMC4737013.xml"))
    pdf = parse(shared_path("articles", "pdf", "PMC4737013.pdf"))
    html = parse(shared_path("articles", "html", "PMC4737013_scholarly.html"))
    assert jats.id == pdf.id == html.id
    assert jats.metadata.doi is not None
    assert jats.id == jats.metadata.doi.lower().replace("/", "_")
    assert [d.source.format for d in (jats, pdf, html)] == ["jats", "pdf", "html"]
