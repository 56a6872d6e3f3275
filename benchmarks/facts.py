"""Key facts per article: the toolkit's evidence records against the team's gold.

Run:  .venv/bin/python benchmarks/facts.py [--format text|json] [--files NAME ...] [--rules-only]
          [--verbose] [--pred FILE.jsonl]
      Another checkout's code on this gold (e.g. a ``git worktree add /tmp/base REV``):
      PYTHONPATH=/tmp/base .venv/bin/python benchmarks/facts.py

The gold is ``corpus/gold/facts/<id>.json`` (guidelines in its README.md), one file per real
article of ../shared/articles, listing every file of the article (JATS, PDF, HTML). Each file
is parsed and run through ``Pipeline().pipe`` (or read from ``--pred``: EvidenceDocuments as
``extractor extract`` writes them, matched to the gold by the file name of ``source.path``)
and scored on its own; the overall line sums the counts over all files (micro).

What is predicted, over all records (study, arm and patient):
* interventions: the distinct drug names (``interventions[].drug.name``) with their doses;
* adverse events: the distinct terms of non-negated ``adverse_events`` with their drugs;
* study n: the first non-blank ``population.n`` of the study records (blank when none);
* outcome values: every ``outcomes[].value``.

Names are compared after lower-casing, dropping spaces and punctuation, ``ae``/``oe`` to
``e`` and a final plural ``s`` (``norm``). A predicted drug matches a gold intervention when it
equals the drug or a synonym. A predicted event matches a gold event when it equals the term or
a synonym, or when all the words of the term (or of a synonym longer than three characters) are
words of the prediction: gold "neutropenia" matches "severe neutropenia". Equality beats word
containment: "heparin-induced thrombocytopenia" is the not-adverse-event of that name, not the
gold event "thrombocytopenia"; on a tie the gold event wins. A prediction that matches a gold
``neutral_drugs``/``neutral_events`` name (and nothing of the gold's facts) counts neither
way.

Scores per file:
* intervention precision/recall/F1: precision over the predicted names, recall over the gold
  interventions;
* dose accuracy: of the gold interventions with a dose, the share for which some predicted
  dose of a matching drug has the same value, value_max and unit (the gold dose or one of its
  ``other_doses``; per-day and per-week suffixes of units are dropped: that is frequency);
* AE precision/recall/F1 in the same way; attribution accuracy: of the matched gold events
  that name a drug, the share for which a matching prediction names that drug (or a synonym);
* study-n accuracy: n is one of ``study_n``; when ``study_n`` is [] a blank n is right;
* outcome-value recall: gold outcome values equal to some predicted value within 1e-6 or after
  rounding the prediction to the gold value's decimals;
* violations: a predicted drug that matches a ``not_interventions`` entry and no gold
  intervention; a predicted non-negated event that matches a ``not_adverse_events`` entry and
  no gold event.

Key facts (micro precision/recall/F1). Gold facts: each intervention; each intervention with a
dose (the dose); each adverse event, as the pair (event, drug) when the gold names a drug; the
study n when ``study_n`` is not empty. Predicted facts: each non-neutral predicted drug; each
such drug with at least one dose; each non-neutral predicted event; the study n when not blank.
A predicted fact is right when the drug matches a gold intervention; when one of its doses
equals the dose of the gold intervention it matches; when the event matches a gold event and,
if the gold names a drug, some prediction of that term names it; when n is in ``study_n``. A
gold fact is found when a right predicted fact matches it. Precision = right predicted facts /
predicted facts, recall = found gold facts / gold facts.

A benchmark, not a gate: exits 0 whatever the scores (2 when the pipeline does not load).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, SHARED  # noqa: E402

from extractor.evidence import EvidenceDocument, read_evidence_jsonl  # noqa: E402

GOLD_DIR = REPO / "corpus" / "gold" / "facts"
ARTICLES = SHARED / "articles"
GOLD_KEYS = ("id", "files", "design", "study_n", "interventions", "not_interventions",
             "adverse_events", "not_adverse_events", "outcomes")
OPTIONAL_KEYS = ("neutral_drugs", "neutral_events")
NOT_INTERVENTION_WHY = ("not_given", "literature", "planned", "excluded", "history", "measured",
                        "hypothetical")
NOT_AE_WHY = ("indication", "history", "absent", "literature", "differential", "other_cause",
              "eligibility")
# Abbreviation synonyms this short ("hit", "uri") would match unrelated terms word by word.
SHORT = 3

Dose = tuple[float, float | None, str]


# ---------------------------------------------------------------------------- matching

def norm(name: str) -> str:
    """Comparison key of a name: lower case, British ae/oe as e, no spaces or punctuation,
    no final plural s ("Graves' disease" -> "gravesdisease", "Anaemias" -> "anemia")."""
    key = re.sub(r"[\W_]+", "", name.lower().replace("ae", "e").replace("oe", "e"))
    return key[:-1] if len(key) > SHORT and key.endswith("s") else key


def words(name: str) -> frozenset[str]:
    """The words of a name, each normalized like ``norm``."""
    return frozenset(norm(w) for w in re.split(r"[\W_]+", name) if w)


def drug_keys(entry: Mapping[str, Any]) -> set[str]:
    """Comparison keys of a gold drug entry: its name and synonyms."""
    return {norm(entry["drug"])} | {norm(s) for s in entry.get("synonyms", [])}


def drug_matches(name: str, entry: Mapping[str, Any]) -> bool:
    """A predicted drug name is the gold drug or one of its synonyms."""
    return norm(name) in drug_keys(entry)


def event_match(term: str, entry: Mapping[str, Any]) -> int:
    """How a predicted event term matches a gold entry: 2 when it is the term or a synonym,
    1 when it contains all the words of the term or of a synonym longer than three
    characters, 0 when it does not match."""
    key, pred_words = norm(term), words(term)
    names = [entry["term"], *entry.get("synonyms", [])]
    if any(norm(name) == key for name in names):
        return 2
    return int(any(len(norm(n)) > SHORT and words(n) <= pred_words for n in names))


def event_matches(term: str, entry: Mapping[str, Any]) -> bool:
    """A predicted event term matches a gold entry (``event_match`` above 0)."""
    return event_match(term, entry) > 0


def unit_key(unit: str) -> str:
    """Comparison key of a dose unit: µg = mcg = ug, m² = m2, U = units; a per-day or
    per-week suffix is frequency, not unit."""
    key = re.sub(r"\s+", "", unit.lower()).replace("µ", "u").replace("μ", "u")
    key = key.replace("mcg", "ug").replace("²", "2").replace("units", "u").replace("unit", "u")
    return re.sub(r"/(?:day|d|24h|week|wk|dose)$", "", key)


def same_dose(pred: Dose, gold: Mapping[str, Any]) -> bool:
    """Same value, same upper bound of a range (or none on both sides) and same unit."""
    value, value_max, unit = pred
    gold_max = gold.get("value_max")
    if abs(value - float(gold["value"])) > 1e-6:
        return False
    if value_max is None or gold_max is None:
        if value_max is not None or gold_max is not None:
            return False
    elif abs(value_max - float(gold_max)) > 1e-6:
        return False
    return unit_key(unit) == unit_key(str(gold["unit"]))


def gold_doses(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The acceptable doses of a gold intervention: its dose and its other doses."""
    if not entry.get("dose"):
        return []
    return [entry["dose"], *entry.get("other_doses", [])]


