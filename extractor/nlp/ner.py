"""The statistical NER component: the toolkit's own models (models/ner) or a scispacy model.

Each trained component (models/ner/<name>/, see extractor/train/) is a small spaCy pipeline
with one ``ner``. It runs on a copy of the extraction pipeline's tokens (same words, same
whitespace, in its own vocabulary), and every entity it finds is added to the candidate
span group with ``found_by`` ``"model:<name>"``; ``resolve`` then chooses among model and
rule candidates. With ``model`` set to an installed scispacy package (``en_ner_bc5cdr_md``)
that package's pipeline replaces the shipped components (CHEMICAL → DRUG, DISEASE →
CONDITION). A missing models/ner folder leaves the pipeline rules-only, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor import resources
from extractor.errors import ExtractorError
from extractor.nlp.extensions import CANDIDATES, MODEL_SPANS, add_candidate, doc_text
from extractor.nlp.factories import factory
from extractor.nlp.status import BODY_SECTIONS
from extractor.nlp.vectors import VECTORS_DIR, load_vectors

log = logging.getLogger(__name__)

MODEL_DIR = resources.ner_model_dir()
# scispacy's entity types → toolkit labels (other types, e.g. GENE_OR_GENE_PRODUCT, dropped)
SCISPACY_LABELS = {"CHEMICAL": "DRUG", "DISEASE": "CONDITION", "SIMPLE_CHEMICAL": "DRUG",
                   "ENTITY": None}


def component_names(path: Path, names: Iterable[str] = ()) -> list[str]:
    """The trained components under ``path`` to load (all, or those named, which must
    exist), sorted by name when all."""
    wanted = list(names)
    found = sorted(p.name for p in path.iterdir() if (p / "config.cfg").is_file())
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ExtractorError(f"no trained component {', '.join(missing)} (found: "
                             f"{', '.join(found) or 'none'})", path=str(path), code="not_found")
    return wanted or found


def load_components(path: Path, names: Iterable[str] = ()) -> list[tuple[str, Language]]:
    """The trained components under ``path`` (all, or those named), sorted by name."""
    # saved without a tokenizer: the extraction pipeline hands the model its own tokens
    models = [(n, spacy.load(path / n, exclude=["tokenizer"]))
              for n in component_names(path, names)]
    if (path / VECTORS_DIR).is_dir():  # static vectors, saved once for all components
        vectors = load_vectors(path / VECTORS_DIR)
        for _, nlp in models:
            nlp.vocab.vectors = vectors
    return models


def load_scispacy(name: str) -> Language:
    """An installed scispacy NER package; a clear ExtractorError when it is not installed."""
    try:
        return spacy.load(name, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer"])
    except OSError as err:
        raise ExtractorError(
            f"model {name!r} is not installed: scispacy's models are not on PyPI; install "
            "the package from https://allenai.github.io/scispacy/ (e.g. pip install "
            f"<url of {name}.tar.gz>), or leave --model out to use the shipped model",
            code="not_found") from err


# Class words, not mentions: no corpus annotates them, and the context rules read them as
# triggers ("the reported AEs included ..."), which a span over them would hide.
GENERIC = frozenset({"ae", "aes", "adr", "adrs", "event", "events", "adverse event",
                     "adverse events", "adverse effect", "adverse effects", "side effect",
                     "side effects", "adverse reaction", "adverse reactions", "reaction",
                     "reactions", "toxicity", "toxicities", "drug", "drugs"})


def plausible(span: Span) -> bool:
    """False for spans no corpus annotates: class words (:data:`GENERIC`), spans across a
    line break, starting with a bullet or other punctuation, or without a letter or digit.
    The components learned from single sentences and abstracts; full texts (titles,
    bullets, page dumps) are new to them."""
    first = span[0]
    return (span.text.lower() not in GENERIC
            and not any(t.is_space or "\n" in t.whitespace_ for t in span[:-1])
            and not (first.is_punct and first.text not in "([")
            and any(c.isalnum() for t in span for c in t.text))


Models = list[tuple[str, Language]]
# Longer than any training document (BC5CDR's longest abstract has 3,538 characters): a
# full text, where the rules alone score higher (models/README.md, "Routing")
FULL_TEXT_CHARS = 5000
# Labels whose pattern mentions carry parsed values (extractor/nlp/patterns.py)
PATTERN_LABELS = frozenset({"DOSE", "ROUTE", "FREQUENCY", "DURATION"})


def pattern_tokens(doc: Doc) -> dict[int, str]:
    """Token index → label of the pattern candidates (dose, route, frequency, duration)."""
    return {i: s.label_ for s in doc.spans.get(CANDIDATES, []) if s.label_ in PATTERN_LABELS
            for i in range(s.start, s.end)}


def trim(start: int, end: int, label: str, patterns: dict[int, str]) -> tuple[int, int]:
    """The span without the edge tokens of a pattern mention of another label: some
    corpora put the route or the dose inside the drug ("oral corticosteroids"), and the
    patterns' mentions carry the parsed values the relations and records use."""
    while start < end and patterns.get(start, label) != label:
        start += 1
    while end > start and patterns.get(end - 1, label) != label:
        end -= 1
    return start, end


