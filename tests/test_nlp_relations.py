"""Relations component on hand-built Docs: entities are set by hand (label + text), the
pipeline's tokenizer and sentence splitter give tokens and sentences. Invented sentences."""

from __future__ import annotations

import time

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

import extractor
from extractor.evidence import EvidenceDocument, Mention
from extractor.nlp.relations import (
    ADE_SENTENCES,
    extract_relations,
    main_intervention,
    relations_component,
)
from extractor.pipeline import Pipeline
from tests.conftest import EXAMPLES, partial_nlp, shared_path

Ent = tuple[str, str] | tuple[str, str, dict[str, object]]


@pytest.fixture(scope="module")
def nlp() -> Language:
    """The pipeline's tokenizer and sentences; entities are placed by each test."""
    return partial_nlp("extractor_sentences")


def annotate(nlp: Language, text: str, ents: list[Ent]) -> Doc:
    """Run ``nlp`` with ``ents`` (label, exact text[, extension values]) found left to right."""
    doc = nlp(text)  # tokens and sentences
    spans: list[Span] = []
    pos = 0
    for ent in ents:
        label, surface = ent[0], ent[1]
        start = text.index(surface, pos)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, f"{surface!r} is not on token boundaries"
        for key, value in (ent[2] if len(ent) == 3 else {}).items():
            setattr(span._, key, value)
        spans.append(span)
        pos = start + len(surface)
    doc.ents = spans
    return relations_component(doc)


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    return {(rel, head.text, tail.text) for rel, head, tail in doc._.relations}


def heads_of(doc: Doc, rel: str, tail_start_char: int) -> set[str]:
    return {h.text for r, h, t in doc._.relations if r == rel and t.start_char == tail_start_char}


# --- doses, frequencies, routes, durations ----------------------------------------------------


def test_dose_and_frequency_follow_their_drug(nlp: Language) -> None:
    doc = annotate(nlp, "He was switched to ruxolitinib 20mg twice daily.",
                   [("DRUG", "ruxolitinib"), ("DOSE", "20mg"), ("FREQUENCY", "twice daily")])
    assert triples(doc) == {("dose_of", "20mg", "ruxolitinib"),
                            ("frequency_of", "twice daily", "ruxolitinib")}


def test_route_in_parentheses_and_two_drugs_keep_their_own_doses(nlp: Language) -> None:
    doc = annotate(
        nlp, "She took Methotrexate 15mg/week (orally) plus baricitinib 4mg/day.",
        [("DRUG", "Methotrexate"), ("DOSE", "15mg"), ("FREQUENCY", "/week"),
         ("ROUTE", "orally"), ("DRUG", "baricitinib"), ("DOSE", "4mg"), ("FREQUENCY", "/day")],
    )
    assert triples(doc) == {
        ("dose_of", "15mg", "Methotrexate"), ("frequency_of", "/week", "Methotrexate"),
        ("route_of", "orally", "Methotrexate"),
        ("dose_of", "4mg", "baricitinib"), ("frequency_of", "/day", "baricitinib"),
    }


def test_route_before_the_drug_belongs_to_the_next_drug(nlp: Language) -> None:
    doc = annotate(
        nlp, "He remained on tacrolimus 2.5mg/day plus oral prednisone 5mg/day.",
        [("DRUG", "tacrolimus"), ("DOSE", "2.5mg"), ("FREQUENCY", "/day"), ("ROUTE", "oral"),
         ("DRUG", "prednisone"), ("DOSE", "5mg"), ("FREQUENCY", "/day")],
    )
    got = triples(doc)
    assert ("route_of", "oral", "prednisone") in got
    assert ("route_of", "oral", "tacrolimus") not in got
    assert ("dose_of", "5mg", "prednisone") in got and ("dose_of", "2.5mg", "tacrolimus") in got
    doc = annotate(nlp, "We prescribed subcutaneous methotrexate.",
                   [("ROUTE", "subcutaneous"), ("DRUG", "methotrexate")])
    assert triples(doc) == {("route_of", "subcutaneous", "methotrexate")}


def test_dose_words_between_drug_and_dose(nlp: Language) -> None:
    doc = annotate(
        nlp, "Treatment was upadacitinib at a dose of 15mg/day for a median 20 months.",
        [("DRUG", "upadacitinib"), ("DOSE", "15mg"), ("FREQUENCY", "/day"),
         ("DURATION", "for a median 20 months")],
    )
    assert {t for r, h, t in triples(doc)} == {"upadacitinib"}
    assert len(doc._.relations) == 3


