"""Lexicon component: load time, speed, and agreement with BC5CDR's development set.

    .venv/bin/python benchmarks/lexicon.py [--top 30]

Builds spacy.blank("en") + the project tokenizer + extractor_lexicon, reports the load time
(lexicon files + matchers), words per second of the component alone (tokenizer time
excluded) over the BC5CDR development abstracts, and precision/recall of DRUG against
BC5CDR "Chemical" and CONDITION against "Disease" (overlap match: a predicted span counts
when it overlaps a gold span of the mapped type). BC5CDR chemicals include non-drugs and its
diseases include symptoms, so the numbers measure the lexicons' noise and coverage, not an
official score. ``--top`` lists the most frequent unmatched predictions (noise review).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import shared_dir  # noqa: E402

GOLD_TYPE = {"DRUG": "Chemical", "CONDITION": "Disease"}


def read_pubtator(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end, type)]) per abstract; text is title + " " + abstract."""
    docs = []
    title = abstract = ""
    spans: list[tuple[int, int, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if "|t|" in line[:20]:
            title = line.split("|t|", 1)[1]
        elif "|a|" in line[:20]:
            abstract = line.split("|a|", 1)[1]
        elif "\t" in line:
            parts = line.split("\t")
            if len(parts) >= 5 and parts[1].isdigit():
                spans.append((int(parts[1]), int(parts[2]), parts[4]))
        elif not line.strip() and title:
            docs.append((f"{title} {abstract}", spans))
            title, abstract, spans = "", "", []
    return docs


def main() -> None:
    """Print load time, speed and overlap precision/recall."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=0, help="list N frequent false positives")
    parser.add_argument("--split", default="Development", choices=["Development", "Training"])
    args = parser.parse_args()
    docs = read_pubtator(shared_dir("corpora", "bc5cdr") / f"CDR_{args.split}Set.PubTator.txt")

    from extractor.nlp.lexicon import LexiconComponent
    from extractor.nlp.tokenizer import build_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    start = time.perf_counter()
    component = LexiconComponent(nlp)
    print(f"lexicon load (files + matchers): {time.perf_counter() - start:.2f} s")

    tokenized = [nlp.make_doc(text) for text, _ in docs]
    words = sum(1 for d in tokenized for t in d if not t.is_space and not t.is_punct)
    start = time.perf_counter()
    for d in tokenized:
        component(d)
    took = time.perf_counter() - start
    print(f"component alone: {words} words in {took:.2f} s = {words / took:,.0f} words/s")

    tp: Counter[str] = Counter()
    npred: Counter[str] = Counter()
    found: Counter[str] = Counter()
    ngold: Counter[str] = Counter()
    false_pos: Counter[tuple[str, str]] = Counter()
    for d, (_, gold) in zip(tokenized, docs, strict=True):
        preds = [(s.start_char, s.end_char, s.label_) for s in d.spans.get("candidates", [])]
        for label, gtype in GOLD_TYPE.items():
            g = [(a, b) for a, b, t in gold if t == gtype]
            p = [(a, b) for a, b, lab in preds if lab == label]
            ngold[label] += len(g)
            npred[label] += len(p)
            for a, b in p:
                if any(a < gb and ga < b for ga, gb in g):
                    tp[label] += 1
                else:
                    false_pos[(label, d.text[a:b].lower())] += 1
            found[label] += sum(1 for ga, gb in g if any(a < gb and ga < b for a, b in p))
    print(f"BC5CDR {args.split.lower()} set, {len(docs)} abstracts (overlap match)")
    print("label      gold  pred  precision  recall")
    for label in GOLD_TYPE:
        prec = tp[label] / npred[label] if npred[label] else 0.0
        rec = found[label] / ngold[label] if ngold[label] else 0.0
        print(f"{label:9} {ngold[label]:5} {npred[label]:5}  {prec:9.3f}  {rec:6.3f}")
    if args.top:
        print("most frequent predictions without an overlapping gold span:")
        for (label, text), n in false_pos.most_common(args.top):
            print(f"  {n:4}  {label:9}  {text}")


if __name__ == "__main__":
    main()
