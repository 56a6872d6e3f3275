"""The built Lexicon cached on disk, so that every process does not build it again.

Building the lexicon (extractor/nlp/kb.py: ~150k names read, filtered and merged) costs
1.5-3 s of every start-up and of every batch worker; reading this cache costs ~0.4 s. The
file is keyed by a hash of everything the build reads (the lexicon files, the code of
kb.py and lexicon_sources.py, spaCy's version for its stop words), so editing a curated
list or the code gives a fresh build. It is written with ``marshal`` (plain dicts, lists
and strings: the fastest format Python reads) and renamed into place, so a reader never
sees half a file; a file that cannot be read is rebuilt.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import spacy

from extractor.nlp import kb, lexicon_sources
from extractor.nlp.kb import Concept, Lexicon
from extractor.resources import cache_dir

FORMAT = 1  # bump when the encoding below changes


def inputs() -> list[Path]:
    """Every file the lexicon build reads (code included)."""
    return [lexicon_sources.DRUGS_TSV, lexicon_sources.HPO_TSV, lexicon_sources.ICD_TSV,
            lexicon_sources.MINED_TSV, lexicon_sources.SHADOWED_TSV,
            kb.DRUG_ALIASES, kb.CONDITION_ALIASES, kb.STOPLIST,
            Path(kb.__file__), Path(lexicon_sources.__file__)]


def cache_key(files: Iterable[Path]) -> str:
    """A hash of the files' contents (a missing file counts as missing), spaCy's version
    and the encoding's version."""
    digest = hashlib.sha256(f"{FORMAT}\0{spacy.__version__}".encode())
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"\0missing\0")
    return digest.hexdigest()[:24]


def _encode(lex: Lexicon) -> tuple:
    index: dict[int, int] = {}
    concepts: list[tuple] = []

    def number(concept: Concept) -> int:  # concepts are shared by many names: store once
        if id(concept) not in index:
            index[id(concept)] = len(concepts)
            concepts.append((concept.label, concept.name, concept.ids, concept.source))
        return index[id(concept)]

    lower = {name: number(c) for name, c in lex.lower.items()}
    cased = {name: number(c) for name, c in lex.cased.items()}
    return FORMAT, concepts, lower, cased, lex.dropped


def _decode(data: tuple) -> Lexicon:
    fmt, concepts, lower, cased, dropped = data
    if fmt != FORMAT:
        raise ValueError(f"lexicon cache format {fmt}, expected {FORMAT}")
    objects = [Concept(*fields) for fields in concepts]
    return Lexicon({name: objects[i] for name, i in lower.items()},
                   {name: objects[i] for name, i in cased.items()},
                   [tuple(entry) for entry in dropped])


def read_cached(path: Path) -> object | None:
    """The value marshalled in ``path``, or None when it is absent, truncated or foreign."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_cached(path: Path, value: Any) -> None:
    """Marshal ``value`` into ``path``, renamed into place so that a reader never sees half
    a file. A read-only home only means the next process builds again, so failing to write
    is silent."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        tmp.write_bytes(marshal.dumps(value))
        tmp.replace(path)
    except OSError:
        pass


def load_or_build(build: Callable[[], Lexicon], files: Iterable[Path]) -> Lexicon:
    """The cached lexicon for ``files``, else ``build()`` (then cached for next time)."""
    path = cache_dir() / f"lexicon-{cache_key(files)}.marshal"
    cached = read_cached(path)
    if cached is not None:
        try:
            return _decode(cached)  # type: ignore[arg-type]
        except (ValueError, TypeError):  # a file of another format
            pass
    lex = build()
    write_cached(path, _encode(lex))
    return lex
