"""extractor_context: negation scope, speculation, history and the AE-vs-condition role.

The sentences are invented; entities are placed by hand (the lexicons are not under test
here), then the component runs on the tokenized, sentence-split Doc.
"""

from __future__ import annotations

import re

import pytest
from spacy.language import Language

from extractor.nlp.context import load_rules
from tests.conftest import context_doc, partial_nlp, shared_path

C, AE, D, OUT = "CONDITION", "ADVERSE_EVENT", "DRUG", "OUTCOME"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return partial_nlp("extractor_sentences", "extractor_context")


def run(nlp: Language, text: str, ents: list[tuple[str, str]]) -> dict[str, tuple]:
    """Entities (first occurrence of each text) -> (label, negated, uncertain, historical)."""
    doc = context_doc(nlp, text, ents)
    return {e.text: (e.label_, e._.negated, e._.uncertain, e._.historical) for e in doc.ents}


def negated(result: dict[str, tuple]) -> set[str]:
    return {k for k, v in result.items() if v[1]}


def test_rules_file_loads_every_kind() -> None:
    rules = load_rules()
    assert "no" in rules["neg_pre"] and "not only" in rules["neg_pseudo"]
    assert all(rules[k] for k in rules), [k for k in rules if not rules[k]]


# --- negation -------------------------------------------------------------------------------

def test_simple_pre_negation(nlp: Language) -> None:
    r = run(nlp, "The child had no fever at admission.", [("fever", C)])
    assert negated(r) == {"fever"}
    r = run(nlp, "She was seen without any rash.", [("rash", C)])
    assert negated(r) == {"rash"}
    r = run(nlp, "The biopsy was negative for lymphoma.", [("lymphoma", C)])
    assert negated(r) == {"lymphoma"}


def test_coordinated_list_is_fully_negated(nlp: Language) -> None:
    text = ("No adverse events of special interest, such as deep vein thrombosis, stroke, "
            "lymphoma, serious infections, or melanoma were reported during follow-up.")
    items = ["deep vein thrombosis", "stroke", "lymphoma", "infections", "melanoma"]
    r = run(nlp, text, [(x, C) for x in items])
    assert negated(r) == set(items)
    # ... and a negated list governed by "adverse events ... were reported" is a list of AEs
    assert {r[x][0] for x in items} == {AE}


def test_terminators_and_new_clauses_stop_scope(nlp: Language) -> None:
    r = run(nlp, "The patient had no fever, but developed a rash.", [("fever", C), ("rash", C)])
    assert negated(r) == {"fever"}
    r = run(nlp, "There was no nausea and she developed a rash.", [("nausea", C), ("rash", C)])
    assert negated(r) == {"nausea"}
    r = run(nlp, "No vomiting; anemia was present.", [("vomiting", C), ("anemia", C)])
    assert negated(r) == {"vomiting"}
    r = run(nlp, "Patients without methotrexate had eczema.", [("methotrexate", D), ("eczema", C)])
    assert negated(r) == {"methotrexate"}
    # the sentence ends the scope
    r = run(nlp, "There was no cough. Pneumonia was diagnosed later.",
            [("cough", C), ("Pneumonia", C)])
    assert negated(r) == {"cough"}


def test_post_negation(nlp: Language) -> None:
    r = run(nlp, "Headache and vomiting were not observed.", [("Headache", C), ("vomiting", C)])
    assert negated(r) == {"Headache", "vomiting"}
    r = run(nlp, "She had a cough, and pneumonia was ruled out.", [("cough", C), ("pneumonia", C)])
    assert negated(r) == {"pneumonia"}


def test_pseudo_negation(nlp: Language) -> None:
    r = run(nlp, "This is not only an itch problem.", [("itch", C)])
    assert negated(r) == set()
    r = run(nlp, "There was no change in the psoriasis plaques.", [("psoriasis", C)])
    assert negated(r) == set()


