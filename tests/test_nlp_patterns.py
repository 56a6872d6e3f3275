"""Tokenizer, sentence splitter and pattern rules (DOSE, FREQUENCY, ROUTE, DURATION, OUTCOME).

Sentences are invented (real drug names); the seed checks read ../shared and skip without it.
"""

from __future__ import annotations

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc, Span

import extractor.nlp.patterns  # noqa: F401  (registers extractor_patterns)
import extractor.nlp.sentences  # noqa: F401  (registers extractor_sentences)
from extractor.nlp import duration, frequency, outcome, route, units
from extractor.nlp.extensions import CANDIDATES
from tests.conftest import partial_nlp, shared_path


@pytest.fixture(scope="module")
def nlp() -> Language:
    return partial_nlp("extractor_sentences", "extractor_patterns")


def spans(doc: Doc, label: str) -> list[Span]:
    return [s for s in doc.spans.get(CANDIDATES, []) if s.label_ == label]


def texts(doc: Doc, label: str) -> list[str]:
    return [s.text for s in spans(doc, label)]


def only(doc: Doc, label: str) -> Span:
    found = spans(doc, label)
    assert len(found) == 1, [s.text for s in found]
    return found[0]


# --- tokenizer ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, tokens", [
    ("4mg/day", ["4", "mg", "/", "day"]),
    ("15mg/week", ["15", "mg", "/", "week"]),
    ("300mg/14", ["300", "mg", "/", "14"]),
    ("15 smg/day", ["15", "smg", "/", "day"]),
    ("20mg/12h", ["20", "mg", "/", "12", "h"]),
    ("0.5mg/kg/day", ["0.5", "mg", "/", "kg", "/", "day"]),
    ("(1030cells/10^9/L)", ["(", "1030", "cells", "/", "10", "^", "9", "/", "L", ")"]),
    ("EASI-75", ["EASI-75"]),
    ("p<0.05", ["p", "<", "0.05"]),
    ("3–43 months", ["3", "–", "43", "months"]),
    ("DLQI/CDLQI", ["DLQI", "/", "CDLQI"]),
    ("and/or", ["and/or"]),
    ("b.i.d.", ["b.i.d."]),
    ("q12h", ["q12h"]),
    ("methotrexate-induced", ["methotrexate", "-", "induced"]),
    ("METH-induced", ["METH", "-", "induced"]),
    ("clozapine-treated rats", ["clozapine", "-", "treated", "rats"]),
    ("fludarabine-based", ["fludarabine", "-", "based"]),
    ("HER2-positive", ["HER2-positive"]),
    ("pp-NRS", ["pp-NRS"]),
])
def test_tokenizer_splits_quantities(nlp: Language, text: str, tokens: list[str]) -> None:
    assert [t.text for t in nlp.tokenizer(text)] == tokens


def test_tokenizer_keeps_whitespace_tokens_and_offsets(nlp: Language) -> None:
    text = "Row one\tbaricitinib 4mg/day\n\nNext  line"
    doc = nlp.tokenizer(text)
    assert "\t" in [t.text for t in doc] and "\n\n" in [t.text for t in doc]
    assert all(text[t.idx:t.idx + len(t.text)] == t.text for t in doc)


def test_registered_tokenizer_factory() -> None:
    config = {"nlp": {"tokenizer": {"@tokenizers": "extractor.tokenizer.v1"}}}
    pipeline = spacy.blank("en", config=config)
    assert [t.text for t in pipeline("4mg/day")] == ["4", "mg", "/", "day"]


# --- sentences ---------------------------------------------------------------------------

