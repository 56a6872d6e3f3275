"""Gold documents → spaCy training Examples on the pipeline's own tokens, with label masking.

Each corpus leaves some mentions unlabelled (ADE labels only drugs in a relation, PHEE only
event arguments, NCBI no chemicals, BC5CDR no doses). Teaching "O" on those tokens would
teach a model trained on every corpus to miss them, so the tokens of a rule mention (lexicon
or pattern) of a masked label that overlaps no gold entity are marked *missing* ("-" in
BILUO): the NER loss ignores them. For a label a corpus never annotates but whose mentions the
rules find reliably (conditions in ADE's sentences) the rule mentions can be taught instead
(*silver*).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from extractor.formats import GoldDocument
from extractor.train.corpora import pmid_of
from extractor.train.settings import CorpusOptions


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
    silver: int = 0  # rule mentions taught for a label the corpus does not annotate
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


# the rule components whose mentions stand in for a corpus's unannotated labels
RULE_COMPONENTS = ("sentences", "abbreviation_detector", "lexicon", "patterns", "resolve")


def induced_concepts(gold: GoldDocument) -> set[str]:
    """Concept ids a document-level CID relation names as induced (BC5CDR's diseases)."""
    return {r.tail for r in gold.relations if r.level == "concept" and r.type == "CID"}


class ExampleMaker:
    """Makes Examples in ``vocab`` from documents tokenized by ``tok_nlp`` (the pipeline's
    tokenizer); the rules pipeline is loaded on first need (masked or silver labels)."""

    def __init__(self, tok_nlp: Language, vocab: object) -> None:
        self.tok_nlp = tok_nlp
        self.vocab = vocab
        self._rules: Language | None = None

    def _tokens(self, text: str, ruled: bool) -> Doc:
        """``text`` tokenized; with ``ruled`` through the rules too (``doc.ents``: their
        resolved mentions; same tokenizer, so the same tokens)."""
        if not ruled:
            return self.tok_nlp.make_doc(text)
        if self._rules is None:
            from extractor.pipeline import load_nlp

            rules = load_nlp(ner=False)
            for name in rules.pipe_names:
                if name not in RULE_COMPONENTS:
                    rules.disable_pipe(name)
            self._rules = rules
        return self._rules(text)

    def make(self, gold: GoldDocument, labels: dict[str, str], options: CorpusOptions,
             stats: Conversion) -> Example:
        """One Example: gold entities relabelled by ``labels`` (others ignored), the rules'
        mentions of ``options.silver`` labels taught and of ``options.mask`` masked."""
        unannotated = (*options.silver, *options.mask)
        doc = self._tokens(gold.text, ruled=bool(unannotated))
        tags = ["O"] * len(doc)
        taken: list[tuple[int, int, str]] = []
        masked: set[int] = set()
        induced = induced_concepts(gold) if options.induced_label else set()
        ents = sorted(gold.entities, key=lambda e: (-(e.end - e.start), e.start))
        for ent in ents:
            label = labels.get(ent.label)
            if label is None:
                stats.unmapped_labels[ent.label] = stats.unmapped_labels.get(ent.label, 0) + 1
                continue
            if induced and induced.intersection(ent.ids):
                label = options.induced_label
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
        gold_tokens = {i for s, e, _ in taken for i in range(s, e)} | masked
        for ruled in doc.ents:
            start, end, label = ruled.start, ruled.end, ruled.label_
            if label not in unannotated or any(i in gold_tokens for i in range(start, end)):
                continue
            if label in options.silver and not any(
                    start < e and s < end for s, e, _ in taken):
                taken.append((start, end, label))
                stats.silver += 1
            else:
                masked.update(range(start, end))
        covered = {i for s, e, _ in taken for i in range(s, e)}
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
