"""Load the extraction pipeline once and run it over many Documents."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractor import resources
from extractor.assemble import assemble
from extractor.document import Document
from extractor.evidence import EvidenceDocument
from extractor.roles import section_spans

MODELS = resources.models_dir()
DEFAULT_CONFIG = resources.pipeline_config()
# Long PDFs give long texts; the pipeline has no parser, so memory per character is small.
MAX_LENGTH = 5_000_000


def load_nlp(config: str | os.PathLike[str] = DEFAULT_CONFIG, model: str | None = None,
             overrides: dict[str, object] | None = None, ner: bool = True) -> Language:
    """Build the spaCy pipeline from its config file (factories registered on import).

    The trained NER model (component ``model``) runs with the rules; ``ner=False`` leaves
    it out (rules only: lexicons and patterns, faster). ``model`` names an installed
    scispacy NER package (``en_ner_bc5cdr_md``) to run instead of the toolkit's shipped
    model (extractor/nlp/ner.py); ``overrides`` are spaCy config overrides
    (``{"components.model.path": "my_model"}``).
    """
    import extractor.nlp.components  # noqa: F401

    cfg = spacy.util.load_config(Path(config), overrides=overrides or {})
    if model and "model" in cfg["components"]:
        cfg["components"]["model"]["model"] = model
    nlp = spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)
    if "model" in nlp.component_names:
        if (ner or model) and "model" in nlp.disabled:
            nlp.enable_pipe("model")
        elif not (ner or model) and "model" not in nlp.disabled:
            nlp.disable_pipe("model")
    nlp.max_length = MAX_LENGTH
    return nlp


class Pipeline:
    """A loaded pipeline: ``extract`` one Document or ``pipe`` many (spaCy batching)."""

    def __init__(self, config: str | os.PathLike[str] = DEFAULT_CONFIG,
                 model: str | None = None, ner: bool = True) -> None:
        self.nlp = load_nlp(config, model, ner=ner)

    def extract(self, document: Document) -> EvidenceDocument:
        """Mentions, relations and records for one Document."""
        return next(self.pipe([document]))

    def pipe(self, documents: Iterable[Document],
             batch_size: int = 16) -> Iterator[EvidenceDocument]:
        """Process Documents in batches; yields EvidenceDocuments in input order.

        Each Doc carries its Document's section roles (``Doc._.sections``), which the
        context component reads to decide whether a mention is about this study's patients.
        """
        pairs = ((self._doc(d), d) for d in documents)
        for spacy_doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            yield assemble(document, spacy_doc)


    def _doc(self, document: Document) -> Doc:
        doc = self.nlp.make_doc(document.text)
        doc._.sections = section_spans(document) if document.sections else None
        return doc


_DEFAULT: Pipeline | None = None
_PATH_LIKE = (".pdf", ".xml", ".nxml", ".html", ".htm", ".xhtml", ".txt", ".text")


def default_pipeline() -> Pipeline:
    """The process-wide pipeline, loaded on first use."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Pipeline()
    return _DEFAULT


def extract(path_or_text: str | os.PathLike[str]) -> EvidenceDocument:
    """Extract evidence from a file (path) or from plain text (a str that is not a path).

    A ``str`` is read as a path when it names an existing file, or when it looks like one
    (no line break, a known article extension); anything else is the text itself.
    """
    from extractor.parsers import parse, parse_bytes

    if isinstance(path_or_text, str):
        text = path_or_text
        looks_like_path = "\n" not in text and text.lower().endswith(_PATH_LIKE)
        if not (os.path.isfile(text) or looks_like_path):
            return default_pipeline().extract(parse_bytes(text.encode("utf-8"), "<text>",
                                                          "text")[0])
    return default_pipeline().extract(parse(path_or_text))