def sentences(nlp: Language, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


def test_sentences_split_after_final_punctuation(nlp: Language) -> None:
    got = sentences(nlp, "The rash resolved. Two patients relapsed! Why? 3 left.")
    assert got == ["The rash resolved.", "Two patients relapsed!", "Why?", "3 left."]


def test_sentences_do_not_split_after_abbreviations(nlp: Language) -> None:
    text = ("Dupilumab was given s.c. Or i.v. Then e.g. Fig. 2 and approx. Ten cases vs. Four "
            "were seen by R. Smith et al. Later in 2.5 hours.")
    assert len(sentences(nlp, text)) == 1


def test_sentences_lower_case_does_not_start_a_sentence(nlp: Language) -> None:
    assert len(sentences(nlp, "Doses were 15 mg. and then 20 mg.")) == 1


def test_sentences_lines_and_cells(nlp: Language) -> None:
    text = "Title without period\nFirst line\tcell two\tcell three\n1. Smith J. A report."
    got = sentences(nlp, text)
    assert got[:4] == ["Title without period", "First line", "cell two", "cell three"]
    assert got[4] == "1. Smith J. A report."  # list number and initial do not split


def test_sentences_glued_reference_and_quotes(nlp: Language) -> None:
    got = sentences(nlp, "It is common worldwide.1 Its cause is unknown. “Dual therapy helped.” "
                         "Patients agreed.")
    assert got == ["It is common worldwide.1", "Its cause is unknown.",
                   "“Dual therapy helped.”", "Patients agreed."]


def test_sentences_leading_whitespace_and_empty(nlp: Language) -> None:
    assert sentences(nlp, "  Alpha. Beta") == ["Alpha.", "Beta"]
    assert list(nlp("").sents) == []


# --- DOSE --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, value, value_max, unit", [
    ("baricitinib 4mg/day", "4mg", 4.0, None, "mg"),
    ("upadacitinib 15 smg/day", "15 smg", 15.0, None, "mg"),
    ("tacrolimus 2.5mg daily", "2.5mg", 2.5, None, "mg"),
    ("prednisone 10-20 mg", "10-20 mg", 10.0, 20.0, "mg"),
    ("prednisone 10 to 20 mg", "10 to 20 mg", 10.0, 20.0, "mg"),
    ("methotrexate 0.3 mg/kg weekly", "0.3 mg/kg", 0.3, None, "mg/kg"),
    ("cisplatin 75 mg/m2 on day 1", "75 mg/m2", 75.0, None, "mg/m²"),
    ("cisplatin 75 mg/m² on day 1", "75 mg/m²", 75.0, None, "mg/m²"),
    ("vitamin B12 1000 mcg", "1000 mcg", 1000.0, None, "µg"),
    ("fentanyl 50 µg", "50 µg", 50.0, None, "µg"),
    ("vitamin D 1,000 IU", "1,000 IU", 1000.0, None, "IU"),
    ("insulin 10 units", "10 units", 10.0, None, "units"),
    ("clobetasol 0.05% cream", "0.05%", 0.05, None, "%"),
])
def test_dose_values(nlp: Language, text: str, span: str, value: float,
                     value_max: float | None, unit: str) -> None:
    dose = only(nlp(text), "DOSE")
    assert dose.text == span
    assert dose._.value == {"value": value, "value_max": value_max, "unit": unit}
    assert dose._.found_by == ["pattern:dose"]


@pytest.mark.parametrize("text", [
    "lymphocytes 810cells/10^9/L",
    "ALT 87.6U/L and AST 50.99 U/L",
    "glucose 5.4 mmol/L, creatinine 1.2 mg/dL",
    "a 6kg weight gain and MCV 106fL",
    "50% of patients improved",
    "a 50% down titration",
])
def test_dose_skips_lab_values_weights_and_plain_percentages(nlp: Language, text: str) -> None:
    assert texts(nlp(text), "DOSE") == []


def test_dose_glued_frequency_is_separate(nlp: Language) -> None:
    doc = nlp("Methotrexate 0.5 mg/kg/day was given.")
    assert texts(doc, "DOSE") == ["0.5 mg/kg"]
    assert texts(doc, "FREQUENCY") == ["/day"]


@pytest.mark.parametrize("text, span, qualifier", [
    ("after high-dose methotrexate", "high-dose", "high"),
    ("an overdose of paracetamol", "overdose", "overdose"),
    ("at therapeutic doses the drug", "therapeutic doses", "therapeutic"),
    ("Low dosage aspirin", "Low dosage", "low"),
])
def test_dose_words_without_an_amount(nlp: Language, text: str, span: str,
                                      qualifier: str) -> None:
    found = only(nlp(text), "DOSE")
    assert found.text == span and found._.value == {"qualifier": qualifier}


