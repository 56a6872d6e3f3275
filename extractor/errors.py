"""The toolkit's own error type: every expected failure on bad input is an ExtractorError."""

from __future__ import annotations


class ExtractorError(Exception):
    """A file could not be processed; ``str(err)`` is one line naming the file and the reason.

    ``code`` is a short machine-readable reason (``not_found``, ``is_directory``, ``empty``,
    ``too_large``, ``unsupported_format``, ``malformed``, ``corrupt``, ``encrypted``,
    ``unsafe``, ``decode``) used in batch error records.
    """

    def __init__(self, reason: str, *, path: str | None = None, code: str = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.code = code

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason

    def with_path(self, path: str) -> ExtractorError:
        """Return this error naming ``path`` (parsers raise without it; the reader adds it)."""
        if self.path is None:
            self.path = path
        return self
