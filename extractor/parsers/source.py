"""Reading an input file safely: existence, size limit, hashing and text decoding."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from extractor.errors import ExtractorError

# A reviewer's article is a few MB; anything past this is almost surely not an article and
# would stall a batch worker. Override with EXTRACTOR_MAX_BYTES.
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_bytes() -> int:
    """The size limit in bytes (``EXTRACTOR_MAX_BYTES`` overrides the default of 25 MiB)."""
    value = os.environ.get("EXTRACTOR_MAX_BYTES")
    return int(value) if value else DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class RawInput:
    """The bytes of one input and what we know about them before parsing."""

    path: str
    data: bytes
    sha256: str

    @property
    def stem(self) -> str:
        return Path(self.path).stem or "stdin"

    @property
    def suffix(self) -> str:
        return Path(self.path).suffix.lower()


def read_input(path: str | os.PathLike[str]) -> RawInput:
    """Read ``path`` as bytes, refusing missing paths, directories, empty and oversized files."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise ExtractorError("no such file", path=name, code="not_found")
    if p.is_dir():
        raise ExtractorError("is a directory, not a file", path=name, code="is_directory")
    size = p.stat().st_size
    limit = max_bytes()
    if size > limit:
        raise ExtractorError(
            f"file too large ({size / 1048576:.1f} MiB > limit {limit / 1048576:.1f} MiB)",
            path=name,
            code="too_large",
        )
    try:
        data = p.read_bytes()
    except OSError as err:
        raise ExtractorError(f"cannot read file ({err.strerror})", path=name, code="io") from err
    return from_bytes_input(data, name)


def from_bytes_input(data: bytes, path: str) -> RawInput:
    """Wrap in-memory bytes (e.g. stdin) as an input, with the same checks as files."""
    if not data.strip():
        raise ExtractorError("file is empty", path=path, code="empty")
    if len(data) > max_bytes():
        raise ExtractorError("input too large", path=path, code="too_large")
    return RawInput(path=path, data=data, sha256=hashlib.sha256(data).hexdigest())


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


_WESTERN = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿß"
    "µ°±²³·¼½¾’‘“”„–—…•€×÷¿¡«»§©®™\u00a0"
)


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to text, returning ``(text, encoding)``.

    Order: a byte-order mark, then strict UTF-8, then an encoding the document declares
    (``declared``), then cp1252 when every non-ASCII character it gives is a plausible
    Western letter or symbol, then charset-normalizer's best guess. Raises
    ExtractorError(code="decode") when nothing gives plausible text.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared), declared.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    # Legacy Western text (cp1252/latin-1) is by far the commonest non-UTF-8 article text, and
    # statistical detectors often mistake short samples of it for Central European code pages.
    western = data.decode("cp1252", errors="replace")
    if all(ch in _WESTERN for ch in western if ord(ch) > 127):
        return western, "cp1252"
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ExtractorError("cannot detect the text encoding", code="decode")
    return str(best), best.encoding
