"""The pipeline version: what a batch's manifest is keyed by besides the file's content.

A change to the package version or to any file under models/ (the config, lexicons, rules,
a trained NER model) changes the version, and a rerun then reprocesses every file.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from extractor.resources import models_dir

# Files being written (a model in training, an editor's temporary) are not yet the model,
# and documentation (the model card) does not change what the pipeline outputs.
_IGNORED = (".partial", ".tmp", ".swp", "~", ".md")


def pipeline_version(models: Path | None = None, ner: bool = True) -> str:
    """``<package version>+<12 hex digits of the hash of every file under models/>``
    (hidden files, files still being written, ``*.partial`` or ``*.tmp``, and ``*.md``
    documentation left out),
    with ``+rules`` when the NER model does not run (``--rules-only``)."""
    try:
        package = version("extractor")
    except PackageNotFoundError:  # running from a source tree that was never installed
        package = "0"
    models = models or models_dir()
    digest = hashlib.sha256()
    for path in sorted(p for p in models.rglob("*") if p.is_file()):
        rel = path.relative_to(models)
        if any(part.startswith(".") or part == "__pycache__" or part.endswith(_IGNORED)
               for part in rel.parts):
            continue
        digest.update(rel.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{package}+{digest.hexdigest()[:12]}" + ("" if ner else "+rules")
