"""Where the toolkit's data files are: the one module that knows.

Everything the pipeline reads at run time (the pipeline config, context rules, lexicons,
the trained NER model and its vectors, the ADE sentence classifier, the report's static
files, the gold formats' label maps) is package data, found through
``importlib.resources`` so that a wheel install (``pip install .``) and an editable install
read the same files. The repository keeps the design card's top-level ``models/`` and
``corpus/`` folders; the build ships them inside the package as ``extractor._models`` and
``extractor._corpus`` (see setup.py), and an editable install maps those names back onto
the repository's folders. Derived files (caches) and the training corpora beside the
project are found here too.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

MODELS_PACKAGE = "extractor._models"
CORPUS_PACKAGE = "extractor._corpus"


def package_dir(package: str) -> Path:
    """The folder of ``package`` on disk.

    spaCy, nmslib and numpy open files by path, so the package must be installed as plain
    files (as pip does), not imported from a zip archive.
    """
    root = files(package)
    if not isinstance(root, Path):
        raise RuntimeError(f"{package} is not installed as plain files ({root!r}); "
                           "install the toolkit with pip")
    return root


def models_dir() -> Path:
    """The shipped models folder (``models/`` in the repository)."""
    return package_dir(MODELS_PACKAGE)


def pipeline_config() -> Path:
    """The extraction pipeline's spaCy config (``models/pipeline.cfg``)."""
    return models_dir() / "pipeline.cfg"


def context_rules() -> Path:
    """The context (negation, status) trigger rules (``models/context_rules.tsv``)."""
    return models_dir() / "context_rules.tsv"


def lexicon_dir() -> Path:
    """Compact lexicon TSVs and the curated alias and stop lists (``models/lexicon/``)."""
    return models_dir() / "lexicon"


def ner_model_dir() -> Path:
    """The trained NER components and their shared vectors (``models/ner/``)."""
    return models_dir() / "ner"


def ner_settings() -> Path:
    """The NER training settings (``models/ner.cfg``)."""
    return models_dir() / "ner.cfg"


def ade_sentence_model() -> Path:
    """The ADE sentence classifier's folder (``extractor/nlp/data/ade_sentence``)."""
    return package_dir("extractor.nlp") / "data" / "ade_sentence"


def findings_model(name: str) -> Path:
    """One of the trial-findings models (``models/findings/<name>``: retrieval, direction)."""
    return models_dir() / "findings" / name


def report_static(name: str) -> str:
    """The text of one of the report's static files (``extractor/report/static/``)."""
    return (files("extractor.report") / "static" / name).read_text(encoding="utf-8")


def label_maps_dir() -> Path:
    """Label maps from public corpora's labels to the toolkit's (``corpus/label_maps/``)."""
    return package_dir(CORPUS_PACKAGE) / "label_maps"


def cache_dir() -> Path:
    """Where derived assets are cached (the built lexicon, its tokenized names, the fuzzy
    index): ``$EXTRACTOR_CACHE``, else ~/.cache/extractor. Each file is keyed by a hash of
    what it was derived from, so the folder can be shared by versions and deleted any time.
    """
    env = os.environ.get("EXTRACTOR_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "extractor"


def shared_dir() -> Path:
    """The public corpora and articles that training and benchmarks read: not package data.

    ``$EXTRACTOR_SHARED`` when set, else the ``shared`` folder beside the source checkout
    (``../shared``), which an installed wheel does not have; callers say so when it is
    missing.
    """
    env = os.environ.get("EXTRACTOR_SHARED")
    if env:
        return Path(env)
    # The one path taken from the checkout: these data are beside the project by design
    # (DESIGN.md, "Data beside the project") and are never installed.
    return Path(__file__).resolve().parents[2] / "shared"