def test_duration_closes_a_coordinated_pair(nlp: Language) -> None:
    text = ("The combination included dupilumab 300mg every 14 days and cyclosporine 100mg "
            "twice a day for 6 months.")
    doc = annotate(nlp, text, [
        ("DRUG", "dupilumab"), ("DOSE", "300mg"), ("FREQUENCY", "every 14 days"),
        ("DRUG", "cyclosporine"), ("DOSE", "100mg"), ("FREQUENCY", "twice a day"),
        ("DURATION", "for 6 months"),
    ])
    got = triples(doc)
    assert ("duration_of", "for 6 months", "dupilumab") in got
    assert ("duration_of", "for 6 months", "cyclosporine") in got
    # doses never spread to the other drug of the pair
    assert ("dose_of", "300mg", "dupilumab") in got and ("dose_of", "100mg", "cyclosporine") in got
    assert ("dose_of", "100mg", "dupilumab") not in got
    assert ("frequency_of", "every 14 days", "cyclosporine") not in got


def test_duration_opens_a_coordinated_pair(nlp: Language) -> None:
    doc = annotate(
        nlp, "One man was treated for 6 months with upadacitinib 30mg/day and prednisone 10mg.",
        [("DURATION", "for 6 months"), ("DRUG", "upadacitinib"), ("DOSE", "30mg"),
         ("FREQUENCY", "/day"), ("DRUG", "prednisone"), ("DOSE", "10mg")],
    )
    got = triples(doc)
    assert {t for r, h, t in got if r == "duration_of"} == {"upadacitinib", "prednisone"}
    assert ("dose_of", "10mg", "prednisone") in got and ("dose_of", "30mg", "upadacitinib") in got


def test_duration_does_not_spread_over_a_new_clause(nlp: Language) -> None:
    doc = annotate(
        nlp, "She had been on dupilumab 300mg every other week for 1 month and was then given "
        "upadacitinib 15mg/day.",
        [("DRUG", "dupilumab"), ("DOSE", "300mg"), ("FREQUENCY", "every other week"),
         ("DURATION", "for 1 month"), ("DRUG", "upadacitinib"), ("DOSE", "15mg"),
         ("FREQUENCY", "/day")],
    )
    got = triples(doc)
    assert {t for r, h, t in got if r == "duration_of"} == {"dupilumab"}
    assert ("dose_of", "15mg", "upadacitinib") in got


def test_regimen_before_the_drug(nlp: Language) -> None:
    doc = annotate(
        nlp, "Fifteen patients received a median 21-month regimen of baricitinib 4mg/day.",
        [("DURATION", "21-month regimen"), ("DRUG", "baricitinib"), ("DOSE", "4mg"),
         ("FREQUENCY", "/day")],
    )
    assert ("duration_of", "21-month regimen", "baricitinib") in triples(doc)


def test_modifiers_stay_in_their_sentence(nlp: Language) -> None:
    doc = annotate(nlp, "Baricitinib was started. Later, 4mg was given to another patient.",
                   [("DRUG", "Baricitinib"), ("DOSE", "4mg")])
    assert doc._.relations == []


def test_modifier_never_skips_over_a_drug(nlp: Language) -> None:
    doc = annotate(nlp, "Methotrexate was stopped and abrocitinib 100mg daily was started.",
                   [("DRUG", "Methotrexate"), ("DRUG", "abrocitinib"), ("DOSE", "100mg"),
                    ("FREQUENCY", "daily")])
    assert {t for r, h, t in triples(doc)} == {"abrocitinib"}


# --- adverse events ---------------------------------------------------------------------------


def test_parenthesized_attribution_covers_its_run_only(nlp: Language) -> None:
    text = "Hypercholesterolemia and hypertriglyceridemia (baricitinib), gout (methotrexate)"
    doc = annotate(nlp, text, [
        ("ADVERSE_EVENT", "Hypercholesterolemia"), ("ADVERSE_EVENT", "hypertriglyceridemia"),
        ("DRUG", "baricitinib"), ("ADVERSE_EVENT", "gout"), ("DRUG", "methotrexate"),
    ])
    assert triples(doc) == {
        ("adverse_event_of", "Hypercholesterolemia", "baricitinib"),
        ("adverse_event_of", "hypertriglyceridemia", "baricitinib"),
        ("adverse_event_of", "gout", "methotrexate"),
    }


