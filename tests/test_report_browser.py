"""The review report in a real headless Chromium (Debian's chromium + chromedriver).

Pages are opened from file:// URLs exactly as a reviewer would open them. Screenshots go to
test-artifacts/ at the repository root.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.evidence import EvidenceDocument
from extractor.report import build_report
from tests import browser
from tests.conftest import REPO
from tests.report_data import INVENTED, evidence

# `make test` installs the browser and sets EXTRACTOR_REQUIRE_BROWSER=1: there a missing
# browser fails these tests instead of skipping them.
pytestmark = pytest.mark.skipif(browser.missing() is not None
                                and not os.environ.get("EXTRACTOR_REQUIRE_BROWSER"),
                                reason=str(browser.missing()))
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    if browser.missing() is not None:
        pytest.fail(str(browser.missing()))
    with browser.chromium() as d:
        yield d


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path],
                                                                dict[str, EvidenceDocument]]:
    docs = evidence()
    jsonl = tmp_path_factory.mktemp("report") / "evidence.jsonl"
    jsonl.write_text("".join(d.model_dump_json() + "\n" for d in docs.values()),
                     encoding="utf-8")
    built = build_report(jsonl)
    pages = {doc_id: page for doc_id, page in zip(docs, built.pages, strict=True)}
    return pages | {"index": built.index}, docs


def _open(driver, path: Path) -> list[dict]:  # type: ignore[no-untyped-def]
    """Load ``path`` and return the console errors it produced."""
    driver.get(path.as_uri())
    return browser.console_errors(driver)


def _screenshot(driver, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    return path


def test_pages_load_without_console_errors(driver, report):
    pages, _ = report
    for name, path in pages.items():
        assert _open(driver, path) == [], name
        assert driver.execute_script("return document.readyState") == "complete"
    _open(driver, pages["index"])
    links = driver.execute_script(
        "return [...document.querySelectorAll('table.docs a')].map(a => a.href)")
    assert links == [pages[k].as_uri() for k in ("invented_case", "hostile",
                                                 "case_series_dupilumab_jak")]
    _screenshot(driver, "report-index.png")


@pytest.mark.parametrize("doc_id", ["invented_case", "case_series_dupilumab_jak"])
def test_every_mention_is_highlighted_once_with_its_label(driver, report, doc_id):
    pages, docs = report
    assert _open(driver, pages[doc_id]) == []
    marks = driver.execute_script(
        "return [...document.querySelectorAll('mark.mention')].map(m => "
        "[m.id, m.dataset.label, m.textContent, getComputedStyle(m).backgroundColor])")
    doc = docs[doc_id]
    assert sorted(m[:3] for m in marks) == sorted(
        [f"m-{m.id}", m.label, m.text] for m in doc.mentions)
    assert all(m[3] != "rgba(0, 0, 0, 0)" for m in marks)  # highlighted, not just tagged
    colours = {m[1]: m[3] for m in marks}
    assert len(set(colours.values())) == len(colours)  # one colour per label


def test_clicking_a_record_value_highlights_and_scrolls_to_its_source(driver, report):
    pages, docs = report
    assert _open(driver, pages["case_series_dupilumab_jak"]) == []
    from selenium.webdriver.common.by import By

    in_view = ("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
               "return r.bottom > 0 && r.top < window.innerHeight;")
    links = driver.find_elements(By.CSS_SELECTOR, "table.records a.src")
    to_text = next(a for a in links if a.get_attribute("data-targets").startswith("m-"))
    to_cell = next(a for a in reversed(links)
                   if a.get_attribute("data-targets").startswith("t0-"))
    for link in (to_text, to_cell):
        target = link.get_attribute("data-targets").split()[0]
        driver.execute_script("window.scrollTo(0, 0)")
        assert not driver.execute_script(in_view, target)  # below the fold before
        link.click()
        assert "hl" in driver.find_element(By.ID, target).get_attribute("class").split()
        assert driver.execute_script(in_view, target)
        assert len(driver.find_elements(By.CSS_SELECTOR, ".hl")) == len(
            link.get_attribute("data-targets").split())
    _screenshot(driver, "report-document.png")
    assert browser.console_errors(driver) == []


def test_filters_hide_labels_and_select_negated(driver, report):
    pages, docs = report
    assert _open(driver, pages["invented_case"]) == []
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    state = ("return [...document.querySelectorAll('mark.mention')].map(m => "
             "[m.dataset.label, m.dataset.negated, getComputedStyle(m).backgroundColor])")
    driver.find_element(By.CSS_SELECTOR, 'input.label-filter[data-label="DRUG"]').click()
    marks = driver.execute_script(state)
    assert {bg == "rgba(0, 0, 0, 0)" for label, _, bg in marks if label == "DRUG"} == {True}
    assert {bg == "rgba(0, 0, 0, 0)" for label, _, bg in marks if label != "DRUG"} == {False}
    Select(driver.find_element(By.ID, "neg-filter")).select_by_value("only")
    shown = [(label, neg) for label, neg, bg in driver.execute_script(state)
             if bg != "rgba(0, 0, 0, 0)"]
    negated = [(m.label, "true") for m in docs["invented_case"].mentions if m.negated]
    assert shown == negated and negated  # hepatotoxicity, serious infection
    _screenshot(driver, "report-filtered.png")


def test_injected_markup_stays_text(driver, report):
    pages, _ = report
    assert _open(driver, pages["hostile"]) == []
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018  (an alert would mean a script ran)
    assert driver.execute_script("return document.scripts.length") == 1
    assert driver.execute_script("return document.images.length") == 0
    assert not driver.find_elements(By.CSS_SELECTOR, ".doc-text b, .doc-text a")
    text = driver.find_element(By.CSS_SELECTOR, ".doc-text").text
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text


def test_validate_html_page(driver, tmp_path):
    """`extractor validate --html` on invented brat gold against the real pipeline."""
    docs = evidence()
    text = INVENTED
    spans = [("DRUG", "methotrexate"), ("DOSE", "15 mg"), ("DRUG", "adalimumab 40 mg"),
             ("ADVERSE_EVENT", "nausea"), ("ADVERSE_EVENT", "fatigue")]
    gold = tmp_path / "gold"
    gold.mkdir()
    lines, pos = [], 0
    for k, (label, span) in enumerate(spans, start=1):
        if span in text:
            start = text.index(span, pos)
            lines.append(f"T{k}\t{label} {start} {start + len(span)}\t{span}")
    (gold / "invented_case.txt").write_text(text, encoding="utf-8")
    (gold / "invented_case.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(docs["invented_case"].model_dump_json() + "\n", encoding="utf-8")
    page, out_json = tmp_path / "validation.html", tmp_path / "validation.json"
    result = CliRunner().invoke(main, ["validate", "--gold", str(gold), "--pred", str(pred),
                                       "--json", str(out_json), "--html", str(page)])
    assert result.exit_code == 0, result.output
    scores = json.loads(out_json.read_text(encoding="utf-8"))
    assert _open(driver, page) == []
    widths = driver.execute_script(
        "return [...document.querySelectorAll('#exact tbody tr')].map(r => [r.dataset.label,"
        " ...[...r.querySelectorAll('.bar > span')].map(s => s.style.width)])")
    expected = {k: v for k, v in scores["mentions"].items() if "precision" in v}
    assert {w[0] for w in widths} == set(expected)
    for label, *bars in widths:  # a bar's width is its score
        assert [float(w.rstrip("%")) for w in bars] == [
            round(expected[label][k] * 100, 1) for k in ("precision", "recall", "f1")]
    groups = driver.execute_script(
        "return [...document.querySelectorAll('.errgroup')].map(g => ["
        "[...g.querySelectorAll('.gold mark')].map(m => m.textContent),"
        "[...g.querySelectorAll('.pred mark')].map(m => m.textContent)])")
    missed = sorted(t for g in groups for t in g[0])
    spurious = sorted(t for g in groups for t in g[1])
    assert missed == sorted(e["text"] for e in scores["false_negatives"])
    assert spurious == sorted(e["text"] for e in scores["false_positives"])
    assert "adalimumab 40 mg" in missed and "headache" in spurious
    _screenshot(driver, "report-validation.png")


def test_large_document_opens_quickly(driver, report, tmp_path):
    """A 100-page-sized document (the invented case repeated) renders and loads in seconds."""
    from extractor.parsers import parse_bytes
    from extractor.pipeline import default_pipeline

    text = "\n\n".join(INVENTED for _ in range(600))  # ~280,000 characters
    doc = next(default_pipeline().pipe(parse_bytes(text.encode(), "long_case.txt", "text")))
    assert len(doc.mentions) > 10_000
    jsonl = tmp_path / "long.jsonl"
    jsonl.write_text(doc.model_dump_json() + "\n", encoding="utf-8")
    start = time.perf_counter()
    page = build_report(jsonl).pages[0]
    render_s = time.perf_counter() - start
    start = time.perf_counter()
    assert _open(driver, page) == []
    count = driver.execute_script("return document.querySelectorAll('mark.mention').length")
    load_s = time.perf_counter() - start
    assert count == len(doc.mentions)
    assert render_s < 10 and load_s < 10, (render_s, load_s)