def value_matches(pred: float, gold: float) -> bool:
    """Within 1e-6, or equal once the prediction is rounded to the gold's decimals."""
    if abs(pred - gold) <= 1e-6:
        return True
    text = repr(float(gold))
    decimals = 0 if "e" in text or text.endswith(".0") else len(text.split(".")[1])
    return abs(round(pred, decimals) - gold) <= 1e-9


# ---------------------------------------------------------------------------- predictions

@dataclass
class Prediction:
    """What one EvidenceDocument claims, reduced to the facts the gold scores."""

    drugs: dict[str, list[Dose]] = field(default_factory=dict)
    events: dict[str, set[str | None]] = field(default_factory=dict)
    n: int | None = None
    values: list[float] = field(default_factory=list)


def predictions_from(doc: EvidenceDocument) -> Prediction:
    """Distinct drugs (with their doses), non-negated events (with their drugs), the first
    non-blank n of the study records and all outcome values, over every record."""
    pred = Prediction()
    for record in doc.records:
        for item in record.interventions:
            doses = pred.drugs.setdefault(item.drug.name, [])
            dose = item.dose
            if dose is not None and dose.value is not None and dose.unit:
                doses.append((dose.value, dose.value_max, dose.unit))
        for ae in record.adverse_events:
            if not ae.negated:
                pred.events.setdefault(ae.term, set()).add(ae.drug)
        pred.values += [o.value for o in record.outcomes if o.value is not None]
        if record.level == "study" and pred.n is None:
            pred.n = record.population.n
    return pred