def test_outcome_only_negation(nlp: Language) -> None:
    text = "There was no significant improvement in EASI after 12 weeks of dupilumab."
    r = run(nlp, text, [("EASI", OUT), ("12 weeks", "DURATION"), ("dupilumab", D)])
    assert negated(r) == {"EASI"}


def test_drug_negated_only_when_governed(nlp: Language) -> None:
    r = run(nlp, "There was no response to methotrexate.", [("methotrexate", D)])
    assert negated(r) == set()
    r = run(nlp, "He was not treated with methotrexate.", [("methotrexate", D)])
    assert negated(r) == {"methotrexate"}


def test_trigger_inside_an_entity_negates_nothing(nlp: Language) -> None:
    r = run(nlp, "No response to adalimumab was seen.", [("No response", OUT), ("adalimumab", D)])
    assert negated(r) == set()


def test_table_cells_bound_negation(nlp: Language) -> None:
    text = "Case\tComorbidity\tAdverse effects\n1\tNone\tnausea (dupilumab)\n"
    r = run(nlp, text, [("nausea", C), ("dupilumab", D)])
    assert negated(r) == set()


# --- speculation ----------------------------------------------------------------------------

def test_speculation(nlp: Language) -> None:
    r = run(nlp, "Possible drug-induced hepatitis was considered.", [("hepatitis", C)])
    assert r["hepatitis"][2] is True
    r = run(nlp, "A pulmonary embolism cannot be excluded.", [("pulmonary embolism", C)])
    assert r["pulmonary embolism"][1:3] == (False, True)  # speculation, not negation
    r = run(nlp, "Tofacitinib may cause herpes zoster.", [("Tofacitinib", D), ("herpes zoster", C)])
    assert r["herpes zoster"][2] is True and r["Tofacitinib"][2] is False
    r = run(nlp, "Pruritus was severe.", [("Pruritus", C)])
    assert r["Pruritus"][2] is False


# --- history --------------------------------------------------------------------------------

def historical(result: dict[str, tuple]) -> set[str]:
    return {k for k, v in result.items() if v[3]}


def test_failed_therapies_are_historical(nlp: Language) -> None:
    text = "He had previously failed methotrexate and cyclosporine and was switched to dupilumab."
    r = run(nlp, text, [("methotrexate", D), ("cyclosporine", D), ("dupilumab", D)])
    assert historical(r) == {"methotrexate", "cyclosporine"}


def test_had_been_on_and_prior_to_starting(nlp: Language) -> None:
    text = ("She had been on prednisone 20 mg/day for 2 months prior to starting "
            "tofacitinib 5 mg twice daily.")
    r = run(nlp, text, [("prednisone", D), ("20 mg/day", "DOSE"), ("2 months", "DURATION"),
                        ("tofacitinib", D), ("5 mg", "DOSE")])
    assert historical(r) == {"prednisone", "20 mg/day", "2 months"}


def test_switched_from_a_to_b(nlp: Language) -> None:
    r = run(nlp, "Two patients were switched from baricitinib to upadacitinib.",
            [("baricitinib", D), ("upadacitinib", D)])
    assert historical(r) == {"baricitinib"}


def test_history_of_condition_stays_condition(nlp: Language) -> None:
    text = "She developed anemia, although she had a history of neutropenia."
    r = run(nlp, text, [("anemia", C), ("neutropenia", C)])
    assert r["neutropenia"] == (C, False, False, True)
    assert r["anemia"][0] == AE and not r["anemia"][3]


