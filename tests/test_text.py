"""The plain-text / page-dump parser: chrome, title, sections, space-separated tables.

Seed files are read from ../shared (skipped when absent); every inline fixture is invented.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.document import Document, Table
from extractor.errors import ExtractorError
from extractor.parsers.builder import normalize_inline
from extractor.parsers.source import RawInput
from extractor.parsers.text import parse_text
from extractor.parsers.text_tables import split_cells
from tests.conftest import assert_offsets, shared_path

SEED_000 = ("seeds", "000_dfa2d53c89d0a9d2.txt")
SEED_004 = ("seeds", "004_874d326f4a28e356.txt")


def _parse(data: bytes | str, name: str = "t.txt") -> Document:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    docs = parse_text(RawInput(path=name, data=raw, sha256="0" * 64))
    assert len(docs) == 1
    assert_offsets(docs[0])
    return docs[0]


def _seed(parts: tuple[str, str]) -> tuple[Document, list[str]]:
    path = shared_path(*parts)
    data = path.read_bytes()
    return _parse(data, str(path)), data.decode("utf-8").split("\n")


def _column(table: Table, col: int) -> list[str]:
    """Body cells of one column, top to bottom."""
    cells = sorted((c for c in table.cells if c.col == col and c.row >= table.header_rows),
                   key=lambda c: c.row)
    return [c.text for c in cells]


def _columns(table: Table) -> list[list[str]]:
    return [_column(table, j) for j in range(table.n_cols)]


def _absent(doc: Document, line: str) -> bool:
    """The source line is not kept: no block is it, and (when not tiny) it is not in the text."""
    core = normalize_inline(line)
    if any(doc.text[b.start:b.end] == core for b in doc.blocks):
        return False
    return len(core) < 8 or core not in doc.text


# -- seed 004: a Spanish journal's page dump with a 22-row table -------------------------------

@pytest.fixture(scope="module")
def seed004() -> tuple[Document, list[str]]:
    return _seed(SEED_004)


def test_seed004_table_has_22_rows_and_15_columns(seed004: tuple[Document, list[str]]) -> None:
    doc, _ = seed004
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.header_rows == 1
    assert table.n_cols == 15
    assert table.n_rows == table.header_rows + 22
    # A full grid: every row has a cell in every column (empty where the dump lost one).
    assert len(table.cells) == table.n_rows * table.n_cols
    assert table.caption and table.caption.startswith("Table 1.")


def test_seed004_columns_hold_one_kind_of_content(seed004: tuple[Document, list[str]]) -> None:
    doc, _ = seed004
    cols = _columns(doc.tables[0])
    # The case number: empty in the first rows of the dump, then 10, 11, ... 22.
    case = cols[0]
    numbers = [int(c) for c in case if c]
    assert all(c == "" or c.isdigit() for c in case)
    assert numbers == list(range(23 - len(numbers), 23))
    assert case[:9] == [""] * 9
    assert set(cols[1]) == {"Man", "Woman"}
    assert all(c.isdigit() for c in cols[2])
    # Exactly one column names a JAK inhibitor in every row.
    jak = [j for j, col in enumerate(cols)
           if all(re.search(r"baricitinib|upadacitinib", c, re.I) for c in col)]
    assert len(jak) == 1
    # Durations (months, maybe "(ongoing)") all sit in one column, empty where not given;
    # the prose says 4 patients were still on the combination.
    dur = [j for j, col in enumerate(cols)
           if any(c.endswith("(ongoing)") for c in col)]
    assert len(dur) == 1
    assert all(re.fullmatch(r"\d+(?:\.\d+)?(?: \(ongoing\))?", c) for c in cols[dur[0]] if c)
    assert sum(c.endswith("(ongoing)") for c in cols[dur[0]]) == 4
    # Adverse effects, last column: "None" or effects ending with the drug held responsible.
    assert all(c in ("", "None") or c.endswith(")") for c in cols[-1])
    assert sum(c.endswith(")") for c in cols[-1]) >= 8


def test_seed004_combination_drug_counts_match_the_prose(
        seed004: tuple[Document, list[str]]) -> None:
    """The letter's text gives how many combinations used each drug; count them in the cells."""
    doc, _ = seed004
    cols = _columns(doc.tables[0])
    drugs = ("methotrexate", "prednisone", "dupilumab", "tacrolimus", "cyclosporin")
    # The combination column: every cell starts with a drug name and a dose.
    combo = [col for col in cols
             if all(re.match(rf"(?i)(?:{'|'.join(drugs)})e? [\d.]+ ?mg", c) for c in col)]
    assert len(combo) == 1
    counts = Counter(next(d for d in drugs if c.lower().startswith(d)) for c in combo[0])
    assert counts == {"methotrexate": 12, "prednisone": 4, "dupilumab": 4, "tacrolimus": 1,
                      "cyclosporin": 1}