def test_parenthesized_attribution_in_a_table_cell(nlp: Language) -> None:
    text = ("Woman\t44\tBaricitinib 4mg/day\t"
            "Lymphopenia and herpes simplex infection (baricitinib)\n")
    doc = annotate(nlp, text, [
        ("DRUG", "Baricitinib"), ("DOSE", "4mg"), ("FREQUENCY", "/day"),
        ("ADVERSE_EVENT", "Lymphopenia"), ("ADVERSE_EVENT", "herpes simplex infection"),
        ("DRUG", "baricitinib"),
    ])
    ae_links = {(h, t.start_char) for r, h, t in
                ((r, h.text, t) for r, h, t in doc._.relations) if r == "adverse_event_of"}
    paren = text.index("(baricitinib)") + 1
    assert ae_links == {("Lymphopenia", paren), ("herpes simplex infection", paren)}


def test_drug_apposition_in_parentheses_attributes_nothing(nlp: Language) -> None:
    doc = annotate(nlp, "Acne developed on a JAK inhibitor (baricitinib) and dupilumab.",
                   [("ADVERSE_EVENT", "Acne"), ("DRUG", "JAK inhibitor"), ("DRUG", "baricitinib"),
                    ("DRUG", "dupilumab")])
    # not as an attribution in parentheses (rule 1): the nearest drug of a sentence with an
    # AE cue, with the drug that names it again in parentheses; never the next drug
    assert triples(doc) == {("adverse_event_of", "Acne", "JAK inhibitor"),
                            ("adverse_event_of", "Acne", "baricitinib")}


def test_after_the_first_dose_of(nlp: Language) -> None:
    text = ("One patient on baricitinib 4mg/day and dupilumab experienced several days of nausea "
            "after the first dose of dupilumab.")
    doc = annotate(nlp, text, [
        ("DRUG", "baricitinib"), ("DOSE", "4mg"), ("FREQUENCY", "/day"), ("DRUG", "dupilumab"),
        ("ADVERSE_EVENT", "nausea"), ("DRUG", "dupilumab"),
    ])
    ae = [(h.text, t.start_char) for r, h, t in doc._.relations if r == "adverse_event_of"]
    assert ae == [("nausea", text.rindex("dupilumab"))]


@pytest.mark.parametrize(("text", "ents", "expected"), [
    ("Hepatitis induced by methotrexate was reported.",
     [("ADVERSE_EVENT", "Hepatitis"), ("DRUG", "methotrexate")], ("Hepatitis", "methotrexate")),
    ("Neutropenia due to upadacitinib required a dose reduction.",
     [("ADVERSE_EVENT", "Neutropenia"), ("DRUG", "upadacitinib")], ("Neutropenia", "upadacitinib")),
    ("Oral herpes recurred 12 months into baricitinib while on prednisone.",
     [("ADVERSE_EVENT", "Oral herpes"), ("DRUG", "baricitinib"), ("DRUG", "prednisone")],
     ("Oral herpes", "baricitinib")),
    ("Upadacitinib caused acne in two patients treated with dupilumab.",
     [("DRUG", "Upadacitinib"), ("ADVERSE_EVENT", "acne"), ("DRUG", "dupilumab")],
     ("acne", "Upadacitinib")),
    ("Prednisone induced hyperglycemia resolved.",
     [("DRUG", "Prednisone"), ("ADVERSE_EVENT", "hyperglycemia")], ("hyperglycemia", "Prednisone")),
])
def test_explicit_cues(nlp: Language, text: str, ents: list[Ent],
                       expected: tuple[str, str]) -> None:
    doc = annotate(nlp, text, ents)
    assert {(h, t) for r, h, t in triples(doc) if r == "adverse_event_of"} == {expected}


def test_nearest_drug_only_when_the_sentence_has_an_ae_cue(nlp: Language) -> None:
    doc = annotate(nlp, "Two months after starting abrocitinib she developed acne.",
                   [("DRUG", "abrocitinib"), ("ADVERSE_EVENT", "acne")])
    assert triples(doc) == {("adverse_event_of", "acne", "abrocitinib")}
    doc = annotate(nlp, "Acne and abrocitinib are discussed in this review.",
                   [("ADVERSE_EVENT", "Acne"), ("DRUG", "abrocitinib")])
    assert triples(doc) == set()