# ---------------------------------------------------------------------------- scoring

@dataclass
class FileScore:
    """Counts and listings for one file of one gold article."""

    article: str
    file: str
    counts: Counter[str] = field(default_factory=Counter)
    fp: list[str] = field(default_factory=list)
    fn: list[str] = field(default_factory=list)
    violations: list[dict[str, str]] = field(default_factory=list)
    n_pred: int | None = None
    error: str | None = None


def _attributed(drugs: set[str | None], gold_drug: str | list[str],
                interventions: Sequence[Mapping[str, Any]]) -> bool:
    """Some predicted drug of an event is the gold's attributed drug (or its synonym)."""
    wanted = [gold_drug] if isinstance(gold_drug, str) else list(gold_drug)
    keys: set[str] = set()
    for name in wanted:
        entry = next((i for i in interventions if drug_matches(name, i)), None)
        keys |= drug_keys(entry) if entry else {norm(name)}
    return any(d is not None and norm(d) in keys for d in drugs)


def score_file(gold: Mapping[str, Any], pred: Prediction, file: str = "") -> FileScore:
    """Score one prediction against one article's gold (see the module docstring)."""
    s = FileScore(str(gold["id"]), file)
    c = s.counts
    ints = gold["interventions"]
    neutral_drugs = {norm(n) for n in gold.get("neutral_drugs", [])}
    neutral_events = [{"term": t} for t in gold.get("neutral_events", [])]

    # Interventions and their doses
    found_drug: set[int] = set()
    found_dose: set[int] = set()
    for name, doses in pred.drugs.items():
        hits = [i for i, g in enumerate(ints) if drug_matches(name, g)]
        if not hits:
            bad = next((g for g in gold["not_interventions"] if drug_matches(name, g)), None)
            if bad is not None:
                s.violations.append({"kind": "not_intervention", "predicted": name,
                                     "gold": bad["drug"], "why": bad.get("why", "")})
            elif norm(name) in neutral_drugs:
                continue
            c["int_pred"] += 1
            c["kf_pred"] += 1 + bool(doses)
            s.fp.append(f"drug {name}")
            continue
        c["int_pred"] += 1
        c["int_pred_right"] += 1
        c["kf_pred"] += 1
        c["kf_pred_right"] += 1
        found_drug.update(hits)
        if doses:
            c["kf_pred"] += 1
            right = [i for i in hits
                     if any(same_dose(d, g) for d in doses for g in gold_doses(ints[i]))]
            c["kf_pred_right"] += bool(right)
            found_dose.update(right)
            if not right:
                s.fp.append(f"dose {name} {sorted(set(doses), key=str)}")
    with_dose = [i for i, g in enumerate(ints) if g.get("dose")]
    c["int_gold"] += len(ints)
    c["int_found"] += len(found_drug)
    c["dose_gold"] += len(with_dose)
    c["dose_right"] += len(found_dose)
    s.fn += [f"drug {ints[i]['drug']}" for i in range(len(ints)) if i not in found_drug]
    s.fn += [f"dose {ints[i]['drug']} {ints[i]['dose']}" for i in with_dose
             if i not in found_dose and i in found_drug]

    # Adverse events and their attribution
    aes = gold["adverse_events"]
    matched_ae: set[int] = set()
    attributed_ae: set[int] = set()
    for term, drugs in pred.events.items():
        # The closer match wins: "heparin-induced thrombocytopenia", a ruled-out diagnosis,
        # is not the gold event "thrombocytopenia" although it holds its word.
        strength = [event_match(term, g) for g in aes]
        not_strength = [event_match(term, g) for g in gold["not_adverse_events"]]
        best, best_not = max(strength, default=0), max(not_strength, default=0)
        hits = [i for i, v in enumerate(strength) if v and v == best and best >= best_not]
        if not hits:
            bad = (gold["not_adverse_events"][not_strength.index(best_not)] if best_not
                   else None)
            if bad is not None:
                s.violations.append({"kind": "not_adverse_event", "predicted": term,
                                     "gold": bad["term"], "why": bad.get("why", "")})
            elif any(event_matches(term, g) for g in neutral_events):
                continue
            c["ae_pred"] += 1
            c["kf_pred"] += 1
            s.fp.append(f"event {term}")
            continue
        c["ae_pred"] += 1
        c["ae_pred_right"] += 1
        c["kf_pred"] += 1
        matched_ae.update(hits)
        right = [i for i in hits
                 if not aes[i].get("drug") or _attributed(drugs, aes[i]["drug"], ints)]
        attributed_ae.update(right)
        c["kf_pred_right"] += bool(right)
        if not right:
            s.fp.append(f"attribution {term} -> {sorted(d or '' for d in drugs)}")
    named = [i for i, g in enumerate(aes) if g.get("drug")]
    c["ae_gold"] += len(aes)
    c["ae_found"] += len(matched_ae)
    c["attr_gold"] += sum(i in matched_ae for i in named)
    c["attr_right"] += sum(i in matched_ae and i in attributed_ae for i in named)
    s.fn += [f"event {aes[i]['term']}" for i in range(len(aes)) if i not in matched_ae]
    s.fn += [f"attribution {aes[i]['term']} -> {aes[i]['drug']}" for i in named
             if i in matched_ae and i not in attributed_ae]

    # Study n
    study_n = [int(v) for v in gold["study_n"]]
    s.n_pred = pred.n
    n_right = pred.n in study_n if study_n else pred.n is None
    c["n_files"] += 1
    c["n_right"] += n_right
    if pred.n is not None:
        c["kf_pred"] += 1
        c["kf_pred_right"] += n_right
    if not n_right:
        s.fp.append(f"n {pred.n} (gold {study_n or 'blank'})")

    # Outcome values
    values = [float(v) for o in gold["outcomes"] for v in o["values"]]
    c["val_gold"] += len(values)
    c["val_found"] += sum(any(value_matches(p, v) for p in pred.values) for v in values)

    # Key facts found: interventions, doses, (event, drug) pairs, n
    c["kf_gold"] += len(ints) + len(with_dose) + len(aes) + bool(study_n)
    c["kf_found"] += len(found_drug) + len(found_dose) + len(attributed_ae)
    c["kf_found"] += bool(study_n) and n_right
    c["violations"] += len(s.violations)
    return s


