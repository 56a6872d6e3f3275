"""Assertion status of drugs and problems (extractor/nlp/status.py through the context
component): every status, the evidence that decided it, section roles and sentence cues.

The sentences are invented; entities are placed by hand (the lexicons are not under test).
"""

from __future__ import annotations

import re

import pytest
from spacy.language import Language

from extractor.nlp.status import (
    Cue,
    Findings,
    SectionIndex,
    SentenceCues,
    drug_status,
    problem_status,
)
from tests.conftest import context_doc, partial_nlp

D, C, AE = "DRUG", "CONDITION", "ADVERSE_EVENT"


@pytest.fixture(scope="module")
def nlp() -> Language:
    return partial_nlp("extractor_sentences", "extractor_context")


def run(nlp: Language, text: str, ents: list[tuple[str, str]],
        sections: list[tuple[int, int, str]] | None = None) -> dict[str, tuple]:
    """Entity text -> (status, negated, evidence rule, evidence text, section)."""
    doc = context_doc(nlp, text, ents, sections, whole_words=True)
    out = {}
    for e in doc.ents:
        ev = e._.status_evidence or {}
        out[e.text] = (e._.status, e._.negated, ev.get("rule"), ev.get("text"), e._.section)
    return out


@pytest.mark.parametrize("text, drug, status", [
    ("She was treated with zorbamycin 10 mg daily.", "zorbamycin", "given"),
    ("No zorbamycin or antipyretics were given.", "zorbamycin", "not_given"),
    ("No zorbamycin or antipyretics were given.", "antipyretics", "not_given"),
    ("Treatment with zorbamycin was planned after discharge.", "zorbamycin", "planned"),
    ("He was scheduled to receive zorbamycin.", "zorbamycin", "planned"),
    ("Zorbamycin should be considered in refractory cases.", "Zorbamycin", "hypothetical"),
    ("Patients should be treated with zorbamycin first.", "zorbamycin", "hypothetical"),
    ("Patients taking zorbamycin were excluded.", "zorbamycin", "excluded"),
    ("Exclusion criteria were use of zorbamycin within 4 weeks.", "zorbamycin", "excluded"),
    ("Serum zorbamycin was 4.2 mg/L on day 3.", "zorbamycin", "measured"),
    ("Zorbamycin levels were undetectable in our patient.", "Zorbamycin", "measured"),
    ("She had previously been treated with zorbamycin.", "zorbamycin", "history"),
    ("He was switched to zorbamycin 5 mg daily one week prior to admission.", "zorbamycin",
     "given"),
    ("Cultures grew zorbamycin-resistant cocci.", "zorbamycin", "measured"),
    ("The isolate was susceptible to zorbamycin.", "zorbamycin", "measured"),
    ("Urine screen was positive for zorbamycin.", "zorbamycin", "measured"),
    ("Sodium was normal and zorbamycin was 4.1 mg/L at noon.", "zorbamycin", "measured"),
    ("Ferritin, zorbamycin and folate were normal.", "zorbamycin", "measured"),
    ("The drug screen was negative except for zorbamycin.", "zorbamycin", "measured"),
    ("He had no prior exposure to oral or intravenous zorbamycin.", "zorbamycin",
     "not_given"),
    ("Zorbamycin has been reported to cause rash [4].", "Zorbamycin", "background"),
])
def test_drug_statuses(nlp: Language, text: str, drug: str, status: str) -> None:
    others = [("antipyretics", D)] if "antipyretics" in text and drug != "antipyretics" else []
    got = run(nlp, text, [(drug, D), *others])
    assert got[drug][0] == status
    assert got[drug][1] is (status == "not_given")
    assert got[drug][2]  # every status says what decided it


@pytest.mark.parametrize("text, problem, status", [
    ("She developed a widespread rash on day 4.", "rash", "present"),
    ("There was no rash or fever.", "rash", "absent"),
    ("There was no rash or fever.", "fever", "absent"),
    ("Her mother had lupus.", "lupus", "family"),
    ("He had a history of gout.", "gout", "history"),
    ("A drug eruption was suspected.", "drug eruption", "possible"),
    ("The differential diagnosis included sepsis, a viral infection and lupus.", "lupus",
     "possible"),
    ("Patients with active hepatitis were excluded.", "hepatitis", "excluded"),
    ("Hepatitis was excluded by serology.", "Hepatitis", "absent"),
    ("Rash is a common adverse effect of this class.", "Rash", "background"),
    ("In the absence of fever (despite anemia after zorbamycin) she was well.", "anemia",
     "present"),
])
def test_problem_statuses(nlp: Language, text: str, problem: str, status: str) -> None:
    ents = [(problem, C)] + ([("fever", C)] if "fever" in text and problem != "fever" else [])
    got = run(nlp, text, ents)
    assert got[problem][0] == status
    assert got[problem][1] is (status == "absent")


