"""Literature evidence extraction toolkit.

``parse``/``parse_all`` turn a file into Documents; ``extract`` and ``Pipeline`` (loaded
lazily: they bring in spaCy) add mentions, relations and evidence records; ``infer``
answers an (outcome, intervention, comparator) question about a trial article. Bad input of any
kind (a missing file, a directory, a symbolic link loop, a name too long, text with a lone
surrogate, an argument of the wrong type) raises ``ExtractorError`` with a ``code``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.parsers import parse, parse_all, parse_bytes

if TYPE_CHECKING:
    from extractor.evidence import EvidenceDocument
    from extractor.findings.article import Article
    from extractor.findings.infer import Inference

__version__ = "0.1.0"

__all__ = ["Document", "ExtractorError", "Pipeline", "extract", "infer", "parse", "parse_all",
           "parse_bytes", "__version__"]


def extract(path_or_text: str | os.PathLike[str]) -> EvidenceDocument:
    """Extract evidence from a file (path) or from plain text (a str that is not a path).

    A ``str`` is read as a path when it names anything on disk (a directory or a broken
    link then fails as such, rather than being read as article text), or when it looks like
    one (no line break, a known article extension); anything else is the text itself.
    """
    from extractor import pipeline

    if isinstance(path_or_text, str):
        if "\n" not in path_or_text and os.path.lexists(path_or_text):
            return pipeline.extract(Path(path_or_text))
        try:
            path_or_text.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ExtractorError(f"the text holds a lone surrogate at character {err.start}",
                                 path="<text>", code="bad_argument") from None
    elif not isinstance(path_or_text, os.PathLike):
        raise ExtractorError(f"expected a path or text, got {type(path_or_text).__name__}",
                             code="bad_argument")
    return pipeline.extract(path_or_text)


def infer(article: str | os.PathLike[str] | Document | Article, *, outcome: str,
          intervention: str, comparator: str) -> Inference:
    """Did ``intervention`` significantly increase, decrease or not change ``outcome``
    against ``comparator`` in this trial article (a path, a Document, or an Article read
    once for many prompts)? The answer names the sentence that says so
    (extractor/findings/infer.py)."""
    from extractor.findings import infer as inference

    return inference.infer(article, outcome, intervention, comparator)


def __getattr__(name: str) -> Any:
    if name == "Pipeline":
        from extractor import pipeline

        return pipeline.Pipeline
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