@pytest.mark.parametrize("text", ["a low dose of 5 mg", "dose escalation", "the dosing",
                                  "high dose escalation"])
def test_dose_words_give_way_to_an_amount_or_a_procedure(nlp: Language, text: str) -> None:
    assert [t for t in texts(nlp(text), "DOSE") if not t[0].isdigit()] == []


def test_record_dose_is_the_amount_not_the_dose_word() -> None:
    from extractor.pipeline import extract

    ev = extract("A 50-year-old woman received high-dose methotrexate 20 mg weekly and "
                 "developed mucositis. The high-dose methotrexate was stopped.")
    dose = ev.records[0].interventions[0].dose
    assert dose is not None and dose.value == 20.0 and dose.unit == "mg"


# --- FREQUENCY ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, per_day", [
    ("4mg/day", "/day", 1.0),
    ("15mg/week", "/week", 0.1429),
    ("20mg/12h", "/12h", 2.0),
    ("300mg/14 days", "/14 days", 0.0714),
    ("40 mg/2 weeks", "/2 weeks", 0.0714),
    ("20 mg twice daily", "twice daily", 2.0),
    ("100 mg twice a day", "twice a day", 2.0),
    ("10 mg once daily", "once daily", 1.0),
    ("5 mg daily", "daily", 1.0),
    ("25 mg three times weekly", "three times weekly", 0.4286),
    ("300 mg every 14 days", "every 14 days", 0.0714),
    ("300 mg every other week", "every other week", 0.0714),
    ("40 mg every 2 weeks", "every 2 weeks", 0.0714),
    ("2 mg weekly", "weekly", 0.1429),
    ("15 mg per week", "per week", 0.1429),
    ("500 mg bid", "bid", 2.0),
    ("500 mg b.i.d.", "b.i.d.", 2.0),
    ("500 mg TID", "TID", 3.0),
    ("10 mg qd", "qd", 1.0),
    ("1 g q8h", "q8h", 3.0),
    ("210 mg Q2W", "Q2W", 0.0714),
    ("100 mg monthly", "monthly", 0.0329),
])
def test_frequency_per_day(nlp: Language, text: str, span: str, per_day: float) -> None:
    freq = only(nlp(text), "FREQUENCY")
    assert freq.text == span
    assert freq._.value == {"per_day": per_day}


def test_frequency_prn_single_and_non_dosing_uses(nlp: Language) -> None:
    assert only(nlp("ibuprofen 400 mg as needed"), "FREQUENCY")._.value == {
        "per_day": None, "prn": True}
    assert only(nlp("dupilumab 600 mg once"), "FREQUENCY")._.value == {
        "per_day": None, "single": True}
    assert texts(nlp("The authors edited the text as needed."), "FREQUENCY") == []
    assert texts(nlp("Activities of daily living improved."), "FREQUENCY") == []
    assert texts(nlp("He smoked 20 cigarettes/day and drank once."), "FREQUENCY") == []


# --- ROUTE -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, canonical", [
    ("methotrexate 15mg/week (orally)", "orally", "oral"),
    ("oral prednisone", "oral", "oral"),
    ("methotrexate (subcutaneous)", "subcutaneous", "subcutaneous"),
    ("given subcutaneously", "subcutaneously", "subcutaneous"),
    ("dupilumab 300 mg SC", "SC", "subcutaneous"),
    ("methylprednisolone 1 g IV", "IV", "intravenous"),
    ("ceftriaxone i.v. daily", "i.v.", "intravenous"),
    ("topical tacrolimus", "topical", "topical"),
    ("intralesional corticosteroids", "intralesional", "intralesional"),
    ("Intramuscular corticosteroids", "Intramuscular", "intramuscular"),
    ("IM injection", "IM injection", "intramuscular"),
    ("an intravitreal injection of bevacizumab", "intravitreal injection", "intravitreal"),
    ("given by intravenous bolus injection", "intravenous bolus injection", "intravenous"),
    ("after ingestion of 20 tablets", "ingestion", "oral"),
    ("during the second infusion of rituximab", "infusion", "infusion"),
    ("retention enemas of mesalamine", "enemas", "rectal"),
    ("inhaled budesonide", "inhaled", "inhaled"),
    ("intravitreal ranibizumab", "intravitreal", "intravitreal"),
])
def test_route(nlp: Language, text: str, span: str, canonical: str) -> None:
    found = only(nlp(text), "ROUTE")
    assert found.text == span and found._.value == {"route": canonical}