def test_fallback_takes_the_regimen_before_and_not_a_consequence_after(nlp: Language) -> None:
    doc = annotate(
        nlp, "A woman treated with upadacitinib 30mg/day and prednisone 10mg developed acne.",
        [("DRUG", "upadacitinib"), ("DOSE", "30mg"), ("FREQUENCY", "/day"),
         ("DRUG", "prednisone"), ("DOSE", "10mg"), ("ADVERSE_EVENT", "acne")])
    assert {t for r, h, t in triples(doc) if r == "adverse_event_of"} == {
        "upadacitinib", "prednisone"}
    doc = annotate(
        nlp, "In two cases, mild lymphopenia was observed, leading to a switch to abrocitinib.",
        [("ADVERSE_EVENT", "lymphopenia"), ("DRUG", "abrocitinib")])
    assert triples(doc) == set()
    doc = annotate(nlp, "Headache was reported with abrocitinib.",
                   [("ADVERSE_EVENT", "Headache"), ("DRUG", "abrocitinib")])
    assert triples(doc) == {("adverse_event_of", "Headache", "abrocitinib")}


def test_historical_ae_is_not_attributed_by_proximity(nlp: Language) -> None:
    doc = annotate(nlp, "Having developed neutropenia years ago, she now receives upadacitinib.",
                   [("ADVERSE_EVENT", "neutropenia", {"historical": True}),
                    ("DRUG", "upadacitinib")])
    assert triples(doc) == set()


def test_negated_list_without_a_drug_links_nothing(nlp: Language) -> None:
    doc = annotate(nlp, "No venous thromboembolism, pulmonary embolism or neoplasms were reported.",
                   [("ADVERSE_EVENT", "venous thromboembolism", {"negated": True}),
                    ("ADVERSE_EVENT", "pulmonary embolism", {"negated": True}),
                    ("ADVERSE_EVENT", "neoplasms", {"negated": True})])
    assert doc._.relations == []


# --- attribution (issue 13): cause cues, treats, blocked pairs, drug status -------------------


def ae_pairs(doc: Doc) -> set[tuple[str, str]]:
    return {(h, t) for r, h, t in triples(doc) if r == "adverse_event_of"}


@pytest.mark.parametrize(("text", "ents", "expected"), [
    # induced by / X-induced / X toxicity
    ("Pancreatitis induced by valproate was confirmed on imaging.",
     [("ADVERSE_EVENT", "Pancreatitis"), ("DRUG", "valproate")], {("Pancreatitis", "valproate")}),
    ("She was admitted with clozapine-induced myocarditis.",
     [("DRUG", "clozapine"), ("ADVERSE_EVENT", "myocarditis")], {("myocarditis", "clozapine")}),
    ("Lithium toxicity was diagnosed on the third day.",
     [("DRUG", "Lithium"), ("ADVERSE_EVENT", "toxicity")], {("toxicity", "Lithium")}),
    # after / following, drug first or effect first
    ("Two weeks after starting lamotrigine, he developed a rash.",
     [("DRUG", "lamotrigine"), ("ADVERSE_EVENT", "rash")], {("rash", "lamotrigine")}),
    ("A widespread rash appeared following the second dose of cefuroxime.",
     [("ADVERSE_EVENT", "rash"), ("DRUG", "cefuroxime")], {("rash", "cefuroxime")}),
    # secondary to / attributed to / associated with
    ("The boy had hyponatremia secondary to carbamazepine.",
     [("ADVERSE_EVENT", "hyponatremia"), ("DRUG", "carbamazepine")],
     {("hyponatremia", "carbamazepine")}),
    ("Her tremor was attributed to valproate.",
     [("ADVERSE_EVENT", "tremor"), ("DRUG", "valproate")], {("tremor", "valproate")}),
    # a cue before a coordinated pair of drugs names both; coordinated effects share it
    ("Hives and wheezing were caused by penicillin and cefaclor.",
     [("ADVERSE_EVENT", "Hives"), ("ADVERSE_EVENT", "wheezing"), ("DRUG", "penicillin"),
      ("DRUG", "cefaclor")],
     {("Hives", "penicillin"), ("Hives", "cefaclor"), ("wheezing", "penicillin"),
      ("wheezing", "cefaclor")}),
    # a drug named again in parentheses is the same drug
    ("Hepatitis developed after all-trans retinoic acid (ATRA) was started.",
     [("ADVERSE_EVENT", "Hepatitis"), ("DRUG", "all-trans retinoic acid"), ("DRUG", "ATRA")],
     {("Hepatitis", "all-trans retinoic acid"), ("Hepatitis", "ATRA")}),
    ("Amiodarone-induced hypothyroidism and alopecia were noted.",
     [("DRUG", "Amiodarone"), ("ADVERSE_EVENT", "hypothyroidism"), ("ADVERSE_EVENT", "alopecia")],
     {("hypothyroidism", "Amiodarone"), ("alopecia", "Amiodarone")}),
])
def test_cause_cues(nlp: Language, text: str, ents: list[Ent],
                    expected: set[tuple[str, str]]) -> None:
    assert ae_pairs(annotate(nlp, text, ents)) == expected