def test_seed004_header_names_each_column(seed004: tuple[Document, list[str]]) -> None:
    doc, lines = seed004
    table = doc.tables[0]
    header = sorted((c for c in table.cells if c.row == 0), key=lambda c: c.col)
    header_line = next(line for line in lines if split_cells(line) and len(split_cells(line)
                                                                         or []) == 15)
    assert [c.text for c in header] == split_cells(header_line)
    # Table cells are part of the text once, not repeated as a paragraph.
    assert doc.text.count(header[5].text) == 1


def test_seed004_title_and_chrome(seed004: tuple[Document, list[str]]) -> None:
    doc, lines = seed004
    # Line 5 is the English title; line 6 its Spanish translation, kept as text.
    assert doc.metadata.title == normalize_inline(lines[4])
    assert normalize_inline(lines[5]) in doc.text
    assert [b.kind for b in doc.blocks if doc.text[b.start:b.end] == doc.metadata.title] == [
        "title"]
    assert len(doc.metadata.authors) == 4
    # Journal-information link, view counter and its value, e-mail, menu items, copyright,
    # language picker and the prescriber prompt (1-based line numbers of the seed).
    for n in (1, 3, 7, 8, 11, 16, 17, 20, 21, 22, 99, 100, 101, 105, 107, 109):
        assert _absent(doc, lines[n - 1]), (n, lines[n - 1])
    # The table of contents repeated the caption (line 23): it is not a paragraph of its own.
    assert doc.text.count(normalize_inline(lines[22])) == 1


def test_seed004_prose_and_sections_are_kept(seed004: tuple[Document, list[str]]) -> None:
    doc, lines = seed004
    text = normalize_inline(doc.text)
    for line in lines:
        if len(line) > 120 and not split_cells(line):
            assert normalize_inline(line) in text
    titles = [s.title for s in doc.sections]
    assert titles[-1] == "References"
    assert len(titles) == 3
    refs = [b for b in doc.blocks if b.kind == "list_item"]
    assert len(refs) == 2  # "[1]" and "[2]" with their lines
    for b in doc.blocks:
        assert b.location and re.fullmatch(r"lines \d+-\d+", b.location)
    assert doc.tables[0].location == "lines 36-62"


# -- seed 000: a news page with a long menu -----------------------------------------------------

def test_seed000_title_sections_and_chrome() -> None:
    doc, lines = _seed(SEED_000)
    assert doc.metadata.title == normalize_inline(lines[32])
    assert [s.title for s in doc.sections] == [
        "Key Takeaways", "Methods", "Results", "Discussion", "Conclusion", "References"]
    # The 27-item topic menu, "SHOW MORE", image credits, related-videos widget, copyright.
    for n in [*range(1, 28), 29, 31, 39, 43, 45, 74, 75, 84, 85, 87]:
        assert _absent(doc, lines[n - 1]), (n, lines[n - 1])
    text = normalize_inline(doc.text)
    long_lines = [line for line in lines if len(line) > 120]
    assert len(long_lines) >= 10
    for line in long_lines:
        assert normalize_inline(line) in text
    assert sum(b.kind == "list_item" for b in doc.blocks) == 5  # 2 takeaways, 3 references
    assert not doc.tables


# -- invented fixtures --------------------------------------------------------------------------