@pytest.mark.parametrize("text", [
    "relapse of oral herpes simplex",
    "Herpes simplex oral infection",
    "oral intolerance (methotrexate)",
    "grade IV neutropenia and stage IV disease",
    "Smith IM, Jones AB. A trial.",
    "an infusion reaction and injection site pain",
])
def test_route_skips_anatomy_and_roman_numerals(nlp: Language, text: str) -> None:
    assert texts(nlp(text), "ROUTE") == []


# --- DURATION ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, span, value, unit, days", [
    ("treated for 6 months with it", "6 months", 6.0, "month", 182.62),
    ("a median 21-month regimen of baricitinib", "21-month", 21.0, "month", 639.19),
    ("a 6-month regimen of dupilumab", "6-month", 6.0, "month", 182.62),
    ("tapered over 2 weeks", "2 weeks", 2.0, "week", 14.0),
    ("for a median 20 months", "20 months", 20.0, "month", 608.75),
    ("for a median time of 16 months", "16 months", 16.0, "month", 487.0),
    ("a mean duration of 7 months of combination therapy", "7 months", 7.0, "month", 213.06),
    ("treated for 0.5 months", "0.5 months", 0.5, "month", 15.22),
    ("given for 10 days", "10 days", 10.0, "day", 10.0),
])
def test_duration(nlp: Language, text: str, span: str, value: float, unit: str,
                  days: float) -> None:
    found = only(nlp(text), "DURATION")
    assert found.text == span
    assert found._.value == {"value": value, "value_max": None, "unit": unit, "days": days}


def test_duration_skips_timepoints_and_ages(nlp: Language) -> None:
    doc = nlp("At week 16 and after 12 weeks, a 43 years old man was seen 3 months ago.")
    assert texts(doc, "DURATION") == []


# --- OUTCOME -----------------------------------------------------------------------------

def test_outcome_respectively_pairs_values_with_measures(nlp: Language) -> None:
    doc = nlp("After 16 weeks, 90%, 70.5%, and 20% of patients achieved EASI 50, EASI-75, "
              "and EASI 90 responses, respectively.")
    found = spans(doc, "OUTCOME")
    assert [s.text for s in found] == ["EASI 50", "EASI-75", "EASI 90"]
    assert [s._.value["measure"] for s in found] == ["EASI-50", "EASI-75", "EASI-90"]
    assert [s._.value["value"] for s in found] == [90.0, 70.5, 20.0]
    assert all(s._.value["unit"] == "%" and s._.value["timepoint"] == "week 16" for s in found)
    first = found[0]._.value
    assert doc.text[first["value_start"]:first["value_end"]] == "90%"


def test_outcome_change_p_value_and_median(nlp: Language) -> None:
    doc = nlp("Median itch scores (pp-NRS) fell from 7.50 to 2.00 (p < 0.05).")
    found = only(doc, "OUTCOME")
    assert found.text == "pp-NRS"
    assert found._.value["measure"] == "pp-NRS"
    assert found._.value["baseline"] == 7.5 and found._.value["value"] == 2.0
    assert found._.value["p_value"] == 0.05 and found._.value["p_op"] == "<"
    assert found._.value["stat"] == "median"