@pytest.mark.parametrize(("text", "ents", "expected"), [
    ("Colchicine-induced neuropathy in chronic kidney disease.",
     [("DRUG", "Colchicine"), ("ADVERSE_EVENT", "neuropathy"),
      ("ADVERSE_EVENT", "chronic kidney disease")], {("neuropathy", "Colchicine")}),
    ("Pancytopenia in a girl with lupus nephritis during azathioprine therapy.",
     [("ADVERSE_EVENT", "Pancytopenia"), ("ADVERSE_EVENT", "lupus nephritis"),
      ("DRUG", "azathioprine")], {("Pancytopenia", "azathioprine")}),
    # "in" after a change names the effect, not the patients
    ("There was an increase in hypertension in patients taking celecoxib.",
     [("ADVERSE_EVENT", "hypertension"), ("DRUG", "celecoxib")],
     {("hypertension", "celecoxib")}),
])
def test_the_patients_condition_is_not_an_effect(nlp: Language, text: str, ents: list[Ent],
                                                 expected: set[tuple[str, str]]) -> None:
    assert ae_pairs(annotate(nlp, text, ents)) == expected


def test_successful_treatment_at_the_end_of_a_sentence(nlp: Language) -> None:
    doc = annotate(nlp, "Severe hyperkalemia after cardiac surgery: successful treatment with "
                   "patiromer (Veltassa).",
                   [("ADVERSE_EVENT", "hyperkalemia"), ("DRUG", "patiromer"),
                    ("DRUG", "Veltassa")])
    assert triples(doc) == {("treats", "hyperkalemia", "patiromer"),
                            ("treats", "hyperkalemia", "Veltassa")}


@pytest.mark.parametrize(("text", "ents"), [
    ("On rechallenge with allopurinol, the rash recurred within days.",
     [("DRUG", "allopurinol"), ("ADVERSE_EVENT", "rash")]),
    ("The rash recurred on rechallenge with allopurinol.",
     [("ADVERSE_EVENT", "rash"), ("DRUG", "allopurinol")]),
    ("The rash resolved after withdrawal of allopurinol.",
     [("ADVERSE_EVENT", "rash"), ("DRUG", "allopurinol")]),
    ("The rash disappeared after allopurinol was stopped.",
     [("ADVERSE_EVENT", "rash"), ("DRUG", "allopurinol")]),
    ("Allopurinol was discontinued and the rash resolved.",
     [("DRUG", "Allopurinol"), ("ADVERSE_EVENT", "rash")]),
])
def test_rechallenge_and_dechallenge_attribute(nlp: Language, text: str, ents: list[Ent]) -> None:
    doc = annotate(nlp, text, ents)
    assert {r for r, _h, _t in triples(doc)} == {"adverse_event_of"}
    assert {h.lower() for h, _t in ae_pairs(doc)} == {"rash"}


@pytest.mark.parametrize(("text", "ents", "expected"), [
    ("Her psoriasis was treated with methotrexate.",
     [("CONDITION", "psoriasis"), ("DRUG", "methotrexate")], ("psoriasis", "methotrexate")),
    ("The rash responded to topical betamethasone within a week.",
     [("ADVERSE_EVENT", "rash"), ("DRUG", "betamethasone")], ("rash", "betamethasone")),
    ("He took ibuprofen for a migraine.",
     [("DRUG", "ibuprofen"), ("CONDITION", "migraine")], ("migraine", "ibuprofen")),
    ("Prednisone was started for the rash after it developed.",
     [("DRUG", "Prednisone"), ("ADVERSE_EVENT", "rash")], ("rash", "Prednisone")),
    ("We describe the treatment of severe pruritus with naltrexone.",
     [("ADVERSE_EVENT", "pruritus"), ("DRUG", "naltrexone")], ("pruritus", "naltrexone")),
])
def test_treats_is_never_an_adverse_event(nlp: Language, text: str, ents: list[Ent],
                                          expected: tuple[str, str]) -> None:
    doc = annotate(nlp, text, ents)
    assert triples(doc) == {("treats", *expected)}