NBSP = "\u00a0 "
PAGE = "\n".join([
    "Home", "Journals", "Topics", "Subscribe", "Sign in", "Accept all cookies", "",
    "Oral Vancomycin Versus Fidaxomicin for Recurrent Colitis in Older Adults", "",
    "Share", "Download PDF", "Views", "1234", "",
    "Background", "",
    "We followed eight invented patients treated at an imaginary clinic for recurrent colitis; "
    "every name, dose and outcome in this file was made up to exercise the parser.",
    "",
    "Table 2.", "", "Invented patients and their regimens.", "",
    NBSP.join(["Patient", "Age", "Drug and dose", "Response", "Adverse event (drug)"]),
    NBSP.join(["1", "71", "Vancomycin 125mg/6h", "Complete response", "Nausea (vancomycin)"]),
    NBSP.join(["2", "68", "Fidaxomicin 200mg/12h", "Partial response", "None"]),
    NBSP.join(["3", "80", "Vancomycin 125mg/6h", "Complete response", "Rash (vancomycin)"]),
    NBSP.join(["4", "77", "Fidaxomicin 200mg/12h", "No response", "None"]),
    NBSP.join(["5", "74", "Vancomycin 250mg/6h", "Complete response", "None"]),
    NBSP.join(["6", "83", "Vancomycin 125mg/6h", "Diarrhoea (vancomycin)"]),  # response lost
    NBSP.join(["7", "66", "Fidaxomicin 200mg/12h", "Partial response", "Headache (fidaxomicin)"]),
    "",
    "All patients were alive at the end of the invented follow-up, and no patient stopped "
    "treatment because of an adverse event.",
    "",
    "Copyright © 2099 Imaginary Press. All rights reserved.",
    "Privacy policy",
    "Terms of use",
])


def test_invented_page_dump() -> None:
    doc = _parse(PAGE)
    assert doc.metadata.title == (
        "Oral Vancomycin Versus Fidaxomicin for Recurrent Colitis in Older Adults")
    assert [s.title for s in doc.sections] == ["Background"]
    for chrome in ("Home", "Journals", "Subscribe", "Sign in", "cookies", "Share",
                   "Download PDF", "Views", "1234", "Copyright", "Privacy", "Terms"):
        assert chrome not in doc.text
    assert "made up to exercise the parser." in doc.text
    assert "no patient stopped treatment" in doc.text
    (table,) = doc.tables
    assert table.caption == "Table 2. Invented patients and their regimens."
    assert (table.n_rows, table.n_cols, table.header_rows) == (8, 5, 1)
    assert table.flags == []
    row6 = [c.text for c in sorted((c for c in table.cells if c.row == 6), key=lambda c: c.col)]
    assert row6 == ["6", "83", "Vancomycin 125mg/6h", "", "Diarrhoea (vancomycin)"]
    empty = [c for c in table.cells if not c.text]
    assert len(empty) == 1 and empty[0].start == empty[0].end
    # The caption lines are the table's caption, not paragraphs of their own.
    assert doc.text.count("Invented patients and their regimens.") == 1


def test_unplaceable_row_is_flagged() -> None:
    rows = PAGE.split("\n")
    at = rows.index(NBSP.join(["5", "74", "Vancomycin 250mg/6h", "Complete response", "None"]))
    # A lone number could be the patient's or the age: nothing tells which column it is.
    rows.insert(at + 1, NBSP.join(["81", "Unknown"]))
    doc = _parse("\n".join(rows))
    (table,) = doc.tables
    assert table.n_rows == 9
    assert len(table.flags) == 1
    assert f"lines {at + 2}" in table.flags[0]
    # Still output, in some alignment.
    row = sorted((c for c in table.cells if c.row == 6), key=lambda c: c.col)
    assert [c.text for c in row if c.text] == ["81", "Unknown"]
    assert len(row) == 5


