"""Study-level record from hand-built EvidenceDocuments (invented text and mentions)."""

from __future__ import annotations

from typing import Any

import pytest

import extractor
from extractor.document import Section, Source
from extractor.evidence import (
    EvidenceDocument,
    Label,
    Mention,
    Normalized,
    Provenance,
    Record,
    Relation,
    RelationType,
)
from extractor.records import build_records
from extractor.records.fields import canonical_measure, canonical_timepoint
from extractor.records.study import find_design
from tests.conftest import EXAMPLES, shared_path


class Builder:
    """Mentions found left to right in an invented text, with relations between them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.mentions: list[Mention] = []
        self.relations: list[Relation] = []
        self.sections: list[Section] = []

    def add(self, label: Label, surface: str, *, name: str | None = None,
            value: dict[str, Any] | None = None, **flags: Any) -> str:
        start = self.text.index(surface, self.pos)
        self.pos = start + len(surface)
        mid = f"M{len(self.mentions) + 1}"
        self.mentions.append(Mention(
            id=mid, label=label, text=surface, start=start, end=start + len(surface),
            normalized=Normalized(name=name), value=value or {}, **flags))
        return mid

    def rel(self, type_: RelationType, head: str, tail: str) -> None:
        self.relations.append(Relation(type=type_, head=head, tail=tail))

    def section(self, title: str, heading: str) -> None:
        start = self.text.index(heading)
        self.sections.append(Section(title=title, start=start, end=len(self.text)))

    def build(self) -> EvidenceDocument:
        return EvidenceDocument(
            id="doc", source=Source(path="x.txt", format="text", sha256="0" * 64),
            text=self.text, sections=self.sections, mentions=self.mentions,
            relations=self.relations)


def study(b: Builder) -> Record:
    records = build_records(b.build())
    assert len(records) == 1
    record = records[0]
    assert record.id == "S1" and record.level == "study" and record.summarizes == []
    return record


# --- design -----------------------------------------------------------------------------------


def test_design_phrases() -> None:
    assert find_design("This retrospective observational study evaluated 20 adults.") == \
        "retrospective observational study"
    assert find_design("We conducted a retrospective review of charts.") == "retrospective study"
    assert find_design("A randomized, double-blind, placebo-controlled trial of drug X.") == \
        "randomized controlled trial"
    assert find_design("We describe a case series of 7 patients.") == "case series"
    assert find_design("In this open-label pilot trial, 40 adults ...") == "open-label trial"
    assert find_design("Further prospective studies are needed.") is None
    # the earliest phrase wins
    assert find_design("A prospective cohort study. Unlike earlier case reports, ...") == \
        "prospective cohort study"


def test_design_ignores_references() -> None:
    text = ("We report 3 patients treated with drug X.\nReferences\n"
            "1. Doe J. A randomized controlled trial of drug X. J Invented Med. 2020.")
    b = Builder(text)
    b.section("References", "References")
    record = study(b)
    assert record.design is None
    assert record.population.n == 3


# --- population -------------------------------------------------------------------------------


def test_population_from_text() -> None:
    text = ("We identified a total of 18 patients (mean age, 43 years; 7 men and 11 women) with "
            "alopecia areata. A total of 15 patients received baricitinib. Twelve of these "
            "patients had alopecia areata and 3 patients had atopic dermatitis.")
    b = Builder(text)
    b.add("CONDITION", "alopecia areata")
    b.add("DRUG", "baricitinib")
    b.add("CONDITION", "alopecia areata")
    b.add("CONDITION", "atopic dermatitis")
    pop = study(b).population
    assert (pop.n, pop.age_mean, pop.age_median, pop.male, pop.female) == (18, 43.0, None, 7, 11)
    assert pop.condition == "alopecia areata"
    assert pop.text is not None and pop.text.startswith("We identified a total of 18 patients")


def test_population_number_words_median_age_and_condition_rules() -> None:
    text = ("Sixteen patients were enrolled (median age 34.5 years; 10 males). None had psoriasis "
            "or nail psoriasis and one had a history of asthma; AD was severe in all, and AD was "
            "refractory.")
    b = Builder(text)
    b.add("CONDITION", "psoriasis", negated=True)
    b.add("CONDITION", "psoriasis", negated=True)  # negated twice: still not the condition
    b.add("CONDITION", "asthma", historical=True)
    b.add("CONDITION", "AD", name="atopic dermatitis")
    b.add("CONDITION", "AD", name="atopic dermatitis")
    pop = study(b).population
    assert (pop.n, pop.age_median, pop.age_mean, pop.male, pop.female) == (16, 34.5, None, 10, None)
    assert pop.condition == "atopic dermatitis"


def test_case_report_has_one_patient() -> None:
    record = study(Builder("We report a case of a woman with chronic urticaria."))
    assert record.design == "case report" and record.population.n == 1


# --- interventions ----------------------------------------------------------------------------


def test_interventions_with_their_most_frequent_modifiers() -> None:
    text = ("Patients received baricitinib 4 mg daily; one received baricitinib 2 mg daily, one "
            "baricitinib 4 mg daily, and MTX 15 mg weekly orally for 6 months. Previously failed: "
            "cyclosporine. No patient received dupilumab.")
    b = Builder(text)
    for mg in (4, 2, 4):
        drug = b.add("DRUG", "baricitinib")
        dose = {"value": float(mg), "value_max": None, "unit": "mg"}
        b.rel("dose_of", b.add("DOSE", f"{mg} mg", value=dose), drug)
        b.rel("frequency_of", b.add("FREQUENCY", "daily", value={"per_day": 1.0}), drug)
    mtx = b.add("DRUG", "MTX", name="methotrexate")
    b.rel("dose_of", b.add("DOSE", "15 mg", value={"value": 15.0, "unit": "mg"}), mtx)
    b.rel("frequency_of", b.add("FREQUENCY", "weekly", value={"per_day": 1 / 7}), mtx)
    b.rel("route_of", b.add("ROUTE", "orally", value={"route": "oral"}), mtx)
    b.rel("duration_of", b.add("DURATION", "for 6 months",
                               value={"value": 6.0, "unit": "month", "days": 182.5}), mtx)
    b.add("DRUG", "cyclosporine", historical=True)
    b.add("DRUG", "dupilumab", negated=True)
    interventions = study(b).interventions
    assert [i.drug.name for i in interventions] == ["baricitinib", "methotrexate"]
    bari, mtx_i = interventions
    assert bari.drug.mention == "M1"
    assert bari.dose is not None and (bari.dose.value, bari.dose.unit, bari.dose.text) == \
        (4.0, "mg", "4 mg")
    assert bari.frequency is not None and bari.frequency.per_day == 1.0
    assert bari.route is None and bari.duration is None
    assert mtx_i.route is not None and mtx_i.route.name == "oral"
    assert mtx_i.duration is not None and mtx_i.duration.days == 182.5
    assert mtx_i.frequency is not None and abs((mtx_i.frequency.per_day or 0) - 1 / 7) < 1e-9


# --- outcomes ---------------------------------------------------------------------------------


def _respectively_text() -> str:
    return ("After 16 weeks, 100%, 87.5%, and 37.5% of patients achieved EASI 50, EASI 75, and "
            "EASI 90 responses, respectively. Median itch scores (pp-NRS) fell from 8.00 to 1.00 "
            "(p < 0.05). Affecting 15% of adults, the disease is common.")


def test_outcomes_as_parsed_by_the_pattern_rules() -> None:
    # the shape extractor/nlp/outcome.py gives: values, changes and timepoints on the measure
    text = _respectively_text()
    b = Builder(text)

    def at(s: str) -> dict[str, Any]:
        start = text.index(s)
        return {"value_start": start, "value_end": start + len(s)}

    b.add("OUTCOME", "EASI 50", value={"measure": "EASI-50", "value": 100.0, "unit": "%",
                                       "timepoint": "week 16", **at("100%")})
    b.add("OUTCOME", "EASI 75", value={"measure": "EASI-75", "value": 87.5, "unit": "%",
                                       "timepoint": "week 16", **at("87.5%")})
    b.add("OUTCOME", "EASI 90", value={"measure": "EASI-90", "value": 37.5, "unit": "%",
                                       "timepoint": "week 16", **at("37.5%")})
    b.add("OUTCOME", "pp-NRS", value={"measure": "pp-NRS", "value": 1.0, "unit": None,
                                      "baseline": 8.0, "timepoint": None, "p_value": 0.05,
                                      **at("from 8.00 to 1.00")})
    b.add("OUTCOME", "p < 0.05", value={"measure": None, "value": None, "p_value": 0.05})
    outcomes = study(b).outcomes
    assert [(o.measure, o.value, o.unit, o.timepoint) for o in outcomes] == [
        ("EASI-50", 100.0, "%", "week 16"), ("EASI-75", 87.5, "%", "week 16"),
        ("EASI-90", 37.5, "%", "week 16"), ("pp-NRS", -7.0, "change", None),
    ]
    assert outcomes[0].text == "100%, 87.5%, and 37.5% of patients achieved EASI 50"
    assert outcomes[3].text == "pp-NRS) fell from 8.00 to 1.00"
    assert [o.mention for o in outcomes] == ["M1", "M2", "M3", "M4"]


def test_outcomes_paired_in_the_record_when_mentions_carry_no_values() -> None:
    b = Builder(_respectively_text())
    for surface in ("100%", "87.5%", "37.5%", "EASI 50", "EASI 75", "EASI 90", "pp-NRS",
                    "p < 0.05", "15%"):
        b.add("OUTCOME", surface)
    outcomes = study(b).outcomes
    got = [(o.measure, o.value, o.unit, o.timepoint) for o in outcomes]
    assert got == [
        ("EASI-50", 100.0, "%", "week 16"), ("EASI-75", 87.5, "%", "week 16"),
        ("EASI-90", 37.5, "%", "week 16"), ("pp-NRS", -7.0, "change", None),
    ]
    text = _respectively_text()
    for o in outcomes:
        assert o.text in text and o.mention is not None
    assert outcomes[3].text == "pp-NRS) fell from 8.00 to 1.00"


def test_outcomes_from_bare_mentions_and_nearest_measure() -> None:
    text = ("Complete responses were achieved in 11 patients, representing 61.1%. "
            "At week 24, SALT was assessed.\nTable row\tComplete response\t")
    b = Builder(text)
    b.add("OUTCOME", "Complete responses")
    b.add("OUTCOME", "61.1%")
    b.add("OUTCOME", "week 24")
    b.add("OUTCOME", "SALT")
    b.add("OUTCOME", "Complete response", source=Provenance(kind="table", table="T1", row=1))
    outcomes = study(b).outcomes
    assert [(o.measure, o.value, o.unit, o.timepoint) for o in outcomes] == [
        ("complete response", 61.1, "%", None), ("SALT", None, None, "week 24")]


def test_measure_without_value_is_dropped_when_a_value_exists() -> None:
    text = ("DLQI was assessed at baseline. DLQI was 4 at week 16. POEM was assessed. POEM was "
            "assessed again at week 16.")
    b = Builder(text)
    b.add("OUTCOME", "DLQI", value={"measure": "DLQI"})
    b.add("OUTCOME", "DLQI", value={"measure": "DLQI", "value": 4.0, "timepoint": "week 16"})
    b.add("OUTCOME", "POEM", value={"measure": "POEM", "timepoint": None})
    b.add("OUTCOME", "POEM", value={"measure": "POEM", "timepoint": "week 16"})
    assert [(o.measure, o.value, o.timepoint) for o in study(b).outcomes] == [
        ("DLQI", 4.0, "week 16"), ("POEM", None, "week 16")]


def test_canonical_forms() -> None:
    assert canonical_timepoint("after 16 weeks") == "week 16"
    assert canonical_timepoint("Week16") == "week 16"
    assert canonical_timepoint("month 6") == "month 6"
    assert canonical_timepoint("baseline") is None
    assert canonical_measure("EASI 75") == "EASI-75"
    assert canonical_measure("Partial responses") == "partial response"
    assert canonical_measure("pp-NRS") == "pp-NRS"


# --- adverse events ---------------------------------------------------------------------------


def test_adverse_events_observed_absent_and_deduplicated() -> None:
    text = ("Nausea (dupilumab). Nausea (dupilumab). Lymphopenia and herpes (baricitinib). "
            "Mild lymphopenia was seen. No venous thromboembolism was reported. "
            "She had a history of neutropenia. Acne was seen. No nausea occurred.")
    b = Builder(text)
    for _ in range(2):
        ae = b.add("ADVERSE_EVENT", "Nausea")
        b.rel("adverse_event_of", ae, b.add("DRUG", "dupilumab"))
    lym = b.add("ADVERSE_EVENT", "Lymphopenia")
    her = b.add("ADVERSE_EVENT", "herpes", name="herpes simplex")
    bari = b.add("DRUG", "baricitinib")
    b.rel("adverse_event_of", lym, bari)
    b.rel("adverse_event_of", her, bari)
    b.add("ADVERSE_EVENT", "lymphopenia")
    b.add("ADVERSE_EVENT", "venous thromboembolism", negated=True)
    b.add("ADVERSE_EVENT", "neutropenia", historical=True)
    b.add("ADVERSE_EVENT", "Acne")
    b.add("ADVERSE_EVENT", "nausea", negated=True)
    events = study(b).adverse_events
    # "Mild lymphopenia was seen" (no drug) adds nothing to lymphopenia (baricitinib)
    assert [(e.term, e.drug, e.negated) for e in events] == [
        ("nausea", "dupilumab", False), ("lymphopenia", "baricitinib", False),
        ("herpes simplex", "baricitinib", False), ("venous thromboembolism", None, True),
        ("acne", None, False), ("nausea", None, True),
    ]
    assert events[0].mention == "M1" and events[2].text == "herpes"


def test_empty_document() -> None:
    record = study(Builder(""))
    assert record.design is None and record.population.n is None
    assert record.interventions == [] and record.outcomes == [] and record.adverse_events == []


# --- text-only fields on real parsed documents --------------------------------------------------

@pytest.mark.parametrize(("name", "design", "population"), [
    # checked by hand against the invented example articles (corpus/examples/README.md)
    ("case_series_dupilumab_jak.html", "case series",
     {"n": 7, "age_median": 38.0, "male": 3, "female": 4}),
    ("jak_methotrexate_alopecia.xml", "retrospective case series",
     {"n": 8, "age_mean": 34.6, "male": 3, "female": 5}),
    ("trial_summary_pagedump.txt", "open-label trial", {"n": 40}),
])
def test_design_and_population_of_the_examples(name: str, design: str,
                                               population: dict[str, Any]) -> None:
    document = extractor.parse(EXAMPLES / name)
    record = build_records(EvidenceDocument(**document.model_dump()))[0]
    assert record.design == design
    _assert_population(document, record.population, population)


@pytest.mark.parametrize(("name", "design", "population"), [
    # the seeds (../shared/seeds), checked by hand against their Methods paragraphs
    ("000_dfa2d53c89d0a9d2.txt", "retrospective observational study", {"n": 16}),
    ("004_874d326f4a28e356.txt", "retrospective study",
     {"n": 18, "age_mean": 43.0, "male": 7, "female": 11}),
])
def test_design_and_population_of_the_seeds(name: str, design: str,
                                            population: dict[str, Any]) -> None:
    document = extractor.parse(shared_path("seeds", name))
    record = build_records(EvidenceDocument(**document.model_dump()))[0]
    assert record.design == design
    _assert_population(document, record.population, population)


def _assert_population(document: Any, got: Any, want: dict[str, Any]) -> None:
    """The hand-checked fields, and the sentence that states each of them."""
    fields = got.model_dump(exclude_none=True, exclude={"text", "evidence"})
    assert {k: fields.get(k) for k in want} == want
    for key in want:
        proof = got.evidence[key]
        assert document.text[proof.start:proof.end] == proof.text


# --- facts about this study's own patients (status, roles, evidence) ---------------------------


def test_only_given_drugs_are_interventions_and_only_given_drugs_cause_events() -> None:
    text = ("Zorbamycin is known to cause rash. The patient received quellomab 5 mg daily. "
            "No zorbamycin was given. She developed neutropenia after quellomab.")
    b = Builder(text)
    z1 = b.add("DRUG", "Zorbamycin", name="zorbamycin", status="background")
    rash = b.add("ADVERSE_EVENT", "rash", status="background")
    b.rel("adverse_event_of", rash, z1)
    q = b.add("DRUG", "quellomab", name="quellomab", status="given")
    b.rel("dose_of", b.add("DOSE", "5 mg", value={"value": 5.0, "unit": "mg"}), q)
    z2 = b.add("DRUG", "zorbamycin", name="zorbamycin", status="not_given", negated=True)
    neut = b.add("ADVERSE_EVENT", "neutropenia", status="present")
    b.rel("adverse_event_of", neut, b.add("DRUG", "quellomab", name="quellomab",
                                          status="given"))
    b.rel("adverse_event_of", neut, z2)  # a wrong link to a drug never given
    record = study(b)
    assert [i.drug.name for i in record.interventions] == ["quellomab"]
    dose = record.interventions[0].dose
    assert dose is not None and dose.evidence is not None
    assert dose.evidence.text == "The patient received quellomab 5 mg daily."
    assert text[dose.evidence.start:dose.evidence.end] == dose.evidence.text
    assert [(e.term, e.drug) for e in record.adverse_events] == [("neutropenia", "quellomab")]
    assert record.adverse_events[0].evidence is not None


def test_background_sections_are_not_this_study() -> None:
    text = ("Introduction\nEarlier trials enrolled 500 patients given zorbamycin.\n"
            "Methods\nWe enrolled 40 patients.")
    b = Builder(text)
    b.add("DRUG", "zorbamycin", status="given")  # wrongly given: the section still excludes it
    intro_end = text.index("Methods")
    b.sections = [Section(title="Introduction", start=0, end=intro_end, role="introduction"),
                  Section(title="Methods", start=intro_end, end=len(text), role="methods")]
    record = study(b)
    assert record.interventions == []
    assert (record.population.n, record.population.n_enrolled) == (40, 40)
    assert record.population.evidence["n"].text == "We enrolled 40 patients."


def test_evidence_column_quotes_each_sentence_once() -> None:
    from extractor.records.export import columns, evidence_rows

    text = "We enrolled 12 patients. All received quellomab 5 mg daily."
    b = Builder(text)
    q = b.add("DRUG", "quellomab", name="quellomab", status="given")
    b.rel("dose_of", b.add("DOSE", "5 mg", value={"value": 5.0, "unit": "mg"}), q)
    doc = b.build()
    doc.records = build_records(doc)
    rows = evidence_rows([doc], provenance=True)
    assert columns(True)[-1] == "evidence" and "evidence" not in columns(False)
    assert rows[0]["evidence"] == "We enrolled 12 patients. | All received quellomab 5 mg daily."


def test_arm_event_counts_show_in_the_evidence_table() -> None:
    from extractor.evidence import AdverseEvent
    from extractor.records.export import evidence_rows

    doc = Builder("x").build()
    doc.records = [Record(id="A1", level="arm", adverse_events=[
        AdverseEvent(term="nausea", text="5 (10.6)", count=5, arm_n=47, percent=10.6),
        AdverseEvent(term="rash", text="0", count=0, arm_n=47, percent=0.0, negated=True)])]
    assert evidence_rows([doc])[0]["adverse_events"] == "nausea 5/47 (10.6%); no rash 0/47 (0%)"