def test_treated_problem_and_caused_problem_in_one_sentence(nlp: Language) -> None:
    doc = annotate(nlp, "A man taking naproxen for back pain developed gastritis.",
                   [("DRUG", "naproxen"), ("CONDITION", "back pain"),
                    ("ADVERSE_EVENT", "gastritis")])
    assert triples(doc) == {("treats", "back pain", "naproxen"),
                            ("adverse_event_of", "gastritis", "naproxen")}


@pytest.mark.parametrize(("text", "ents"), [
    ("Infliximab was withheld because of pneumonia that developed in March.",
     [("DRUG", "Infliximab"), ("ADVERSE_EVENT", "pneumonia")]),
    ("The second cycle of cisplatin was postponed due to an infection he developed.",
     [("DRUG", "cisplatin"), ("ADVERSE_EVENT", "infection")]),
    ("A wound infection developed and led to the discontinuation of tacrolimus.",
     [("ADVERSE_EVENT", "wound infection"), ("DRUG", "tacrolimus")]),
])
def test_a_complication_that_delayed_or_stopped_a_drug_is_not_its_effect(
        nlp: Language, text: str, ents: list[Ent]) -> None:
    assert ae_pairs(annotate(nlp, text, ents)) == set()


def test_a_drug_stopped_for_its_own_effect_is_still_the_cause(nlp: Language) -> None:
    text = "Isoniazid was withheld because of isoniazid-induced hepatitis."
    doc = annotate(nlp, text, [("DRUG", "Isoniazid"), ("DRUG", "isoniazid"),
                               ("ADVERSE_EVENT", "hepatitis")])
    ae = [(h.text, t.start_char) for r, h, t in doc._.relations if r == "adverse_event_of"]
    assert ae == [("hepatitis", text.index("isoniazid-"))]


@pytest.mark.parametrize("status", ["not_given", "planned", "excluded", "measured"])
def test_only_a_given_drug_can_be_a_cause(nlp: Language, status: str) -> None:
    doc = annotate(nlp, "Rituximab and azathioprine were both considered; she developed "
                   "neutropenia after azathioprine.",
                   [("DRUG", "Rituximab", {"status": status}),
                    ("DRUG", "azathioprine", {"status": status}),
                    ("ADVERSE_EVENT", "neutropenia"),
                    ("DRUG", "azathioprine", {"status": "given"})])
    ae = [(h.text, t.start_char) for r, h, t in doc._.relations if r == "adverse_event_of"]
    assert ae == [("neutropenia", doc.text.rindex("azathioprine"))]
    doc = annotate(nlp, "Nausea developed after ondansetron.",
                   [("ADVERSE_EVENT", "Nausea"), ("DRUG", "ondansetron", {"status": status})])
    assert ae_pairs(doc) == set()


def test_a_general_statement_links_its_drug_and_the_record_drops_it(nlp: Language) -> None:
    # the relation says what the text says; records keep only drugs these patients were given
    doc = annotate(nlp, "Ondansetron-induced nausea is well known.",
                   [("DRUG", "Ondansetron", {"status": "background"}),
                    ("ADVERSE_EVENT", "nausea")])
    assert ae_pairs(doc) == {("nausea", "Ondansetron")}


def test_ade_sentence_verdict_gates_the_fallback(nlp: Language) -> None:
    text = "Acne and abrocitinib are discussed in this review."
    doc = nlp(text)
    doc.ents = [doc.char_span(0, 4, "ADVERSE_EVENT"),
                doc.char_span(text.index("abrocitinib"), text.index(" are"), "DRUG")]
    assert extract_relations(doc) == []  # no AE cue, no classifier: nothing
    doc.spans[ADE_SENTENCES] = [doc[0:len(doc)]]  # the classifier says it reports one
    assert [(r, h.text, t.text) for r, h, t in extract_relations(doc)] == [
        ("adverse_event_of", "Acne", "abrocitinib")]
    doc = annotate(nlp, "Acne was reported with abrocitinib.",
                   [("ADVERSE_EVENT", "Acne"), ("DRUG", "abrocitinib")])
    assert ae_pairs(doc) == {("Acne", "abrocitinib")}  # by the sentence's AE cue
    doc.spans[ADE_SENTENCES] = []  # the classifier ran and says no: the fallback is off
    assert extract_relations(doc) == []


