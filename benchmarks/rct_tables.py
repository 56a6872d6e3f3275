"""Trial tables to arm records: the share of gold outcome fields the arm records reproduce.

Gold: ``shared/articles/jats/rct_fragments/annotated_rct_dataset.subset.csv`` (48 rows over
six PMC fragments; see shared/articles/README.md). Its ``split`` column is the upstream
dataset's own label; the project ships these rows as the gold of this benchmark, so every
row is scored. Nothing in the extraction code is tuned on them: this script only reports.
The matching rules below are generic, but they were settled while reading ``--rows`` on
these same rows (there is no other gold), so treat the matcher's share as a best case.

Each fragment runs through ``extractor.parse`` and ``extractor.pipeline.Pipeline``; only its
``level == "arm"`` records are used. For each gold row:

1. Arms. Every arm record gets a score against the gold intervention and comparator text:
   the Dice overlap of word tokens (lower case, letters and digits split, plural "s" off,
   words of 7+ letters cut to 6, "control" read as "placebo") of the arm label plus its normalized
   drug names, against the gold text plus the normalized names of the drugs the pipeline
   finds in it. In each table the best-scoring arm (score > 0) is the intervention arm and
   the best of the others the comparator arm; ties go to the first.
2. Outcome. Over the tables where an intervention arm was found, the outcome row whose
   measure shares the most tokens (Dice, at least one word; an upper-case acronym of the
   measure stands for the gold words it abbreviates, "MCS" for "Mental Component Summary")
   with the gold outcome; ties go to the caption's overlap, then to the first row of the
   table and its last column (the final timepoint). The comparator's value is the same row
   (measure and timepoint) of the comparator arm of that table.
3. Fields. Group size is reproduced when it equals ``population.n`` of the arm record that
   holds the matched outcome (no outcome matched: the best-scoring arm of the file).
   Events, mean and SD are reproduced when the gold number is among the numbers of the
   matched outcome's text or value. Equality is exact (as numbers: "34" = "34.0").

Printed: per field, the gold rows with a value, how many are reproduced and the share; first
for the rows whose data the gold marks as in a table, then for the others
(``is_relevant_data_in_table`` FALSE), then for all. ``--rows`` also prints each row's match.

Run:  .venv/bin/python benchmarks/rct_tables.py [--rows]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import shared_dir  # noqa: E402

import extractor  # noqa: E402
from extractor.evidence import EvidenceDocument, Outcome, Record  # noqa: E402
from extractor.pipeline import Pipeline  # noqa: E402

GOLD_NAME = "annotated_rct_dataset.subset.csv"
FIELDS = ("intervention_events", "intervention_group_size", "comparator_events",
          "comparator_group_size", "intervention_mean", "intervention_standard_deviation",
          "comparator_mean", "comparator_standard_deviation")
# function words and table noise that say nothing about which arm or outcome is meant
_STOP = {"a", "an", "the", "of", "and", "or", "for", "in", "on", "at", "to", "with", "by",
         "as", "if", "when", "due", "had", "was", "were", "is", "are", "n", "mg", "per",
         "plus", "arm", "group", "patients", "patient", "number", "mean", "sd", "ci", "vs"}
_SYNONYMS = {"control": "placebo", "pbo": "placebo"}
_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
# a sign only where no digit precedes it: "11–73" is a range, "-1.0" a negative number
_NUMBER = re.compile(r"(?<![\d.])[-−]?\d+(?:\.\d+)?")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


def tokens(text: str) -> set[str]:
    """Content word tokens: lower case, letters and digits apart, plural "s" off, long words
    cut to 6 letters, single letters dropped."""
    out: set[str] = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP or (word.isalpha() and len(word) < 2):
            continue
        word = _SYNONYMS.get(word, word)
        if word.isalpha() and len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.add(word[:6] if word.isalpha() and len(word) > 6 else word)
    return out


def dice(a: set[str], b: set[str]) -> float:
    """2|a∩b| / (|a|+|b|); 0 when either is empty."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def numbers(text: str) -> set[float]:
    """Every number written in ``text``."""
    return {float(x.replace("−", "-")) for x in _NUMBER.findall(text)}