def test_table_column_header_gives_history(nlp: Language) -> None:
    text = ("Case\tDisease\tPrevious failed therapies\tCurrent drug\tAdverse effects\n"
            "1\tpsoriasis\tmethotrexate, cyclosporine\tadalimumab\tnausea, rash\n"
            "2\teczema\tprednisone\tdupilumab\tconjunctivitis\n")
    r = run(nlp, text, [("psoriasis", C), ("methotrexate", D), ("cyclosporine", D),
                        ("adalimumab", D), ("nausea", C), ("rash", C), ("eczema", C),
                        ("prednisone", D), ("dupilumab", D), ("conjunctivitis", C)])
    assert historical(r) == {"methotrexate", "cyclosporine", "prednisone"}
    # the "Adverse effects" column makes its conditions AEs; the "Disease" column does not
    assert {k for k, v in r.items() if v[0] == AE} == {"nausea", "rash", "conjunctivitis"}


# --- role: CONDITION vs ADVERSE_EVENT --------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "ents", "expected_ae"),
    [
        # attribution in parentheses, across a coordinated pair
        ("Anemia and gout (allopurinol) were seen.",
         [("Anemia", C), ("gout", C), ("allopurinol", D)], {"Anemia", "gout"}),
        # drug-induced
        ("She presented with methotrexate-induced pneumonitis.", [("pneumonitis", C)],
         {"pneumonitis"}),
        # due to / after the first dose of DRUG
        ("Vomiting due to azathioprine was mild.", [("Vomiting", C), ("azathioprine", D)],
         {"Vomiting"}),
        ("One man reported headache after the first dose of dupilumab.",
         [("headache", C), ("dupilumab", D)], {"headache"}),
        # developed / experienced
        ("Two children developed conjunctivitis.", [("conjunctivitis", C)], {"conjunctivitis"}),
        # governed by an AE noun, whole list
        ("Adverse effects included anemia, alopecia and fatigue.",
         [("anemia", C), ("alopecia", C), ("fatigue", C)], {"anemia", "alopecia", "fatigue"}),
        # leading to discontinuation
        ("Pneumonia led to discontinuation of treatment.", [("Pneumonia", C)], {"Pneumonia"}),
        # negated and reported
        ("No lymphoma was reported.", [("lymphoma", C)], {"lymphoma"}),
    ],
)
def test_condition_becomes_adverse_event(
    nlp: Language, text: str, ents: list[tuple[str, str]], expected_ae: set[str]
) -> None:
    r = run(nlp, text, ents)
    assert {k for k, v in r.items() if v[0] == AE} == expected_ae


@pytest.mark.parametrize(
    "text",
    [
        "We treated 12 patients with vitiligo using ruxolitinib cream.",
        "Tofacitinib was prescribed for vitiligo.",
        "Both were diagnosed with vitiligo in 2019.",
        "Methotrexate is used to treat vitiligo.",
        "The rash improved, and vitiligo was stable.",  # no cue: label kept
    ],
)
def test_indication_stays_condition(nlp: Language, text: str) -> None:
    r = run(nlp, text, [("vitiligo", C)])
    assert r["vitiligo"][0] == C


def test_indication_beats_a_nearby_ae_noun(nlp: Language) -> None:
    text = "Patients with psoriasis had fewer adverse events."
    assert run(nlp, text, [("psoriasis", C)])["psoriasis"][0] == C


def test_lexicon_adverse_event_in_history_becomes_condition(nlp: Language) -> None:
    r = run(nlp, "He had a history of neutropenia.", [("neutropenia", AE)])
    assert r["neutropenia"][0] == C


# --- the seed the issue names ----------------------------------------------------------------

SEED_004 = "004_874d326f4a28e356.txt"


def test_seed_004_required_behaviour() -> None:
    path = shared_path("seeds", SEED_004)
    from extractor.pipeline import Pipeline

    pipeline = Pipeline()
    import extractor

    evidence = pipeline.extract(extractor.parse(path))
    mentions = evidence.mentions
    text_of = {m.id: m.text.lower() for m in mentions}

    def having(word: str) -> list:
        return [m for m in mentions if word in text_of[m.id]]

    for word in ("thromboembolism", "pulmonary embolism", "cardiovascular", "neoplasm",
                 "serious infection", "skin cancer"):
        found = having(word)
        assert found, f"no mention of {word!r}"
        assert all(m.negated for m in found), f"{word!r} not negated"
    for word in ("lymphopenia", "transaminitis", "neutropenia", "nausea", "arthralgia", "gout",
                 "herpes"):
        observed = [m for m in having(word) if m.label == AE and not m.negated]
        assert observed, f"no observed ADVERSE_EVENT mention of {word!r}"


