"""The key-fact scorer (benchmarks/facts.py) on invented gold and predictions, and the team's
gold files (corpus/gold/facts) against their schema."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from extractor.evidence import EvidenceDocument

REPO = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("facts_benchmark", REPO / "benchmarks" / "facts.py")
assert _SPEC is not None and _SPEC.loader is not None
facts = importlib.util.module_from_spec(_SPEC)
sys.modules["facts_benchmark"] = facts
_SPEC.loader.exec_module(facts)

Prediction = facts.Prediction


def gold(**fields: Any) -> dict[str, Any]:
    """An invented gold article: empty lists unless given."""
    base: dict[str, Any] = {
        "id": "INVENTED1", "files": ["jats/invented1.xml"], "design": "case report",
        "study_n": [1], "interventions": [], "not_interventions": [], "adverse_events": [],
        "not_adverse_events": [], "outcomes": [],
    }
    base.update(fields)
    return base


def drug(name: str, synonyms: tuple[str, ...] = (), dose: dict[str, Any] | None = None,
         other: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    entry: dict[str, Any] = {"drug": name, "synonyms": list(synonyms), "dose": dose,
                             "route": None, "frequency": None}
    if other:
        entry["other_doses"] = list(other)
    return entry


def dose(value: float, unit: str, value_max: float | None = None) -> dict[str, Any]:
    return {"value": value, "value_max": value_max, "unit": unit}


def event(term: str, drug_name: str | list[str] | None = None,
          synonyms: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"term": term, "synonyms": list(synonyms), "drug": drug_name}


def metrics(g: dict[str, Any], p: Any) -> dict[str, Any]:
    return facts.summarize(facts.score_file(g, p).counts)


# --------------------------------------------------------------------------- matching

def test_names_compare_without_case_punctuation_spelling_or_plural() -> None:
    assert facts.norm("Graves' disease") == facts.norm("graves disease")
    assert facts.norm("G-CSF") == facts.norm("gcsf")
    assert facts.norm("Anaemias") == facts.norm("anemia")
    assert facts.norm("Oedema") == facts.norm("edema")
    assert facts.norm("zorbamycin") != facts.norm("zorbamycine")


def test_units_compare_in_canonical_form() -> None:
    assert facts.unit_key("mcg/kg") == facts.unit_key("µg/kg") == facts.unit_key("ug / kg")
    assert facts.unit_key("mg/m2") == facts.unit_key("mg/m²")
    assert facts.unit_key("U/m2") == facts.unit_key("units/m²")
    assert facts.unit_key("mg/day") == facts.unit_key("mg")
    assert facts.unit_key("mg") != facts.unit_key("g")


def test_outcome_values_match_within_rounding_to_the_golds_decimals() -> None:
    assert facts.value_matches(57.5, 57.5)
    assert facts.value_matches(57.52, 57.5)
    assert facts.value_matches(0.0071, 0.007)
    assert facts.value_matches(57.5, 58)
    assert not facts.value_matches(3.5, 3.4)
    assert not facts.value_matches(-22.6, 22.6)


# --------------------------------------------------------------------------- interventions

def test_a_synonym_or_spelling_variant_matches_the_gold_drug() -> None:
    g = gold(interventions=[drug("zorbamycin", ("ZBM", "zorbacin"))])
    m = metrics(g, Prediction(drugs={"ZBM": []}))
    assert m["interventions"] == {"p": 1.0, "r": 1.0, "f1": 1.0}
    m = metrics(g, Prediction(drugs={"Zorbamycin": [], "zorbacin": []}))
    assert m["interventions"]["p"] == 1.0  # two names of one drug: both right, found once
    assert m["counts"]["int_found"] == 1


def test_extra_and_missing_drugs_lower_precision_and_recall() -> None:
    g = gold(interventions=[drug("zorbamycin"), drug("plavenide")])
    s = facts.score_file(g, Prediction(drugs={"zorbamycin": [], "quellotrex": []}))
    m = facts.summarize(s.counts)
    assert m["interventions"]["p"] == 0.5
    assert m["interventions"]["r"] == 0.5
    assert "drug quellotrex" in s.fp and "drug plavenide" in s.fn
    assert m["violations"] == 0


def test_a_not_given_drug_listed_as_given_is_a_violation() -> None:
    g = gold(interventions=[drug("zorbamycin")],
             not_interventions=[{"drug": "quellotrex", "synonyms": ["QTX"], "why": "not_given"}])
    s = facts.score_file(g, Prediction(drugs={"zorbamycin": [], "qtx": []}))
    assert s.violations == [{"kind": "not_intervention", "predicted": "qtx",
                             "gold": "quellotrex", "why": "not_given"}]
    m = facts.summarize(s.counts)
    assert m["violations"] == 1
    assert m["interventions"]["p"] == 0.5  # a violation is also a false positive


def test_neutral_drugs_count_neither_way() -> None:
    g = gold(interventions=[drug("zorbamycin")], neutral_drugs=["antimicrobials"])
    m = metrics(g, Prediction(drugs={"zorbamycin": [], "Antimicrobials": []}))
    assert m["interventions"]["p"] == 1.0
    assert m["key_facts"]["p"] == 1.0


# --------------------------------------------------------------------------- doses

def test_dose_needs_the_same_value_range_and_unit() -> None:
    g = gold(interventions=[drug("zorbamycin", dose=dose(25, "µg"))])
    assert metrics(g, Prediction(drugs={"zorbamycin": [(25.0, None, "mcg")]}))[
        "dose_accuracy"] == 1.0
    assert metrics(g, Prediction(drugs={"zorbamycin": [(25.0, None, "mg")]}))[
        "dose_accuracy"] == 0.0
    assert metrics(g, Prediction(drugs={"zorbamycin": [(2.5, None, "µg")]}))[
        "dose_accuracy"] == 0.0
    # one right dose among several records is enough
    assert metrics(g, Prediction(drugs={"zorbamycin": [(9.0, None, "µg"), (25.0, None, "µg")]}))[
        "dose_accuracy"] == 1.0


def test_a_range_cut_to_its_lower_bound_is_a_wrong_dose() -> None:
    g = gold(interventions=[drug("plavenide", dose=dose(10, "mg", 20))])
    assert metrics(g, Prediction(drugs={"plavenide": [(10.0, None, "mg")]}))[
        "dose_accuracy"] == 0.0
    assert metrics(g, Prediction(drugs={"plavenide": [(10.0, 20.0, "mg")]}))[
        "dose_accuracy"] == 1.0


def test_other_doses_of_the_same_drug_are_accepted() -> None:
    g = gold(interventions=[drug("plavenide", dose=dose(40, "mg"), other=(dose(60, "mg"),))])
    assert metrics(g, Prediction(drugs={"plavenide": [(60.0, None, "mg/day")]}))[
        "dose_accuracy"] == 1.0


def test_a_dose_for_a_drug_without_gold_dose_is_a_wrong_key_fact() -> None:
    g = gold(interventions=[drug("zorbamycin")], study_n=[])
    m = metrics(g, Prediction(drugs={"zorbamycin": [(5.0, None, "mg")]}))
    assert m["dose_accuracy"] is None
    assert m["counts"]["kf_pred"] == 2 and m["counts"]["kf_pred_right"] == 1


# --------------------------------------------------------------------------- adverse events

def test_an_event_matches_when_all_gold_words_are_in_the_prediction() -> None:
    g = gold(adverse_events=[event("neutropenia")])
    assert metrics(g, Prediction(events={"severe neutropenia": {None}}))[
        "adverse_events"]["f1"] == 1.0
    g = gold(adverse_events=[event("severe neutropenia")])
    assert metrics(g, Prediction(events={"neutropenia": {None}}))[
        "adverse_events"]["f1"] == 0.0


def test_short_abbreviation_synonyms_match_only_by_equality() -> None:
    g = gold(adverse_events=[event("upper respiratory infection", synonyms=("uri",))])
    assert metrics(g, Prediction(events={"URI": {None}}))["adverse_events"]["r"] == 1.0
    assert metrics(g, Prediction(events={"uri flare": {None}}))["adverse_events"]["r"] == 0.0


def test_a_not_adverse_event_named_exactly_beats_a_word_match() -> None:
    g = gold(adverse_events=[event("thrombocytopenia", "zorbamycin")],
             not_adverse_events=[{"term": "heparin-induced thrombocytopenia", "synonyms": [],
                                  "why": "differential"}])
    s = facts.score_file(g, Prediction(events={"heparin induced thrombocytopenia": {None}}))
    assert [v["gold"] for v in s.violations] == ["heparin-induced thrombocytopenia"]
    assert facts.summarize(s.counts)["adverse_events"]["r"] == 0.0


def test_the_indication_listed_as_an_adverse_event_is_a_violation() -> None:
    g = gold(not_adverse_events=[{"term": "gloomfever", "synonyms": [], "why": "indication"}])
    s = facts.score_file(g, Prediction(events={"acute gloomfever": {"zorbamycin"}}))
    assert s.violations[0]["kind"] == "not_adverse_event"
    assert s.violations[0]["predicted"] == "acute gloomfever"


def test_attribution_uses_the_gold_drugs_synonyms() -> None:
    g = gold(interventions=[drug("zorbamycin", ("ZBM",)), drug("plavenide")],
             adverse_events=[event("rash", "zorbamycin")])
    right = metrics(g, Prediction(events={"rash": {"zbm"}}))
    assert right["attribution_accuracy"] == 1.0
    wrong = metrics(g, Prediction(events={"rash": {"plavenide"}}))
    assert wrong["attribution_accuracy"] == 0.0
    assert wrong["adverse_events"]["f1"] == 1.0  # the event itself is right
    assert wrong["counts"]["kf_found"] == 0  # the (event, drug) fact is not


def test_an_event_tied_to_several_drugs_accepts_any() -> None:
    g = gold(adverse_events=[event("hypertension", ["zorbamycin", "plavenide"])])
    assert metrics(g, Prediction(events={"hypertension": {"plavenide"}}))[
        "attribution_accuracy"] == 1.0


def test_neutral_events_count_neither_way() -> None:
    g = gold(adverse_events=[event("rash")], neutral_events=["nasal stuffiness"])
    m = metrics(g, Prediction(events={"rash": {None}, "nasal stuffiness": {None}}))
    assert m["adverse_events"]["p"] == 1.0


# --------------------------------------------------------------------------- study n

def test_study_n_is_right_when_it_is_one_of_the_accepted_values() -> None:
    g = gold(study_n=[40, 38])
    assert metrics(g, Prediction(n=38))["study_n_accuracy"] == 1.0
    assert metrics(g, Prediction(n=120))["study_n_accuracy"] == 0.0
    assert metrics(g, Prediction(n=None))["study_n_accuracy"] == 0.0


def test_a_blank_n_is_right_when_the_gold_cannot_tell() -> None:
    g = gold(study_n=[])
    blank = metrics(g, Prediction(n=None))
    assert blank["study_n_accuracy"] == 1.0
    assert blank["counts"].get("kf_gold", 0) == 0 and blank["counts"].get("kf_pred", 0) == 0
    guessed = metrics(g, Prediction(n=7))
    assert guessed["study_n_accuracy"] == 0.0
    assert guessed["key_facts"]["p"] == 0.0


# --------------------------------------------------------------------------- key facts

def test_key_facts_count_drugs_doses_attributed_events_and_n() -> None:
    g = gold(study_n=[12],
             interventions=[drug("zorbamycin", dose=dose(5, "mg")), drug("plavenide")],
             adverse_events=[event("rash", "zorbamycin"), event("dizziness")],
             outcomes=[{"measure": "invented score", "values": [4.2, 17]}])
    p = Prediction(drugs={"zorbamycin": [(5.0, None, "mg")], "quellotrex": []},
                   events={"rash": {"plavenide"}, "dizziness": {None}}, n=12,
                   values=[17.0, 3.0])
    m = metrics(g, p)
    # gold facts: 2 drugs + 1 dose + 2 events + n = 6; found: zorbamycin, its dose, dizziness, n
    # predicted: 2 drugs + 1 dose + 2 events + n = 6; right: the same 4
    assert m["counts"]["kf_gold"] == 6 and m["counts"]["kf_found"] == 4
    assert m["counts"]["kf_pred"] == 6 and m["counts"]["kf_pred_right"] == 4
    assert m["key_facts"]["f1"] == pytest.approx(4 / 6)
    assert m["outcome_value_recall"] == 0.5


def test_overall_scores_sum_counts_over_files() -> None:
    g = gold(interventions=[drug("zorbamycin")])
    scores = [facts.score_file(g, Prediction(drugs={"zorbamycin": []}), "a.xml"),
              facts.score_file(g, Prediction(), "a.pdf")]
    overall = facts.to_json(scores)["overall"]
    assert overall["interventions"]["r"] == 0.5
    assert overall["interventions"]["p"] == 1.0
    assert facts.prf(0, 0, 0, 0) == {"p": None, "r": None, "f1": None}


# --------------------------------------------------------------------------- predictions

def _evidence(path: str, records: list[dict[str, Any]]) -> EvidenceDocument:
    return EvidenceDocument.model_validate({
        "id": "invented", "source": {"path": path, "format": "jats", "sha256": "0"},
        "text": "invented", "records": records})


def test_predictions_come_from_every_record_without_negated_events() -> None:
    doc = _evidence("/x/invented1.xml", [
        {"id": "s", "level": "study", "population": {"n": 30},
         "interventions": [{"drug": {"name": "zorbamycin"},
                            "dose": {"value": 5, "unit": "mg", "text": "5 mg"}}],
         "outcomes": [{"value": 4.2, "text": "4.2"}],
         "adverse_events": [{"term": "rash", "drug": "zorbamycin", "text": "rash"},
                            {"term": "fever", "negated": True, "text": "no fever"}]},
        {"id": "p1", "level": "patient", "population": {"n": 1},
         "interventions": [{"drug": {"name": "plavenide"}}],
         "adverse_events": [{"term": "rash", "text": "rash"}]},
    ])
    p = facts.predictions_from(doc)
    assert p.drugs == {"zorbamycin": [(5.0, None, "mg")], "plavenide": []}
    assert p.events == {"rash": {"zorbamycin", None}}
    assert p.n == 30
    assert p.values == [4.2]


def test_select_restricts_to_named_files_or_articles() -> None:
    golds = [gold(), gold(id="INVENTED2", files=["pdf/two.pdf", "html/two.html"])]
    assert [f for _, f in facts.select(golds, [])] == [
        "jats/invented1.xml", "pdf/two.pdf", "html/two.html"]
    assert [f for _, f in facts.select(golds, ["two.pdf"])] == ["pdf/two.pdf"]
    assert [f for _, f in facts.select(golds, ["INVENTED2"])] == ["pdf/two.pdf", "html/two.html"]


def test_main_scores_a_predictions_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    gold_dir, articles = tmp_path / "gold", tmp_path / "articles"
    (articles / "jats").mkdir(parents=True)
    (articles / "jats" / "invented1.xml").write_text("<article/>", encoding="utf-8")
    gold_dir.mkdir()
    g = gold(interventions=[drug("zorbamycin")],
             not_interventions=[{"drug": "quellotrex", "synonyms": [], "why": "literature"}])
    (gold_dir / "INVENTED1.json").write_text(json.dumps(g), encoding="utf-8")
    pred = _evidence("/elsewhere/invented1.xml", [
        {"id": "s", "level": "study", "population": {"n": 1},
         "interventions": [{"drug": {"name": "zorbamycin"}}, {"drug": {"name": "quellotrex"}}]}])
    pred_file = tmp_path / "pred.jsonl"
    pred_file.write_text(pred.model_dump_json() + "\n", encoding="utf-8")
    monkeypatch.setattr(facts, "GOLD_DIR", gold_dir)
    monkeypatch.setattr(facts, "ARTICLES", articles)

    assert facts.main(["--pred", str(pred_file), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["overall"]["violations"] == 1
    assert out["overall"]["interventions"]["p"] == 0.5
    assert out["files"][0]["violation_list"][0]["predicted"] == "quellotrex"

    assert facts.main(["--pred", str(pred_file)]) == 0
    text = capsys.readouterr().out
    assert "not_intervention 'quellotrex'" in text


def test_main_exits_0_with_a_message_without_the_articles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(facts, "ARTICLES", tmp_path / "absent")
    assert facts.main([]) == 0
    assert "is absent" in capsys.readouterr().out


# --------------------------------------------------------------------------- gold files

def test_validate_gold_reports_contradictions_and_unknown_labels() -> None:
    bad = gold(interventions=[drug("zorbamycin", ("ZBM",))],
               not_interventions=[{"drug": "zbm", "synonyms": [], "why": "rumour"}],
               adverse_events=[event("rash")],
               not_adverse_events=[{"term": "Rash", "synonyms": [], "why": "indication"}])
    problems = facts.validate_gold(bad)
    assert "zbm is both an intervention and not one" in problems
    assert "not_intervention zbm: unknown why rumour" in problems
    assert "Rash is both an adverse event and not one" in problems
    assert facts.validate_gold({"id": "x"})[0] == "missing key files"
    assert facts.validate_gold(gold()) == []


GOLD_FILES = sorted((REPO / "corpus" / "gold" / "facts").glob("*.json"))


def test_the_team_gold_covers_at_least_twelve_articles_in_every_format() -> None:
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in GOLD_FILES]
    assert len(golds) >= 12
    formats = {f.split("/")[0] for g in golds for f in g["files"]}
    assert {"jats", "pdf", "html"} <= formats
    designs = {g["design"] for g in golds}
    assert {"case report", "case series", "randomized controlled trial"} <= designs


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_every_gold_file_is_valid(path: Path) -> None:
    g = json.loads(path.read_text(encoding="utf-8"))
    assert g["id"] == path.stem
    articles = facts.ARTICLES if facts.ARTICLES.is_dir() else None
    assert facts.validate_gold(g, articles) == []