def ratio(num: float, den: float) -> float | None:
    """num / den, or None when there is nothing to divide by."""
    return num / den if den else None


def prf(right_pred: float, n_pred: float, found: float, n_gold: float
        ) -> dict[str, float | None]:
    """Precision, recall and F1 (None where undefined)."""
    p, r = ratio(right_pred, n_pred), ratio(found, n_gold)
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r else (
        0.0 if p is not None and r is not None else None)
    return {"p": p, "r": r, "f1": f1}


def summarize(counts: Mapping[str, int]) -> dict[str, Any]:
    """The metrics of a set of counts (one file, or all files summed)."""
    c = Counter(counts)
    return {
        "interventions": prf(c["int_pred_right"], c["int_pred"], c["int_found"], c["int_gold"]),
        "dose_accuracy": ratio(c["dose_right"], c["dose_gold"]),
        "adverse_events": prf(c["ae_pred_right"], c["ae_pred"], c["ae_found"], c["ae_gold"]),
        "attribution_accuracy": ratio(c["attr_right"], c["attr_gold"]),
        "study_n_accuracy": ratio(c["n_right"], c["n_files"]),
        "outcome_value_recall": ratio(c["val_found"], c["val_gold"]),
        "violations": c["violations"],
        "key_facts": prf(c["kf_pred_right"], c["kf_pred"], c["kf_found"], c["kf_gold"]),
        "counts": dict(sorted(c.items())),
    }


# ---------------------------------------------------------------------------- gold