def test_outcome_measures_and_responses(nlp: Language) -> None:
    doc = nlp("DLQI/CDLQI and POEM improved at week 12. SALT≤20 was reached. IGA 0/1 "
              "in 4 cases. Complete responses were seen in 5 patients, representing 41.7%. "
              "Partial response\tNo response")
    measures = [s._.value["measure"] for s in spans(doc, "OUTCOME")]
    assert measures == ["DLQI", "CDLQI", "POEM", "SALT≤20", "IGA 0/1", "complete response",
                        "partial response", "no response"]
    complete = [s for s in spans(doc, "OUTCOME") if s._.value["measure"] == "complete response"]
    assert complete[0]._.value["value"] == 41.7
    assert spans(doc, "OUTCOME")[0]._.value["timepoint"] == "week 12"


def test_outcome_standalone_statistics(nlp: Language) -> None:
    doc = nlp("By week 4, 40% of patients reported less itch reduction. "
              "The groups differed (P = .003; 95% CI, 1.2-3.4).")
    found = spans(doc, "OUTCOME")
    assert [s.text for s in found] == ["40%", "P = .003", "95% CI, 1.2-3.4"]
    bracketed = only(nlp("Risk fell (95% CI [0.5 to 0.9]) overall."), "OUTCOME")
    assert bracketed.text == "95% CI [0.5 to 0.9]" and bracketed._.value["ci"] == [0.5, 0.9]
    assert found[0]._.value["timepoint"] == "week 4" and found[0]._.value["measure"] is None
    assert found[1]._.value["p_value"] == 0.003
    assert found[2]._.value["ci"] == [1.2, 3.4]


def test_outcome_skips_non_outcome_percentages(nlp: Language) -> None:
    doc = nlp("The disease affects 15%-20% of children. It led to a 50% down titration.")
    assert texts(doc, "OUTCOME") == []


# --- offsets, properties, speed guards ---------------------------------------------------

def test_candidates_align_and_do_not_overlap_within_a_label(nlp: Language) -> None:
    text = ("Baricitinib 4mg/day (orally) for a median 21-month regimen; methotrexate "
            "15mg/week subcutaneous; ruxolitinib 20mg/12h; EASI-75 in 87.5% at week 16.")
    doc = nlp(text)
    cands = list(doc.spans[CANDIDATES])
    assert {s.label_ for s in cands} == {"DOSE", "FREQUENCY", "ROUTE", "DURATION", "OUTCOME"}
    for label in {s.label_ for s in cands}:
        covered = [i for s in spans(doc, label) for i in range(s.start, s.end)]
        assert len(covered) == len(set(covered))
    for s in cands:
        assert text[s.start_char:s.end_char] == s.text


def test_dose_percentage_after_a_drug_candidate(nlp: Language) -> None:
    from extractor.nlp.extensions import add_candidate
    from extractor.nlp.patterns import PatternRules
    doc = nlp.make_doc("tacrolimus 0.1% twice daily")
    PatternRules(("DOSE",))(doc)
    assert texts(doc, "DOSE") == []  # a bare percentage is no dose
    add_candidate(doc, Span(doc, 0, 1, label="DRUG"), "lexicon:drug")
    PatternRules(("DOSE",))(doc)
    assert texts(doc, "DOSE") == ["0.1%"]