def strip_space(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The span without whitespace tokens at its edges (full texts' non-breaking spaces)."""
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return start, end


def is_full_text(doc: Doc, max_chars: int = FULL_TEXT_CHARS) -> bool:
    """True for a full article: longer than ``max_chars`` (0: no limit) or with a methods,
    case or results section (``Doc._.sections``)."""
    return bool((max_chars and len(doc_text(doc)) > max_chars)
                or any(role in BODY_SECTIONS for _, _, role in doc._.sections or ()))


class ModelNer:
    """Adds the predictions of each NER pipeline to the candidates, on abstracts and
    sentences: a full text (:func:`is_full_text`) is left to the rules.

    ``models`` is the loaded pipelines or a function that loads them: a process that never
    runs them (``--rules-only``, or only full texts) does not pay for loading them.
    """

    def __init__(self, models: Models | Callable[[], Models], labels: dict[str, str | None],
                 full_text_chars: int = FULL_TEXT_CHARS):
        self._models = models
        self.labels = labels  # model label → toolkit label (identity when absent)
        self.full_text_chars = full_text_chars

    @property
    def models(self) -> Models:
        """The NER pipelines, loaded on first use."""
        if callable(self._models):
            self._models = self._models()
        return self._models

    def _copy(self, doc: Doc, vocab: object) -> Doc:
        return Doc(vocab, words=[t.text for t in doc],  # type: ignore[arg-type]
                   spaces=[bool(t.whitespace_) for t in doc])

    def _add(self, doc: Doc, name: str, predicted: Doc) -> None:
        keys = doc.user_data.setdefault(MODEL_SPANS, [])
        patterns = pattern_tokens(doc)
        for ent in predicted.ents:
            label = self.labels.get(ent.label_, ent.label_)
            if not label:  # a scispacy type the toolkit has no label for
                continue
            start, end = strip_space(doc, *trim(ent.start, ent.end, label, patterns))
            if start < end and plausible(span := Span(doc, start, end, label=label)):
                add_candidate(doc, span, f"model:{name}")
                keys.append([start, end, label])

    def __call__(self, doc: Doc) -> Doc:
        if is_full_text(doc, self.full_text_chars):
            return doc
        for name, model in self.models:
            predicted = self._copy(doc, model.vocab)
            for _, proc in model.pipeline:
                predicted = proc(predicted)
            self._add(doc, name, predicted)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Batched prediction (spaCy's ``ner.pipe``), docs yielded in order."""
        stream = iter(docs)
        while batch := list(islice(stream, batch_size)):
            short = [d for d in batch if not is_full_text(d, self.full_text_chars)]
            for name, model in self.models if short else ():
                copies = [self._copy(d, model.vocab) for d in short]
                for predicted, doc in zip(model.pipe(copies, batch_size=batch_size), short,
                                          strict=True):
                    self._add(doc, name, predicted)
            yield from batch


@factory("model_ner", default_config={"path": "", "components": [], "model": "",
                                      "full_text_chars": FULL_TEXT_CHARS})
def make_model_ner(nlp: Language, name: str, path: str, components: list[str],
                   model: str, full_text_chars: int) -> ModelNer:
    """spaCy factory. ``path``: trained model folder (default models/ner); ``components``:
    which of its components to run (default all); ``model``: a scispacy package instead;
    ``full_text_chars``: documents longer than this (or with body sections) are left to the
    rules (0: the model runs on every document)."""
    if model:
        return ModelNer([(model, load_scispacy(model))], SCISPACY_LABELS, full_text_chars)
    folder = Path(path) if path else MODEL_DIR
    if not folder.is_dir():
        log.warning("no trained NER model at %s: the pipeline runs on rules only "
                    "(build it with `make model`)", folder)
        return ModelNer([], {})
    # component names are checked now (a wrong name fails at load), models read on first use
    return ModelNer(partial(load_components, folder, component_names(folder, components)), {},
                    full_text_chars)
