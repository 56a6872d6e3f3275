"""Literature evidence extraction toolkit.

``parse``/``parse_all`` turn a file into Documents; ``extract`` and ``Pipeline`` (loaded
lazily: they bring in spaCy) add mentions, relations and evidence records.
"""

from typing import Any

from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.parsers import parse, parse_all, parse_bytes

__version__ = "0.1.0"

__all__ = ["Document", "ExtractorError", "Pipeline", "extract", "parse", "parse_all",
           "parse_bytes", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("extract", "Pipeline"):
        from extractor import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
