"""The toolkit's own error type: every expected failure on bad input is an ExtractorError."""

from __future__ import annotations

import re

# Exit statuses of the command line (README "Errors").
EXIT_BAD_INPUT = 1
EXIT_INTERNAL = 2
EXIT_INTERRUPTED = 130

# Characters that would break a one-line message: line breaks and other controls, and lone
# surrogates (undecodable bytes of a file name), which no terminal can print.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates escaped (``\\n``, ``\\udcff``),
    so that a hostile file name stays on one line and can be printed."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape",
                                                       "backslashreplace").decode("ascii"),
                            text)


class ExtractorError(Exception):
    """A file could not be processed; ``str(err)`` is one line naming the file and the reason.

    ``code`` is a short machine-readable reason (``not_found``, ``is_directory``, ``empty``,
    ``too_large``, ``unsupported_format``, ``malformed``, ``corrupt``, ``encrypted``,
    ``unsafe``, ``decode``, ``bad_argument``, ``io``, ``locked``, ``missing_extra``) used in
    batch error records.
    ``exit_code`` is the command line's exit status for it (1: bad input).
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(self, reason: str, *, path: str | None = None, code: str = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.code = code

    def __str__(self) -> str:
        text = f"{self.path}: {self.reason}" if self.path else self.reason
        return printable(text)

    def with_path(self, path: str) -> ExtractorError:
        """Return this error naming ``path`` (parsers raise without it; the reader adds it)."""
        if self.path is None:
            self.path = path
        return self


class EngineError(ExtractorError):
    """A batch engine cannot run (the pipeline does not load in a worker, no scheduler): not
    the input's fault, so the exit status is 2."""

    exit_code = EXIT_INTERNAL

    def __init__(self, reason: str) -> None:
        super().__init__(reason, code="engine")

    def __str__(self) -> str:
        return self.reason  # may hold a worker's short traceback: kept as it is
