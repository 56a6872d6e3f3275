"""Gold documents → spaCy training Examples on the pipeline's own tokens, with label masking.

Each corpus leaves some mentions unlabelled (ADE labels only drugs in a relation, PHEE only
event arguments, NCBI no chemicals). Teaching "O" on those tokens would teach the model to
miss them, so the tokens of a lexicon match of a masked label that overlaps no gold entity
are marked *missing* ("-" in BILUO): the NER loss ignores them.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from extractor.formats import GoldDocument
from extractor.train.corpora import pmid_of


@dataclass
class Conversion:
    """Counts of what the conversion did, for the training log."""

    documents: int = 0
    entities: int = 0
    expanded: int = 0  # gold span not on token boundaries: widened to whole tokens
    discontinuous: int = 0  # several fragments: tokens masked, not taught
    overlapping: int = 0  # overlaps a longer gold entity: dropped
    unaligned: int = 0  # empty or whitespace-only span: dropped
    masked_tokens: int = 0
    unmapped_labels: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready copy."""
        return dict(self.__dict__)


def keep_negative(doc: GoldDocument, share: float) -> bool:
    """Deterministically keep ``share`` of the entity-free documents."""
    return share >= 1.0 or zlib.crc32(doc.id.encode()) % 1000 < share * 1000


def is_holdout(doc: GoldDocument, mod: int, rest: int) -> bool:
    """True when ``doc`` belongs to the held-back slice of the training data."""
    pmid = pmid_of(doc)
    key = int(pmid) if pmid.isdigit() else zlib.crc32(doc.id.encode())
    return key % mod == rest


class ExampleMaker:
    """Makes Examples in ``vocab`` from documents tokenized by ``tok_nlp`` (the pipeline's
    tokenizer; with its lexicon matcher when masking is wanted)."""

    def __init__(self, tok_nlp: Language, vocab: object) -> None:
        self.tok_nlp = tok_nlp
        self.vocab = vocab
        self._matcher: object | None = None

    def _lexicon_spans(self, doc: Doc, labels: Sequence[str]) -> list[tuple[int, int]]:
        if not labels:
            return []
        if self._matcher is None:
            from extractor.nlp.lexicon import get_matcher

            self._matcher = get_matcher(self.tok_nlp)
        return [(s.start, s.end) for s, _ in self._matcher.spans(doc)  # type: ignore[attr-defined]
                if s.label_ in labels]

    def make(self, gold: GoldDocument, labels: dict[str, str], mask: Sequence[str],
             stats: Conversion) -> Example:
        """One Example: gold entities relabelled by ``labels`` (others ignored)."""
        doc = self.tok_nlp.make_doc(gold.text)
        tags = ["O"] * len(doc)
        taken: list[tuple[int, int, str]] = []
        masked: set[int] = set()
        ents = sorted(gold.entities, key=lambda e: (-(e.end - e.start), e.start))
        for ent in ents:
            label = labels.get(ent.label)
            if label is None:
                stats.unmapped_labels[ent.label] = stats.unmapped_labels.get(ent.label, 0) + 1
                continue
            # an empty or whitespace-only span has no tokens to label
            span = (doc.char_span(ent.start, ent.end, alignment_mode="expand")
                    if gold.text[ent.start:ent.end].strip() else None)
            if span is None or len(span) == 0:
                stats.unaligned += 1
                continue
            if len(ent.spans) > 1:
                stats.discontinuous += 1
                masked.update(range(span.start, span.end))
                continue
            if any(span.start < e and s < span.end for s, e, _ in taken):
                stats.overlapping += 1
                continue
            if (span.start_char, span.end_char) != (ent.start, ent.end):
                stats.expanded += 1
            taken.append((span.start, span.end, label))
            stats.entities += 1
        covered = {i for s, e, _ in taken for i in range(s, e)}
        for start, end in self._lexicon_spans(doc, mask):
            if not any(i in covered for i in range(start, end)):
                masked.update(range(start, end))
        for s, e, label in taken:
            if e - s == 1:
                tags[s] = f"U-{label}"
            else:
                tags[s] = f"B-{label}"
                tags[s + 1:e - 1] = [f"I-{label}"] * (e - s - 2)
                tags[e - 1] = f"L-{label}"
        for i in masked - covered:
            tags[i] = "-"
        # whitespace tokens never carry an entity
        for i, tok in enumerate(doc):
            if tok.is_space and tags[i] == "-":
                tags[i] = "O"
        stats.masked_tokens += sum(t == "-" for t in tags)
        stats.documents += 1
        pred = Doc(self.vocab, words=[t.text for t in doc],  # type: ignore[arg-type]
                   spaces=[bool(t.whitespace_) for t in doc])
        return Example.from_dict(pred, {"entities": tags})
