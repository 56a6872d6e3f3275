"""Literature evidence extraction toolkit."""

from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.parsers import parse, parse_all, parse_bytes

__version__ = "0.1.0"

__all__ = ["Document", "ExtractorError", "parse", "parse_all", "parse_bytes", "__version__"]
