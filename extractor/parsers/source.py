"""Reading an input file safely: existence, size limit, hashing and text decoding."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
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


# Why a path cannot be looked at, by errno (a path that is not there at all: not_found).
_PATH_ERRORS = {
    errno.ELOOP: "symbolic link loop",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EACCES: "permission denied",
}


def _stat(p: Path, name: str) -> os.stat_result:
    """``os.stat`` of an input path; every way a path can be bad is an ExtractorError."""
    try:
        return p.stat()
    except UnicodeEncodeError:  # a lone surrogate: no file system can hold that name
        raise ExtractorError("the file name is not valid text (a lone surrogate)",
                             path=name, code="bad_argument") from None
    except ValueError as err:  # an embedded NUL
        raise ExtractorError(f"not a usable file name ({err})", path=name,
                             code="bad_argument") from None
    except FileNotFoundError:
        raise ExtractorError("no such file", path=name, code="not_found") from None
    except OSError as err:
        reason = _PATH_ERRORS.get(err.errno or 0, err.strerror or str(err))
        code = "not_found" if err.errno in (errno.ELOOP, errno.ENOTDIR) else "bad_argument"
        raise ExtractorError(reason, path=name, code=code) from None


def read_input(path: str | os.PathLike[str]) -> RawInput:
    """Read ``path`` as bytes, refusing missing paths, directories, empty and oversized files
    and unusable names (a symbolic link loop, a name too long, a lone surrogate)."""
    if not isinstance(path, (str, os.PathLike)):
        raise ExtractorError(f"expected a path, got {type(path).__name__}",
                             code="bad_argument")
    p = Path(path)
    name = str(path)
    info = _stat(p, name)
    if stat.S_ISDIR(info.st_mode):
        raise ExtractorError("is a directory, not a file", path=name, code="is_directory")
    limit = max_bytes()
    # a pipe (process substitution) or device has no size: read one byte past the limit
    size = info.st_size if stat.S_ISREG(info.st_mode) else 0
    if size <= limit:
        try:
            with p.open("rb") as handle:
                data = handle.read(limit + 1)
        except OSError as err:
            raise ExtractorError(f"cannot read file ({err.strerror})", path=name,
                                 code="io") from err
        size = max(size, len(data))
    if size > limit:
        raise ExtractorError(
            f"file too large ({size / 1048576:.1f} MiB > limit {limit / 1048576:.1f} MiB)"
            if stat.S_ISREG(info.st_mode) else
            f"input too large (over the limit of {limit / 1048576:.1f} MiB)",
            path=name,
            code="too_large",
        )
    return from_bytes_input(data, name)


def from_bytes_input(data: bytes, path: str) -> RawInput:
    """Wrap in-memory bytes (e.g. stdin) as an input, with the same checks as files."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ExtractorError(f"expected bytes, got {type(data).__name__}", path=path,
                             code="bad_argument")
    data = bytes(data)
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
    """Decode bytes to text, returning ``(text, encoding)``; see :func:`decode_report`."""
    text, encoding, _ = decode_report(data, declared)
    return text, encoding


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 with its few invalid bytes replaced (U+FFFD) and how many sequences were
    replaced, when the valid multi-byte sequences outnumber the invalid ones: a UTF-8 file
    with a few damaged bytes, which no other charset would decode right. None otherwise
    (text in another charset has next to no valid multi-byte UTF-8 sequences)."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for ch in text if ord(ch) > 127) - replaced
    return (text, replaced) if 0 < replaced <= valid else None


def decode_report(data: bytes, declared: str | None = None) -> tuple[str, str, list[str]]:
    """Decode bytes to text, returning ``(text, encoding, warnings)``.

    Order: a byte-order mark, then strict UTF-8, then UTF-8 with a few invalid bytes
    replaced (a warning gives their count), then an encoding the document declares
    (``declared``), then cp1252 when every non-ASCII character it gives is a plausible
    Western letter or symbol, then charset-normalizer's best guess. Raises
    ExtractorError(code="decode") when nothing gives plausible text.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc, []
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        text, replaced = mostly
        return text, "utf-8", [f"{replaced} invalid UTF-8 byte sequence(s) replaced by "
                               "U+FFFD; the rest is UTF-8"]
    if declared:
        try:
            return data.decode(declared), declared.lower(), []
        except (LookupError, UnicodeDecodeError):
            pass
    # Legacy Western text (cp1252/latin-1) is by far the commonest non-UTF-8 article text, and
    # statistical detectors often mistake short samples of it for Central European code pages.
    western = data.decode("cp1252", errors="replace")
    if all(ch in _WESTERN for ch in western if ord(ch) > 127):
        return western, "cp1252", []
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ExtractorError("cannot detect the text encoding", code="decode")
    return str(best), best.encoding, []


def decode_file_text(data: bytes) -> tuple[str, str, list[str]]:
    """:func:`decode_report`, but keeping a UTF-8 byte-order mark as the text's first
    character: annotation tools (brat, our gold readers) count it, so offsets into the file
    do too (Document.source_map)."""
    text, encoding, warnings = decode_report(data)
    return ("\ufeff" + text if encoding == "utf-8-sig" else text), encoding, warnings