def test_group_label_rows_footnotes_byline_and_widgets() -> None:
    text = "\n".join([
        "News | Journals | Events | Podcasts",
        "We use cookies to improve this invented site. Accept cookies | Manage settings",
        "",
        "Invented Trial of Doxycycline Against Made-Up Rosacea Flares", "",
        "By Ada Quill, MD; Bram Oakes, PhD", "",
        "Methods", "",
        "Twelve invented adults took doxycycline 40 mg daily or placebo for eight weeks in a "
        "trial that never happened; the numbers below exist only for this test.", "",
        NBSP.join(["Outcome", "Doxycycline (n = 6)", "Placebo (n = 6)", "p value"]),
        NBSP.join(["Clear skin, n (%)", "4 (66.7)", "1 (16.7)", "0.24"]),
        NBSP.join(["Flares, mean (SD)", "1.2 (0.8)", "2.9 (1.1)", "0.01"]),
        "Adverse events, n (%)",
        NBSP.join(["Nausea", "2 (33.3)", "1 (16.7)", "1.00"]),
        NBSP.join(["Photosensitivity", "1 (16.7)", "0 (0.0)", "1.00"]),
        "",
        "SD, standard deviation; n, number of invented patients; p, two-sided made-up p value.",
        "",
        "The invented flares were fewer with doxycycline, and no invented patient stopped it.",
        "",
        "Related Content",
        "Invented Isotretinoin Myths Debunked",
        "Five Made-Up Tips for Sunscreen Use",
        "",
        "Do Not Sell My Personal Information",
    ])
    doc = _parse(text)
    assert doc.metadata.title == "Invented Trial of Doxycycline Against Made-Up Rosacea Flares"
    assert doc.metadata.authors == ["Ada Quill", "Bram Oakes"]
    for chrome in ("Podcasts", "cookies", "Related", "Isotretinoin", "Sunscreen", "Sell"):
        assert chrome not in doc.text
    (table,) = doc.tables
    assert (table.n_rows, table.n_cols, table.header_rows) == (6, 4, 1)
    label = [c for c in table.cells if c.row == 3]
    assert len(label) == 1 and label[0].colspan == 4 and label[0].text.startswith("Adverse")
    assert table.flags == []
    assert table.footnotes == [
        "SD, standard deviation; n, number of invented patients; p, two-sided made-up p value."]
    assert [b.kind for b in doc.blocks].count("footnote") == 1
    assert "no invented patient stopped it." in doc.text


def test_plain_article_headings_paragraphs_and_tab_table() -> None:
    text = "\n".join([
        "# Low-Dose Colchicine After Invented Myocardial Events", "",
        "ABSTRACT", "",
        "This imaginary trial randomised forty invented adults to colchicine 0.5 mg daily or",
        "placebo and followed them for twelve months; wrapped lines join into one paragraph.",
        "",
        "1. Introduction", "",
        "Colchicine is an old drug with anti-inflammatory effects that we test here on made-up",
        "patients only, to check how numbered headings open sections.", "",
        "2. Methods", "",
        "2.1 Outcomes", "",
        "The primary outcome was a composite of invented events measured at twelve months in",
        "every fictional participant, as written in a protocol that never existed.", "",
        "Arm\tN\tEvents\tDiarrhoea",
        "Colchicine\t20\t2\t4",
        "Placebo\t20\t5\t1", "",
        "## Results", "",
        "Fewer invented events occurred with colchicine than with placebo in this made-up sample.",
    ])
    doc = _parse(text)
    assert doc.metadata.title == "Low-Dose Colchicine After Invented Myocardial Events"
    assert [(s.title, s.level) for s in doc.sections] == [
        ("ABSTRACT", 1), ("1. Introduction", 1), ("2. Methods", 1), ("2.1 Outcomes", 2),
        ("Results", 2)]
    paras = [doc.text[b.start:b.end] for b in doc.blocks if b.kind == "paragraph"]
    assert paras[0].startswith("This imaginary trial") and paras[0].endswith("one paragraph.")
    assert [b.location for b in doc.blocks if b.kind == "paragraph"][0] == "lines 5-6"
    (table,) = doc.tables
    assert (table.n_rows, table.n_cols, table.header_rows) == (3, 4, 1)
    assert _column(table, 2) == ["2", "5"]


def test_prose_with_two_spaces_after_full_stops_is_not_a_table() -> None:
    text = ("Invented Findings in a Made-Up Cohort of Patients\n\n"
            "The first sentence ends here.  The second one follows after two spaces.  A third.\n"
            "Another line ends.  And it goes on like typewriter prose.  Still no table.\n")
    doc = _parse(text)
    assert not doc.tables
    assert "Still no table." in doc.text