def expansions(text: str) -> dict[str, list[str]]:
    """Initials of every run of 2-6 consecutive words, with the words: "Mental Component
    Summary" gives "mcs" → [Mental, Component, Summary] (and "mc", "cs")."""
    words = re.findall(r"[A-Za-z]+", text)
    return {"".join(w[0] for w in words[i:j]).lower(): words[i:j]
            for i in range(len(words)) for j in range(i + 2, min(i + 6, len(words)) + 1)}


def outcome_score(gold: str, measure: str) -> float:
    """Dice overlap of the gold outcome and a row's measure (0 without a shared word).

    An acronym of the measure ("MCS") stands for the gold words it abbreviates ("Mental
    Component Summary"): those words are replaced by the acronym before the overlap.
    """
    g, m = tokens(gold), tokens(measure)
    spelled = expansions(gold)
    for acronym in _ACRONYM.findall(measure):
        words = spelled.get(acronym.lower())
        if words:
            g = (g - tokens(" ".join(words))) | {acronym.lower()}
    if not any(t[0].isalpha() for t in g & m):
        return 0.0
    return dice(g, m)


@dataclass
class Arm:
    """An arm record with the tokens it is matched on."""

    record: Record
    table: str
    words: set[str]


@dataclass
class Match:
    """What one gold row was matched to."""

    intervention: Arm | None = None
    comparator: Arm | None = None
    outcome: Outcome | None = None
    comparator_outcome: Outcome | None = None
    reproduced: dict[str, bool] = field(default_factory=dict)


def arm_words(record: Record) -> set[str]:
    label = record.population.text or ""
    return tokens(label + " " + " ".join(iv.drug.name for iv in record.interventions))


def gold_arm_words(text: str, pipeline: Pipeline, cache: dict[str, set[str]]) -> set[str]:
    """Tokens of a gold arm, with the normalized names of the drugs the pipeline finds in it."""
    if text not in cache:
        doc = extractor.parse_bytes(text.encode("utf-8"), "<gold arm>", "text")[0]
        drugs = [m.normalized.name or m.text for m in pipeline.extract(doc).mentions
                 if m.label == "DRUG"]
        cache[text] = tokens(text + " " + " ".join(drugs))
    return cache[text]


def arms_by_table(evidence: EvidenceDocument) -> dict[str, list[Arm]]:
    out: dict[str, list[Arm]] = defaultdict(list)
    for r in evidence.records:
        if r.level == "arm" and r.source.table:
            out[r.source.table].append(Arm(r, r.source.table, arm_words(r)))
    return out


def pick_arms(arms: list[Arm], iv: set[str], cmp: set[str]) -> tuple[Arm | None, Arm | None]:
    """The intervention arm and the comparator arm of one table (None when nothing matches)."""
    def best(words: set[str], exclude: Arm | None) -> Arm | None:
        scored = [(dice(words, a.words), -k, a) for k, a in enumerate(arms) if a is not exclude]
        scored = [s for s in scored if s[0] > 0]
        return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None

    first = best(iv, None)
    return first, best(cmp, first)


def match_row(row: dict[str, str], evidence: EvidenceDocument, captions: dict[str, str],
              iv: set[str], cmp: set[str]) -> Match:
    """Arms and outcome row of ``evidence`` for one gold row, and which fields it reproduces."""
    match = Match()
    candidates: list[tuple[tuple[float, float, int, int], Arm, Arm | None, Outcome]] = []
    fallback: tuple[float, Arm, Arm | None] | None = None
    for table, arms in arms_by_table(evidence).items():
        a, b = pick_arms(arms, iv, cmp)
        if a is None:
            continue
        score = dice(iv, a.words) + (dice(cmp, b.words) if b else 0.0)
        if fallback is None or score > fallback[0]:
            fallback = (score, a, b)
        caption = dice(tokens(row["outcome"]), tokens(captions.get(table, "")))
        row_order: dict[str | None, int] = {}
        for k, o in enumerate(a.record.outcomes):
            first_row = row_order.setdefault(o.measure, len(row_order))
            s = outcome_score(row["outcome"], o.measure or "")
            if s > 0:
                # ties: the first row of the table, in its last column (the final timepoint)
                candidates.append(((s, caption, -first_row, k), a, b, o))
    if candidates:
        _, a, b, o = max(candidates, key=lambda c: c[0])
        match.intervention, match.comparator, match.outcome = a, b, o
        if b is not None:
            match.comparator_outcome = next(
                (x for x in b.record.outcomes
                 if x.measure == o.measure and x.timepoint == o.timepoint), None)
    elif fallback is not None:
        match.intervention, match.comparator = fallback[1], fallback[2]

    for name in FIELDS:
        if not row[name].strip():
            continue
        gold = float(row[name])
        side = name.split("_", 1)[0]
        arm = match.intervention if side == "intervention" else match.comparator
        outcome = match.outcome if side == "intervention" else match.comparator_outcome
        if name.endswith("group_size"):
            ok = arm is not None and arm.record.population.n is not None \
                and float(arm.record.population.n) == gold
        else:
            found = numbers(outcome.text) if outcome else set()
            if outcome is not None and outcome.value is not None:
                found.add(outcome.value)
            ok = any(abs(x - gold) < 1e-9 for x in found)
        match.reproduced[name] = ok
    return match