ALPHABET = st.sampled_from(list("abcdefgimnopqrstuwxyzAEINRSTV0123456789 .,;:/%-–()<=≥\t\n")
                           + ["mg", "µg", "mg/kg", "daily", "every ", "week", "EASI-", "p <",
                              "95% CI", "oral", "IV", "for ", "months", "bid", "from ", " to ",
                              "respectively", "Complete response", "İ", "ß"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_random_text_never_crashes_and_offsets_hold(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert doc.text == text
    for s in doc.spans.get(CANDIDATES, []):
        assert s.text == doc.text[s.start_char:s.end_char]
        assert s.label_ in {"DOSE", "FREQUENCY", "ROUTE", "DURATION", "OUTCOME"}
        # spaCy keeps span extension values per offsets, not per label: a FREQUENCY and an
        # OUTCOME span over the same characters ("EASI-bid") share one found_by list
        assert f"pattern:{s.label_.lower()}" in s._.found_by
        assert all(f.startswith("pattern:") for f in s._.found_by)
        assert isinstance(s._.value, dict)


def _gated_rules() -> list[tuple[str, object, bool, object, units.Gate]]:
    rules: list[tuple[str, object, bool, object, units.Gate]] = [
        (f"freq {i}", rx, True, units.word_start, g)
        for i, (rx, _, g) in enumerate(frequency._RULES) if g is not None
    ]
    rules.append(("route", route._WORDS, True, route._free_start, route._WORD_GATE))
    rules.append(("before", duration._BEFORE, True, units.word_start, duration._BEFORE_GATE))
    rules.append(("after", duration._AFTER, True, units.word_start, duration._UNIT_GATE))
    for i, g in outcome._MEASURE_GATES.items():
        rx, _, on_low = outcome._MEASURES[i]
        rules.append((f"measure {i}", rx, on_low, outcome._free_start, g))
    rules.append(("percent", outcome._PERCENT, False, outcome._free_start,
                  outcome._PERCENT_GATE))
    rules.append(("p", outcome._P_VALUE, False, units.word_start, outcome._P_GATE))
    rules.append(("time", outcome._TIMEPOINT, True, units.word_start, outcome._TIME_GATE))
    return rules


def _assert_gates_exact(text: str) -> None:
    low = units.lower_same_length(text)
    for name, rx, on_low, ok, gate in _gated_rules():
        s = low if on_low else text
        full = [(m.start(), m.end()) for m in units.scan(rx, s, ok)]  # type: ignore[arg-type]
        gated = [(m.start(), m.end()) for m in units.scan(rx, s, ok, gate)]  # type: ignore[arg-type]
        assert gated == full, name


def test_keyword_gates_find_what_the_full_scan_finds() -> None:
    _assert_gates_exact(
        "Three times weekly, twice every other week, once daily; 5 mg as needed, 600 mg once. "
        "Peak pruritus NRS, itch NRS, children's dermatology life quality index, patient-"
        "oriented eczema measure, severity of alopecia tool, investigator's global assessment, "
        "transitory partial response, primary treatment failure, no significant improvement. "
        "For a median time of 16 months, a 21-month regimen, 3 to 6 weeks of therapy; 87.5% "
        "and 15%–20%; p<0.05, P = .003; as early as week 2, up to 16 weeks. Orally, per os.")


def test_keyword_gates_on_the_seeds() -> None:
    folder = shared_path("seeds")
    for path in sorted(folder.glob("*.txt")):
        _assert_gates_exact(path.read_text(encoding="utf-8"))


def test_lower_same_length_keeps_offsets() -> None:
    text = "İstanbul MG ß"
    low = units.lower_same_length(text)
    assert len(low) == len(text) and low.endswith("mg ß")


def test_lower_same_length_folds_journal_numerals() -> None:
    text = "İ p<0\u00b70001, \u22122 MG"
    low = units.lower_same_length(text)
    assert len(low) == len(text) and low.endswith("p<0.0001, -2 mg")


# --- the seeds ---------------------------------------------------------------------------

def _seed(name: str) -> str:
    from extractor import parse
    paths = sorted(shared_path("seeds").glob(f"{name}_*.txt"))
    if not paths:
        pytest.skip(f"seed {name} is absent")
    return parse(paths[0]).text


def test_seed_000_easi_responses_at_week_16(nlp: Language) -> None:
    doc = nlp(_seed("000"))
    by_measure = {s._.value["measure"]: s._.value for s in spans(doc, "OUTCOME")
                  if s._.value["value"] is not None}
    assert by_measure["EASI-50"]["value"] == 100.0
    assert by_measure["EASI-75"]["value"] == 87.5
    assert by_measure["EASI-90"]["value"] == 37.5
    assert {by_measure[m]["timepoint"] for m in ("EASI-50", "EASI-75", "EASI-90")} == {"week 16"}
    assert by_measure["pp-NRS"]["baseline"] == 8.0 and by_measure["pp-NRS"]["value"] == 1.0


def test_seed_004_doses_frequencies_and_typo(nlp: Language) -> None:
    doc = nlp(_seed("004"))
    doses = spans(doc, "DOSE")
    typo = [s for s in doses if s.text == "15 smg"]
    assert typo and typo[0]._.value == {"value": 15.0, "value_max": None, "unit": "mg"}
    freqs = {s.text: s._.value["per_day"] for s in spans(doc, "FREQUENCY")}
    assert freqs["/12h"] == 2.0 and freqs["twice daily"] == 2.0
    assert freqs["every other week"] == 0.0714 and freqs["/14 days"] == 0.0714
    # every baricitinib dose in the table is 4 mg
    assert all(s.text == "4mg" for s in doses if s.doc[s.start - 1].text == "Baricitinib")
    assert "oral" not in [s.text for s in spans(doc, "ROUTE")
                          if "herpes" in s.sent.text.lower()]


# --- journal numerals, ranges and per-body units (issue 13) -------------------------------

@pytest.mark.parametrize("text, span, value, value_max, unit", [
    ("methylprednisolone 0\u00b75 mg/kg", "0\u00b75 mg/kg", 0.5, None, "mg/kg"),
    ("prednisone 10\u201320 mg daily", "10\u201320 mg", 10.0, 20.0, "mg"),
    ("prednisone 10\u201420 mg daily", "10\u201420 mg", 10.0, 20.0, "mg"),
    ("prednisone 10 mg to 20 mg daily", "10 mg to 20 mg", 10.0, 20.0, "mg"),
    ("carboplatin 1\u00b75\u20132\u00b70 mg/m\u00b2", "1\u00b75\u20132\u00b70 mg/m\u00b2", 1.5,
     2.0, "mg/m²"),
    ("docetaxel 75 mg/m2 every 3 weeks", "75 mg/m2", 75.0, None, "mg/m²"),
    ("epoprostenol 2 ng/kg/min intravenously", "2 ng/kg/min", 2.0, None, "ng/kg/min"),
    ("heparin 18 units/kg/h", "18 units/kg/h", 18.0, None, "units/kg/h"),
    ("fentanyl 1 mcg/kg", "1 mcg/kg", 1.0, None, "µg/kg"),
    ("saline 20 mL/kg", "20 mL/kg", 20.0, None, "mL/kg"),
    ("prednisone between 10 and 20 mg daily", "10 and 20 mg", 10.0, 20.0, "mg"),
    ("ketamine 3 mg per kg", "3 mg per kg", 3.0, None, "mg/kg"),
])
def test_dose_journal_numerals_ranges_and_units(nlp: Language, text: str, span: str,
                                                value: float, value_max: float | None,
                                                unit: str) -> None:
    dose = only(nlp(text), "DOSE")
    assert dose.text == span
    assert dose._.value == {"value": value, "value_max": value_max, "unit": unit}


def test_dose_per_kg_per_day_keeps_its_frequency(nlp: Language) -> None:
    doc = nlp("Azathioprine 2 mg/kg/day was started.")
    assert texts(doc, "DOSE") == ["2 mg/kg"]
    assert only(doc, "FREQUENCY")._.value == {"per_day": 1.0}


def test_p_value_and_ci_with_raised_points_and_unicode_minus(nlp: Language) -> None:
    doc = nlp("EASI-75 was reached by 45\u00b72% of patients (p<0\u00b70001; 95% CI "
              "\u22121\u00b72 to \u22120\u00b74).")
    easi = only(doc, "OUTCOME")
    assert easi._.value["value"] == 45.2 and easi._.value["p_value"] == 0.0001
    assert easi._.value["ci"] == [-1.2, -0.4]


def test_duration_with_a_raised_point(nlp: Language) -> None:
    found = only(nlp("She was treated for 1\u00b75 years."), "DURATION")
    assert found.text == "1\u00b75 years" and found._.value["value"] == 1.5


def test_an_age_is_no_duration() -> None:
    from extractor.nlp.duration import find_durations

    assert find_durations("for the 16-year-old patient it was halved") == []
    assert [h.value["days"] for h in find_durations("given for 2 years to a 9 years old")] \
        == [730.5]