def test_double_negative_and_with_and_without_do_not_negate(nlp: Language) -> None:
    got = run(nlp, "Rash is not uncommon in our patients.", [("Rash", C)])
    assert got["Rash"][0] == "present"
    got = run(nlp, "Patients with and without zorbamycin were compared.", [("zorbamycin", D)])
    assert got["zorbamycin"][0] == "given"


def test_evidence_points_at_the_trigger(nlp: Language) -> None:
    text = "No zorbamycin was given."
    got = run(nlp, text, [("zorbamycin", D)])
    status, _neg, rule, trigger, _section = got["zorbamycin"]
    assert (status, rule, trigger) == ("not_given", "trigger:neg_pre", "No")


def test_section_roles_decide_background_unless_the_sentence_is_about_the_patient(
        nlp: Language) -> None:
    text = ("Zorbamycin is a new antibiotic. Our patient received zorbamycin. "
            "She received zorbamycin for 5 days.")
    intro_end = text.index("Our")
    discussion_end = text.index("She")
    sections = [(0, intro_end, "introduction"), (intro_end, discussion_end, "discussion"),
                (discussion_end, len(text), "case")]
    doc = nlp.make_doc(text)
    doc._.sections = sections
    doc = nlp.get_pipe("extractor_sentences")(doc)
    doc.ents = [doc.char_span(m.start(), m.end(), label=D)
                for m in re.finditer("(?i)zorbamycin", text)]
    doc = nlp.get_pipe("extractor_context")(doc)
    got = [(e._.status, e._.section, e._.status_evidence["rule"]) for e in doc.ents]
    assert got == [("background", "introduction", "section:introduction"),
                   ("given", "discussion", "section:discussion"),
                   ("given", "case", "section:case")]


def test_eligibility_section_makes_every_drug_excluded(nlp: Language) -> None:
    text = "Use of zorbamycin within 30 days."
    got = run(nlp, text, [("zorbamycin", D)], sections=[(0, len(text), "eligibility")])
    assert got["zorbamycin"][0] == "excluded"
    assert got["zorbamycin"][2] == "section:eligibility"


def test_pure_rules_order() -> None:
    neg, hist = Cue("trigger:neg_pre", "no", 0, 2), Cue("trigger:hist_pre", "prior", 5, 10)
    none = SentenceCues()
    assert drug_status(Findings(negated=neg, historical=hist), "case", none)[0] == "not_given"
    assert drug_status(Findings(historical=hist), "case", none)[0] == "history"
    assert drug_status(Findings(), "discussion", none)[0] == "background"
    patient = SentenceCues(patient=Cue("trigger:patient_cue", "our patient", 0, 11))
    assert drug_status(Findings(), "discussion", patient)[0] == "given"
    assert drug_status(Findings(), None, none) == ("given", Cue("default"))
    assert problem_status(Findings(uncertain=neg), "results", none)[0] == "possible"


def test_section_index_lookup() -> None:
    index = SectionIndex([(10, 20, "methods"), (0, 10, "introduction"), (20, 30, "results")])
    assert [index.role_at(i) for i in (0, 9, 10, 19, 20, 29, 30)] == [
        "introduction", "introduction", "methods", "methods", "results", "results", None]
    assert SectionIndex(None).role_at(5) is None


def test_text_of_no_role_in_an_article_with_a_body_is_front_matter(nlp: Language) -> None:
    text = "Leif Saha, Zorbamycin Institute. She received zorbamycin."
    cut = text.index("She")
    got = run(nlp, text, [("Zorbamycin", D), ("zorbamycin", D)],
              sections=[(0, cut, "other"), (cut, len(text), "case")])
    assert got["Zorbamycin"][0] == "background" and got["Zorbamycin"][4] == "other"
    assert got["Zorbamycin"][2] == "section:front_matter"
    assert got["zorbamycin"][0] == "given"
    # without a body (a bare text), "other" is all there is: drugs there are given
    got = run(nlp, text, [("zorbamycin", D)], sections=[(0, len(text), "other")])
    assert got["zorbamycin"][0] == "given"


def test_a_misspelled_drug_gets_its_status_too() -> None:
    import extractor

    (m,) = extractor.extract("She was not given upadacitnib.").mentions
    assert (m.normalized.name, m.status, m.negated) == ("upadacitinib", "not_given", True)