def validate_gold(gold: Mapping[str, Any], articles: Path | None = None) -> list[str]:
    """Problems of one gold file: missing or unknown keys, wrong types, unknown why labels,
    a drug both given and not given, files absent from ``articles`` (when given)."""
    problems = [f"missing key {k}" for k in GOLD_KEYS if k not in gold]
    problems += [f"unknown key {k}" for k in gold if k not in GOLD_KEYS + OPTIONAL_KEYS]
    if problems:
        return problems
    if not isinstance(gold["files"], list) or not gold["files"]:
        problems.append("files must be a non-empty list")
    if not all(isinstance(n, int) and n > 0 for n in gold["study_n"]):
        problems.append("study_n must hold positive integers")
    for entry in gold["interventions"]:
        if entry["drug"] != entry["drug"].lower():
            problems.append(f"drug {entry['drug']} is not lower case")
        for dose in gold_doses(entry):
            if not isinstance(dose.get("value"), (int, float)) or not dose.get("unit"):
                problems.append(f"dose of {entry['drug']} needs a value and a unit")
    given = [k for e in gold["interventions"] for k in drug_keys(e)]
    if len(given) != len(set(given)):
        problems.append("a name is listed for two interventions")
    for entry in gold["not_interventions"]:
        if drug_keys(entry) & set(given):
            problems.append(f"{entry['drug']} is both an intervention and not one")
        if entry.get("why") not in NOT_INTERVENTION_WHY:
            problems.append(f"not_intervention {entry['drug']}: unknown why {entry.get('why')}")
    for entry in gold["adverse_events"]:
        drugs = entry.get("drug")
        if not (drugs is None or isinstance(drugs, str)
                or (isinstance(drugs, list) and all(isinstance(d, str) for d in drugs))):
            problems.append(f"adverse event {entry['term']}: drug must be a name, list or null")
    event_keys = {norm(n) for e in gold["adverse_events"]
                  for n in [e["term"], *e.get("synonyms", [])]}
    for entry in gold["not_adverse_events"]:
        if norm(entry["term"]) in event_keys:
            problems.append(f"{entry['term']} is both an adverse event and not one")
        if entry.get("why") not in NOT_AE_WHY:
            problems.append(f"not_adverse_event {entry['term']}: unknown why {entry.get('why')}")
    for outcome in gold["outcomes"]:
        if not all(isinstance(v, (int, float)) for v in outcome.get("values", [])):
            problems.append(f"outcome {outcome.get('measure')}: values must be numbers")
    if articles is not None:
        problems += [f"file {f} is absent" for f in gold["files"] if not (articles / f).is_file()]
    return problems


def load_gold(directory: Path = GOLD_DIR) -> list[dict[str, Any]]:
    """Every gold article, sorted by id."""
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in directory.glob("*.json")]
    return sorted(golds, key=lambda g: str(g["id"]))


def select(golds: Iterable[Mapping[str, Any]], wanted: Sequence[str]
           ) -> Iterator[tuple[Mapping[str, Any], str]]:
    """(gold, file) pairs, restricted to the files or article ids named in ``wanted``."""
    for gold in golds:
        for file in gold["files"]:
            names = {str(gold["id"]), file, Path(file).name}
            if not wanted or names & set(wanted):
                yield gold, file


# ---------------------------------------------------------------------------- running

def run_pipeline(paths: Sequence[Path], ner: bool) -> dict[str, EvidenceDocument | str]:
    """Parse and extract every file: its EvidenceDocument, or the parse error."""
    from extractor.parsers import parse
    from extractor.pipeline import Pipeline

    pipeline = Pipeline(ner=ner)
    out: dict[str, EvidenceDocument | str] = {}
    docs = []
    for path in paths:
        try:
            docs.append(parse(path))
        except Exception as err:  # a file that does not parse is scored as predicting nothing
            out[path.name] = f"{type(err).__name__}: {err}"
    for evidence in pipeline.pipe(docs):
        out[Path(evidence.source.path).name] = evidence
    return out