# Disorders and drugs of seed 004, placed by pattern (as a lexicon would), so that the
# context rules are checked on the real document before the lexicon component exists.
_SEED_DISORDERS = (
    r"venous thromboembolism|pulmonary embolism|major adverse cardiovascular events|neoplasms"
    r"|serious infections|non-melanoma skin cancers|lymphopenia|transaminitis|neutropenia"
    r"|nausea|arthralgia|artharlgia|gout|oral herpes|herpes simplex|alopecia areata"
    r"|atopic dermatitis|hypertension|asthma|dyslipidemia|weight gain"
)
_SEED_DRUGS = (
    r"baricitinib|upadacitinib|methotrexate|prednisone|dupilumab|tacrolimus|cyclosporine"
    r"|cyclosporin|ruxolitinib|adalimumab|azathioprine|corticosteroids"
)


def test_seed_004_context_with_placed_entities(nlp: Language) -> None:
    path = shared_path("seeds", SEED_004)
    from spacy.util import filter_spans

    import extractor

    text = extractor.parse(path).text
    doc = nlp.get_pipe("extractor_sentences")(nlp.make_doc(text))
    spans = []
    for pattern, label in ((_SEED_DISORDERS, C), (_SEED_DRUGS, D)):
        for m in re.finditer(pattern, text, re.I):
            span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
    doc.ents = filter_spans(spans)
    doc = nlp.get_pipe("extractor_context")(doc)
    ents = list(doc.ents)

    for word in ("thromboembolism", "pulmonary embolism", "cardiovascular", "neoplasm",
                 "serious infection", "skin cancer"):
        found = [e for e in ents if word in e.text.lower()]
        assert found and all(e._.negated and e.label_ == AE for e in found), word
    for word in ("lymphopenia", "transaminitis", "neutropenia", "nausea", "arthralgia", "gout",
                 "herpes"):
        assert any(e.label_ == AE and not e._.negated for e in ents if word in e.text.lower()), word
    # the treated diseases stay conditions
    assert all(e.label_ == C for e in ents if e.text.lower() == "alopecia areata")
    # table: the prior-therapy column is history, the JAK-inhibitor column is not
    in_table = [e for e in ents if "\t" in text[text.rfind("\n", 0, e.start_char):e.start_char]]
    steroids = [e for e in in_table if e.text.lower() == "corticosteroids"]
    baricitinib = [e for e in in_table if e.text.lower() == "baricitinib"]
    assert len(steroids) >= 15 and all(e._.historical for e in steroids)
    assert len(baricitinib) >= 15 and not any(e._.historical for e in baricitinib)


def test_an_adverse_event_list_runs_to_the_end_of_the_sentence(nlp: Language) -> None:
    text = ("Reported adverse events were fever one to two days after the session (five "
            "patients, 10%), rash on the treated skin one to two days later (two patients) "
            "and cough (one patient).")
    r = run(nlp, text, [("fever", C), ("rash", C), ("cough", C)])
    assert {k for k, v in r.items() if v[0] == AE} == {"fever", "rash", "cough"}


def test_arm_shares_in_parentheses_are_no_attribution(nlp: Language) -> None:
    r = run(nlp, "Conditions included insomnia (zorbamycin, 7.0%; placebo, 8.0%).",
            [("insomnia", C), ("zorbamycin", D)])
    assert r["insomnia"][0] == C
    r = run(nlp, "Events were gout (zorbamycin) and rash.", [("gout", C), ("zorbamycin", D)])
    assert r["gout"][0] == AE
