"""Does a sentence report an adverse drug effect? (factory ``extractor_ade_sentences_v1``)

A linear model (logistic regression, trained by ``extractor.train.ade_sentence`` on the
ADE-Corpus-V2 training sentences, its ADE-NEG sentences as negatives) over hashed features
of each sentence: lower-case words and word pairs, with every DRUG, ADVERSE_EVENT and
CONDITION entity replaced by its label (and its negation), so that what is learnt is how
sentences that report a drug's effect are worded, not which drugs they name.

The component runs after the context component (it reads the entities' labels and negation)
and before the relations component: it puts the sentences it says report an adverse drug
effect in ``doc.spans["ade_sentences"]`` (``ADE_SENTENCES``), which the relations
use instead of their word cues to decide whether an effect no explicit cue ties to a drug is
attributed to the nearest drug given (relations, rule 5).

The model is two files in a folder: ``weights.npy`` (float16, one weight per hashed feature)
and ``model.json`` (bias, threshold, feature bits, what it was trained on). By default the
folder shipped in the package (``extractor/nlp/data/ade_sentence``, found through
``extractor.resources``, i.e. ``importlib.resources``); the factory's ``path`` names another.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor import resources
from extractor.linear import hash_features, row_probability
from extractor.nlp.extensions import doc_text

FACTORY = "extractor_ade_sentences_v1"
# doc.spans key of the sentences the classifier says report an adverse drug effect
ADE_SENTENCES = "ade_sentences"
# doc.user_data key: {sentence start character: the model's probability} of every sentence
# (read by extractor.nlp.problem_role instead of scoring the sentences again)
ADE_PROBABILITIES = "extractor.ade_probabilities"
WEIGHTS, META = "weights.npy", "model.json"
MASKS = {"DRUG": "xdrugx", "ADVERSE_EVENT": "xaex", "CONDITION": "xcondx"}
WORD = re.compile(r"[a-z]+(?:[-'][a-z]+)*|\d+|[^\sa-z\d]")
DIGIT = re.compile(r"\d")

# (start, end, label, negated) of an entity, character offsets into the sentence's text
Entity = tuple[int, int, str, bool]


def sentence_features(text: str, entities: Iterable[Entity], bits: int) -> list[int]:
    """Hashed feature indexes of one sentence (module docstring), each once."""
    parts: list[str] = []
    pos = 0
    labels: set[str] = set()
    for start, end, label, negated in entities:
        token = MASKS.get(label)
        if token is None or start < pos:
            continue
        parts += [text[pos:start], f" {token}{' xnegx' if negated else ''} "]
        labels.add(f"label={label}{'/neg' if negated else ''}")
        pos = end
    parts.append(text[pos:])
    words = WORD.findall(DIGIT.sub("0", "".join(parts).lower()))
    feats = set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)} | labels
    return hash_features(feats, bits)


@dataclass
class AdeSentenceModel:
    """The weights and decision threshold of the classifier."""

    weights: numpy.ndarray
    bias: float
    threshold: float
    bits: int
    info: dict[str, object] = field(default_factory=dict)

    def probability(self, features: list[int]) -> float:
        """P(the sentence reports an adverse drug effect) from its feature indexes."""
        return row_probability(self.weights, self.bias, features)

    def to_disk(self, path: str | Path) -> None:
        """Write ``weights.npy`` and ``model.json`` into the folder ``path``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        numpy.save(folder / WEIGHTS, self.weights.astype(numpy.float16))
        meta = {"bias": self.bias, "threshold": self.threshold, "bits": self.bits, **self.info}
        (folder / META).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path | None = None) -> AdeSentenceModel:
        """Read a model folder (default: the one shipped in the package)."""
        folder = Path(path) if path else resources.ade_sentence_model()
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        weights = numpy.load(folder / WEIGHTS)
        bias, threshold, bits = meta.pop("bias"), meta.pop("threshold"), meta.pop("bits")
        if weights.shape != (1 << bits,):
            raise ValueError(f"{folder}: {WEIGHTS} has shape {weights.shape}, "
                             f"expected ({1 << bits},)")
        return cls(weights, float(bias), float(threshold), int(bits), meta)


def doc_sentences(doc: Doc) -> Iterator[Span]:
    """The Doc's sentences (the whole Doc when no sentence boundaries are set)."""
    if doc.has_annotation("SENT_START"):
        yield from doc.sents
    elif len(doc):
        yield doc[0:len(doc)]


def relative_entity(ent: Span, base: int) -> Entity:
    """An entity as offsets into the text that starts at character ``base`` (its
    sentence's)."""
    return ent.start_char - base, ent.end_char - base, ent.label_, bool(ent._.negated)


def span_entities(sent: Span) -> list[Entity]:
    """The entities of a sentence as offsets into the sentence's text."""
    return [relative_entity(e, sent.start_char) for e in sent.ents]


def _sentence_entities(doc: Doc, sentences: list[Span]) -> list[list[Entity]]:
    """Each sentence's entities (offsets into the sentence), from one pass over doc.ents
    (``Span.ents`` would scan every entity of the Doc for each sentence)."""
    starts = [s.start for s in sentences]
    out: list[list[Entity]] = [[] for _ in sentences]
    for e in doc.ents:
        if e.label_ not in MASKS:
            continue
        k = bisect.bisect_right(starts, e.start) - 1
        out[k].append(relative_entity(e, sentences[k].start_char))
    return out


class AdeSentences:
    """spaCy component: flags the sentences the model says report an adverse drug effect."""

    def __init__(self, model: AdeSentenceModel) -> None:
        self.model = model

    def score(self, sent: Span) -> float:
        """The model's probability for one sentence."""
        return self.model.probability(
            sentence_features(sent.text, span_entities(sent), self.model.bits))

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)  # Span.text rebuilds the text from every token
        sentences = list(doc_sentences(doc))
        model = self.model
        probabilities = {
            sent.start_char: model.probability(sentence_features(
                text[sent.start_char:sent.end_char], ents, model.bits))
            for sent, ents in zip(sentences, _sentence_entities(doc, sentences), strict=True)}
        doc.user_data[ADE_PROBABILITIES] = probabilities
        doc.spans[ADE_SENTENCES] = [sent for sent in sentences
                                    if probabilities[sent.start_char] >= model.threshold]
        return doc


@Language.factory(FACTORY, default_config={"path": ""})
def make_ade_sentences(nlp: Language, name: str, path: str) -> AdeSentences:
    """Factory for the pipeline config; ``path`` empty reads the model shipped in the package."""
    return AdeSentences(AdeSentenceModel.from_disk(path or None))