def test_a_condition_the_text_ties_to_a_drug_becomes_its_adverse_event(nlp: Language) -> None:
    text = "A patient with gout developed hepatitis secondary to zorbamycin."
    doc = nlp(text)
    labels = {"gout": "CONDITION", "hepatitis": "CONDITION", "zorbamycin": "DRUG"}
    doc.ents = [doc.char_span(text.index(w), text.index(w) + len(w), label)
                for w, label in labels.items()]
    doc.spans[ADE_SENTENCES] = [doc[0:len(doc)]]  # the classifier says it reports an effect
    doc = relations_component(doc)
    assert [(r, h.text, t.text) for r, h, t in doc._.relations] == [
        ("adverse_event_of", "hepatitis", "zorbamycin")]
    # the effect is relabelled; the patients' own condition ("a patient with gout") is not
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("gout", "CONDITION"), ("hepatitis", "ADVERSE_EVENT"), ("zorbamycin", "DRUG")]
    doc.spans[ADE_SENTENCES] = []  # without the classifier's verdict a condition stays one
    doc.ents = [Span(doc, e.start, e.end, "CONDITION" if e.label_ != "DRUG" else "DRUG")
                for e in doc.ents]
    assert relations_component(doc)._.relations == []


def test_a_long_document_without_sentences_stays_linear() -> None:
    bare = partial_nlp()  # no sentence component: the whole Doc is one "sentence"

    def seconds(n: int) -> float:
        text = "Rash after methotrexate 15mg weekly; " * n
        doc = bare(text)
        spans, pos = [], 0
        for label, word in [("ADVERSE_EVENT", "Rash"), ("DRUG", "methotrexate"),
                            ("DOSE", "15mg"), ("FREQUENCY", "weekly")] * n:
            start = text.index(word, pos)
            spans.append(doc.char_span(start, start + len(word), label))
            pos = start + len(word)
        doc.ents = spans
        best = float("inf")
        for _ in range(3):  # the best of three: the machine is shared
            t0 = time.perf_counter()
            assert len(extract_relations(doc)) == 3 * n
            best = min(best, time.perf_counter() - t0)
        return best

    small, large = seconds(1000), seconds(4000)
    assert large < 8 * small  # quadratic would be about 16 times


# --- outcomes ---------------------------------------------------------------------------------


def test_outcome_links_current_drugs_of_its_sentence(nlp: Language) -> None:
    doc = annotate(nlp, "After failing cyclosporine, baricitinib achieved a complete response.",
                   [("DRUG", "cyclosporine", {"historical": True}), ("DRUG", "baricitinib"),
                    ("OUTCOME", "complete response")])
    assert triples(doc) == {("outcome_of", "complete response", "baricitinib")}


def test_outcome_without_a_drug_goes_to_the_main_intervention(nlp: Language) -> None:
    text = ("Methotrexate was added. Baricitinib was given daily. Baricitinib was well tolerated. "
            "SALT improved by week 24.")
    doc = annotate(nlp, text, [
        ("DRUG", "Methotrexate"), ("DRUG", "Baricitinib", {"norm_name": "baricitinib"}),
        ("DRUG", "Baricitinib", {"norm_name": "baricitinib"}), ("OUTCOME", "SALT"),
    ])
    main = main_intervention(doc)
    assert main is not None and main.start_char == text.index("Baricitinib")
    assert [(r, h.text, t.start_char) for r, h, t in doc._.relations] == [
        ("outcome_of", "SALT", text.index("Baricitinib"))]


def test_no_entities_no_relations(nlp: Language) -> None:
    doc = relations_component(nlp("Nothing to see here."))
    assert doc._.relations == []
    assert extract_relations(doc) == []


# --- end to end: the whole pipeline on the seeds and the examples -------------------------------


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def _links(ev: EvidenceDocument, rel: str) -> list[tuple[Mention, Mention]]:
    by_id = {m.id: m for m in ev.mentions}
    return [(by_id[r.head], by_id[r.tail]) for r in ev.relations if r.type == rel]


def _drug(m: Mention) -> str:
    return (m.normalized.name or m.text).lower()