def test_stray_double_spaces_in_wrapped_prose_are_not_a_table() -> None:
    text = ("Invented Findings in a Made-Up Cohort of Patients\n\n"
            "the invented patient  received a made-up dose of  amoxicillin and then\n"
            "developed a rash  that we describe here  only to test the parser on\n"
            "text converted from a PDF  with stray double spaces inside sentences.\n")
    doc = _parse(text)
    assert not doc.tables
    assert "received a made-up dose of amoxicillin and then developed a rash" in doc.text


def test_sentence_case_title_of_a_plain_article() -> None:
    doc = _parse("Rash after amoxicillin in an invented toddler\n\n"
                 "An invented two-year-old developed a rash on the third day of amoxicillin; "
                 "the drug was stopped and the rash faded within a week of the made-up "
                 "follow-up.\n")
    assert doc.metadata.title == "Rash after amoxicillin in an invented toddler"
    assert [b.kind for b in doc.blocks] == ["title", "paragraph"]


# -- encodings and bad input -------------------------------------------------------------------

INVENTED_SPANISH = (
    "Caso inventado de una niña tratada con metotrexato\n\n"
    "La paciente, una niña inventada de diez años, recibió 5 µg/kg de un fármaco ficticio y "
    "presentó náuseas leves que cedieron sin tratamiento; ningún dato es real.\n"
)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_western_encodings(encoding: str) -> None:
    doc = _parse(INVENTED_SPANISH.encode(encoding))
    assert "niña" in doc.text and "5 µg/kg" in doc.text and "náuseas" in doc.text
    assert doc.source.encoding in ("cp1252", "latin-1", "iso-8859-1", "windows-1252")


def test_utf16_with_bom_and_crlf() -> None:
    data = INVENTED_SPANISH.replace("\n", "\r\n").encode("utf-16")
    doc = _parse(data)
    assert doc.source.encoding == "utf-16"
    assert "recibió 5 µg/kg" in doc.text and "\r" not in doc.text
    assert doc.metadata.title is None or "\ufeff" not in doc.metadata.title


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\u00a0\n".encode()])
def test_empty_input(data: bytes) -> None:
    with pytest.raises(ExtractorError) as err:
        parse_text(RawInput(path="e.txt", data=data, sha256="0" * 64))
    assert err.value.code == "empty"


def test_only_chrome_is_empty() -> None:
    with pytest.raises(ExtractorError) as err:
        _parse("Accept all cookies\nSign in\nSubscribe\n")
    assert err.value.code == "empty"


def test_undecodable_input() -> None:
    with pytest.raises(ExtractorError) as err:
        parse_text(RawInput(path="x.txt", data=bytes(range(128, 256)) * 4, sha256="0" * 64))
    assert err.value.code == "decode"


@settings(max_examples=200, deadline=None)
@given(st.one_of(
    st.text(max_size=600).map(lambda s: s.encode("utf-8")),
    st.lists(st.sampled_from(["Home", "Table 1.", "a  b  c", "1\u00a0 2\u00a0 x (y)", "",
                              "# T", "Methods", "References", "[1]", "x" * 130 + ".",
                              "C. Doe, J. Roe", "Views", "12"]), max_size=30)
    .map(lambda ls: "\n".join(ls).encode("utf-8")),
    st.binary(max_size=600),
))
def test_any_input_gives_documents_or_the_toolkit_error(data: bytes) -> None:
    try:
        docs = parse_text(RawInput(path="h.txt", data=data, sha256="0" * 64))
    except ExtractorError:
        return
    assert len(docs) == 1
    assert_offsets(docs[0])
    for b in docs[0].blocks:
        assert docs[0].text[b.start:b.end].strip()


def test_mostly_utf8_text_keeps_its_accents_and_warns_of_the_bad_bytes() -> None:
    from extractor.parsers import parse_bytes

    data = "Café patients, naïve to treatment ".encode() + b"\xff" + b" got it.\n"
    doc = parse_bytes(data, "note.txt", "text")[0]
    assert "Café" in doc.text and "naïve" in doc.text
    assert any("1 invalid UTF-8" in w for w in doc.warnings)