def report(title: str, matches: list[Match]) -> None:
    """Per field: gold rows with a value, reproduced, share; then all fields together."""
    print(f"\n{title} ({len(matches)} gold rows)")
    print(f"  {'field':34} {'with value':>10} {'reproduced':>10} {'share':>7}")
    total = hits = 0
    for name in FIELDS:
        values = [m.reproduced[name] for m in matches if name in m.reproduced]
        total += len(values)
        hits += sum(values)
        share = f"{sum(values) / len(values):.1%}" if values else "-"
        print(f"  {name:34} {len(values):>10} {sum(values):>10} {share:>7}")
    share = f"{hits / total:.1%}" if total else "-"
    print(f"  {'all fields':34} {total:>10} {hits:>10} {share:>7}")


def describe(arm: Arm | None) -> str:
    return f"{arm.record.id} [{arm.record.population.text}]" if arm else "-"


def main(argv: list[str] | None = None) -> None:
    """Score every gold row and print the per-field shares."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", action="store_true", help="print each gold row's match")
    args = ap.parse_args(argv)

    folder = shared_dir("articles", "jats", "rct_fragments")
    with open(folder / GOLD_NAME, encoding="utf-8", newline="") as handle:
        gold = list(csv.DictReader(handle))
    start = time.perf_counter()
    pipeline = Pipeline()
    evidence = {path.stem: pipeline.extract(extractor.parse(path))
                for path in sorted(folder.glob("PMC*.xml"))}
    cache: dict[str, set[str]] = {}
    in_table: list[Match] = []
    elsewhere: list[Match] = []
    for row in gold:
        doc = evidence.get(f"PMC{row['pmcid']}")
        if doc is None:
            sys.exit(f"no fragment PMC{row['pmcid']}.xml for gold row {row['id']}")
        captions = {t.id: t.caption or "" for t in doc.tables}
        match = match_row(row, doc, captions,
                          gold_arm_words(row["intervention"], pipeline, cache),
                          gold_arm_words(row["comparator"], pipeline, cache))
        (in_table if row["is_relevant_data_in_table"].upper() == "TRUE" else elsewhere) \
            .append(match)
        if args.rows:
            ok = " ".join(f"{k}={'Y' if v else 'n'}" for k, v in match.reproduced.items())
            print(f"row {row['id']} PMC{row['pmcid']} {row['outcome'][:50]!r}\n"
                  f"    intervention {describe(match.intervention)}\n"
                  f"    comparator   {describe(match.comparator)}\n"
                  f"    outcome      {match.outcome.measure if match.outcome else '-'}"
                  f" ({match.outcome.timepoint if match.outcome else ''}): "
                  f"{match.outcome.text if match.outcome else ''} | "
                  f"{match.comparator_outcome.text if match.comparator_outcome else '-'}\n"
                  f"    {ok}")
    arms = sum(r.level == "arm" for d in evidence.values() for r in d.records)
    print(f"{len(evidence)} fragments, {arms} arm records, {len(gold)} gold rows "
          f"({time.perf_counter() - start:.1f} s)")
    report("Data in a table (is_relevant_data_in_table TRUE)", in_table)
    report("Data not in a table (is_relevant_data_in_table FALSE)", elsewhere)
    report("All gold rows", in_table + elsewhere)


if __name__ == "__main__":
    main()