def test_seed_004_doses_and_adverse_events_link_to_their_drugs(pipeline: Pipeline) -> None:
    ev = pipeline.extract(extractor.parse(shared_path("seeds", "004_874d326f4a28e356.txt")))
    doses = {(_drug(t), h.value.get("value")) for h, t in _links(ev, "dose_of")}
    for pair in [("baricitinib", 4.0), ("upadacitinib", 15.0), ("methotrexate", 15.0),
                 ("dupilumab", 300.0), ("cyclosporine", 100.0), ("tacrolimus", 2.5),
                 ("prednisone", 5.0), ("ruxolitinib", 20.0)]:
        assert pair in doses, pair
    # the 15 mg/week of methotrexate never goes to the JAK inhibitor next to it
    assert ("baricitinib", 15.0) not in doses
    aes = {(h.text.lower(), _drug(t)) for h, t in _links(ev, "adverse_event_of")}
    for term, drug in [("gout", "methotrexate"), ("nausea", "dupilumab"),
                       ("lymphopenia", "baricitinib"), ("neutropenia", "upadacitinib"),
                       ("herpes", "baricitinib"), ("hypercolesterolemia", "baricitinib")]:
        assert any(term in t and d == drug for t, d in aes), (term, drug)
    record = ev.records[0]
    absent = " | ".join(e.text.lower() for e in record.adverse_events if e.negated)
    for term in ("venous thromboembolism", "pulmonary embolism", "neoplasm", "skin cancer"):
        assert term in absent, term
    assert record.population.n == 18


def test_seed_000_outcomes_of_the_study_record(pipeline: Pipeline) -> None:
    ev = pipeline.extract(extractor.parse(shared_path("seeds", "000_dfa2d53c89d0a9d2.txt")))
    record = ev.records[0]
    assert record.population.n == 16
    got = {(o.measure, o.value, o.unit, o.timepoint) for o in record.outcomes}
    for expected in [("EASI-50", 100.0, "%", "week 16"), ("EASI-75", 87.5, "%", "week 16"),
                     ("EASI-90", 37.5, "%", "week 16")]:
        assert expected in got
    assert any(o.measure == "pp-NRS" and o.value == -7.0 for o in record.outcomes)
    assert {_drug(t) for h, t in _links(ev, "outcome_of")} & {"dupilumab", "jak inhibitors",
                                                              "jak inhibitor"}


@pytest.mark.parametrize("name", ["case_series_dupilumab_jak.html", "jak_methotrexate_alopecia.xml",
                                  "trial_summary_pagedump.txt"])
def test_examples_relations_are_well_typed(pipeline: Pipeline, name: str) -> None:
    ev = pipeline.extract(extractor.parse(EXAMPLES / name))
    heads = {"dose_of": ("DOSE",), "frequency_of": ("FREQUENCY",), "route_of": ("ROUTE",),
             "duration_of": ("DURATION",), "adverse_event_of": ("ADVERSE_EVENT",),
             "outcome_of": ("OUTCOME",), "treats": ("CONDITION", "ADVERSE_EVENT")}
    by_id = {m.id: m for m in ev.mentions}
    assert ev.relations
    for r in ev.relations:
        assert by_id[r.head].label in heads[r.type] and by_id[r.tail].label == "DRUG"
    assert ev.records and ev.records[0].interventions


def test_trial_example_interventions(pipeline: Pipeline) -> None:
    # invented text: "apremilast 30 mg bid vs subcutaneous methotrexate 15 mg weekly"
    ev = pipeline.extract(extractor.parse(EXAMPLES / "trial_summary_pagedump.txt"))
    by_name = {i.drug.name: i for i in ev.records[0].interventions}
    apremilast, mtx = by_name["apremilast"], by_name["methotrexate"]
    assert apremilast.dose is not None and apremilast.dose.value == 30.0
    assert apremilast.frequency is not None and apremilast.frequency.per_day == 2.0
    assert mtx.dose is not None and mtx.dose.value == 15.0
    assert mtx.route is not None and mtx.route.name == "subcutaneous"


def test_route_before_a_drug_class_is_its_own_mention(pipeline: Pipeline) -> None:
    ev = pipeline.extract(extractor.parse_bytes(
        b"She had failed oral corticosteroids and intralesional corticosteroids.", "x.txt")[0])
    labels = [(m.label, m.text) for m in ev.mentions]
    assert labels == [("ROUTE", "oral"), ("DRUG", "corticosteroids"),
                      ("ROUTE", "intralesional"), ("DRUG", "corticosteroids")]
    assert len(_links(ev, "route_of")) == 2
