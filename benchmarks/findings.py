"""Prompted inference on Evidence Inference 2.0 full texts: label macro-F1 and evidence hits.

Run:  .venv/bin/python benchmarks/findings.py [--split validation|train] [--limit N]

Answers every prompt of the split with annotations the way users do
(``extractor.findings.infer.answer_prompts``: the prompts CSV and the folder of the
articles' text files, each article parsed by the toolkit's text parser), then prints:

* label: per class precision/recall/F1 and macro-F1 of the predicted label code against the
  annotators' majority code (extractor/evaluate/findings.py), beside the always-"no
  significant difference" baseline in the same run;
* evidence: the share of prompts whose predicted sentence shares at least half of its word
  tokens with one gold evidence span;
* speed: seconds per article (parse, sentences and every prompt of the article) after load,
  and the load time of the two models.

The models are trained on the train split (``make findings-model``); ``--split train``
therefore scores data the models have seen (optimistic), the validation split is the number
to report. The corpus's test split is held out and never read.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import shared_dir  # noqa: E402

from extractor.evaluate.findings import class_scores, evidence_hit, macro_f1  # noqa: E402
from extractor.formats.evidence_inference import (  # noqa: E402
    LABELS,
    majority_label,
    read_annotations,
)


def _prompts_subset(source: Path, keep: set[str], limit: int | None, out: Path) -> int:
    """Write the prompts of ``source`` that have annotations (the first ``limit``
    articles' only, when given) to ``out``; the number written."""
    with open(source, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["PromptID"] in keep]
    if limit is not None:
        articles = list(dict.fromkeys(r["PMCID"] for r in rows))[:limit]
        rows = [r for r in rows if r["PMCID"] in set(articles)]
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("validation", "train"), default="validation")
    ap.add_argument("--limit", type=int, default=None, help="Only the first N articles.")
    args = ap.parse_args(argv)
    root = shared_dir("corpora", "evidence_inference_v2")
    annotations = read_annotations(root / f"annotations_{args.split}.csv")

    import tempfile

    from extractor.findings.classify import shipped_model
    from extractor.findings.infer import answer_prompts, retrieval_model

    start = time.perf_counter()
    retrieval_model()
    shipped_model()
    load = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        prompts = Path(tmp) / "prompts.csv"
        n = _prompts_subset(root / f"prompts_{args.split}.csv", set(annotations), args.limit,
                            prompts)
        start = time.perf_counter()
        answers = list(answer_prompts(prompts, root / "txt"))
        elapsed = time.perf_counter() - start
    errors = [a for a in answers if a.inference is None]
    gold, predicted, hits = [], [], 0
    per_article: dict[str, int] = defaultdict(int)
    for answer in answers:
        anns = annotations[answer.prompt_id]
        per_article[anns[0].pmcid] += 1
        gold.append(majority_label(anns))
        inf = answer.inference
        predicted.append(inf.label_code if inf else 0)
        hits += bool(inf and evidence_hit(inf.evidence.text, [a.text for a in anns]))
    print(f"Evidence Inference 2.0, {args.split} split: {n} prompts, {len(per_article)} "
          f"articles (full texts); {len(errors)} prompts without an answer")
    baseline = [0] * len(gold)
    print(f"\n{'label':<28} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6}   always-0 F1")
    for ours, base in zip(class_scores(predicted, gold), class_scores(baseline, gold),
                          strict=True):
        print(f"{LABELS[ours.code]:<28} {ours.support:>5} {ours.precision:>6.3f} "
              f"{ours.recall:>6.3f} {ours.f1:>6.3f}   {base.f1:.3f}")
    print(f"{'macro-F1':<28} {len(gold):>5} {'':>6} {'':>6} {macro_f1(predicted, gold):>6.3f}"
          f"   {macro_f1(baseline, gold):.3f}")
    print(f"\nevidence hits: {hits / max(len(answers), 1):.3f} ({hits}/{len(answers)}; the "
          "predicted sentence shares >= half of its words with a gold span)")
    print(f"speed: {elapsed / max(len(per_article), 1):.2f} s per article (parse, sentences, "
          f"{len(answers) / max(len(per_article), 1):.1f} prompts) after a model load of "
          f"{load:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