def read_predictions(path: Path) -> dict[str, EvidenceDocument | str]:
    """EvidenceDocuments of a JSON Lines file, by the file name of their source path."""
    out: dict[str, EvidenceDocument | str] = {}
    for number, item in read_evidence_jsonl(path):
        if isinstance(item, str):
            print(f"{path}:{number}: skipped: {item}", file=sys.stderr)
        else:
            out[Path(item.source.path).name] = item
    return out


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def format_text(scores: Sequence[FileScore], verbose: bool) -> str:
    """Per-file table, overall metrics and every violation."""
    head = (f"{'article':<28} {'file':<34} {'int P/R/F1':>15} {'dose':>5} {'AE P/R/F1':>15} "
            f"{'attr':>5} {'n':>7} {'vals':>5} {'viol':>4} {'key F1':>6}")
    lines = ["n: the predicted study n, + right, x wrong; vals: outcome-value recall; "
             "viol: violations", head, "-" * len(head)]
    total: Counter[str] = Counter()
    for s in scores:
        total.update(s.counts)
        m = summarize(s.counts)
        i, a, k = m["interventions"], m["adverse_events"], m["key_facts"]
        n = "err" if s.error else ("-" if s.n_pred is None else str(s.n_pred))
        n += "+" if m["study_n_accuracy"] else "x"
        lines.append(
            f"{s.article[:28]:<28} {Path(s.file).name[:34]:<34} "
            f"{_fmt(i['p'])}/{_fmt(i['r'])}/{_fmt(i['f1'])} {_fmt(m['dose_accuracy'])} "
            f"{_fmt(a['p'])}/{_fmt(a['r'])}/{_fmt(a['f1'])} {_fmt(m['attribution_accuracy'])} "
            f"{n:>7} {_fmt(m['outcome_value_recall'])} {m['violations']:>4} {_fmt(k['f1']):>6}")
        if s.error:
            lines.append(f"    error: {s.error}")
        if verbose:
            lines += [f"    FP {x}" for x in s.fp] + [f"    FN {x}" for x in s.fn]
    m = summarize(total)
    lines += ["", f"overall ({len(scores)} files of {len({s.article for s in scores})} articles, "
              "micro):"]
    for name in ("interventions", "adverse_events", "key_facts"):
        p = m[name]
        lines.append(f"  {name:<22} P {_fmt(p['p'])}  R {_fmt(p['r'])}  F1 {_fmt(p['f1'])}")
    for name in ("dose_accuracy", "attribution_accuracy", "study_n_accuracy",
                 "outcome_value_recall"):
        lines.append(f"  {name:<22} {_fmt(m[name])}")
    lines.append(f"  {'violations':<22} {m['violations']}")
    lines += [f"    {s.article} {Path(s.file).name}: {v['kind']} {v['predicted']!r} "
              f"(gold {v['gold']!r}, {v['why']})" for s in scores for v in s.violations]
    return "\n".join(lines)


def to_json(scores: Sequence[FileScore]) -> dict[str, Any]:
    """Per-file metrics, listings and the overall metrics, as one JSON-able dict."""
    total: Counter[str] = Counter()
    files = []
    for s in scores:
        total.update(s.counts)
        files.append({"article": s.article, "file": s.file, "error": s.error,
                      "study_n_predicted": s.n_pred, **summarize(s.counts),
                      "false_positives": s.fp, "false_negatives": s.fn,
                      "violation_list": s.violations})
    return {"files": files, "overall": summarize(total)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--files", nargs="+", default=[], metavar="NAME",
                    help="only these files (name or path under ../shared/articles) or article ids")
    ap.add_argument("--rules-only", dest="ner", action="store_false",
                    help="the rules alone, without the NER model (models/ner)")
    # the model runs by default; --ner (older commands) changes nothing
    ap.add_argument("--ner", dest="ner", action="store_true", default=True,
                    help=argparse.SUPPRESS)
    ap.add_argument("--verbose", action="store_true", help="list false positives and negatives")
    ap.add_argument("--pred", type=Path, default=None, metavar="FILE.jsonl",
                    help="score these EvidenceDocuments instead of running the pipeline")
    args = ap.parse_args(argv)

    if not ARTICLES.is_dir():
        print(f"{ARTICLES} is absent: the facts benchmark needs ../shared/articles beside the "
              "repository; nothing to score")
        return 0
    golds = load_gold(GOLD_DIR)
    for gold in golds:
        for problem in validate_gold(gold, ARTICLES):
            print(f"warning: gold {gold['id']}: {problem}", file=sys.stderr)
    pairs = list(select(golds, args.files))
    if not pairs:
        print(f"no gold file matches {args.files}")
        return 0
    if args.pred is not None:
        predicted = read_predictions(args.pred)
    else:
        try:
            predicted = run_pipeline([ARTICLES / f for _, f in pairs], args.ner)
        except Exception as err:  # the pipeline is assembled by several modules: say why
            print(f"the pipeline does not load: {type(err).__name__}: {err}", file=sys.stderr)
            return 2
    scores = []
    for article, file in pairs:
        item = predicted.get(Path(file).name)
        if item is None:
            print(f"no prediction for {file}: skipped", file=sys.stderr)
            continue
        if isinstance(item, str):
            score = score_file(article, Prediction(), file)
            score.error = item
        else:
            score = score_file(article, predictions_from(item), file)
        scores.append(score)
    if args.format == "json":
        print(json.dumps(to_json(scores), indent=1))
    else:
        print(format_text(scores, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
