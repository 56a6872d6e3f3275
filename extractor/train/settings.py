"""The training settings (models/ner.cfg) as typed objects."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy

from extractor.errors import ExtractorError
from extractor.train.vectors import VectorSettings


@dataclass(frozen=True)
class Training:
    """Loop settings shared by every component."""

    seed: int = 13
    threads: int = 1
    max_epochs: int = 12
    patience: int = 3
    dropout: float = 0.15
    learn_rate: float = 0.001
    batch_start: int = 8
    batch_stop: int = 48
    holdout_mod: int = 10
    holdout_rest: int = 3


@dataclass(frozen=True)
class ModelShape:
    """The size of each component's tok2vec and parser layers."""

    width: int = 96
    depth: int = 4
    window_size: int = 1
    maxout_pieces: int = 3
    hidden_width: int = 64
    rows: tuple[int, int, int, int] = (5000, 1000, 2500, 1000)


@dataclass(frozen=True)
class CorpusOptions:
    """How one corpus is turned into examples (extractor/train/examples.py).

    ``mask``: labels the corpus leaves partly unannotated; the rules' mentions of them that
    overlap no gold entity are masked (neither taught nor taught against). ``silver``: labels
    the corpus does not annotate at all; the rules' mentions of them that overlap no gold
    entity are taught as that label. ``negatives``: share of entity-free documents kept.
    ``raw_labels``: read the corpus with its own labels (PHEE's argument roles, such as
    ``Treatment.Disorder``) instead of the toolkit's label map. ``induced_label``: a mention
    whose concept a document's CID relation names as induced (BC5CDR) takes this label.
    """

    mask: tuple[str, ...] = ()
    silver: tuple[str, ...] = ()
    negatives: float = 1.0
    raw_labels: bool = False
    induced_label: str = ""


@dataclass(frozen=True)
class Component:
    """One ``ner`` component: its corpora and corpus label → toolkit label map."""

    name: str
    corpora: tuple[str, ...]
    labels: dict[str, str]

    @property
    def model_labels(self) -> list[str]:
        """The toolkit labels the component predicts, sorted (its NER labels)."""
        return sorted(set(self.labels.values()))


@dataclass(frozen=True)
class Settings:
    """All of models/ner.cfg."""

    training: Training
    model: ModelShape
    corpora: dict[str, CorpusOptions]
    components: list[Component] = field(default_factory=list)
    vectors: VectorSettings = field(default_factory=VectorSettings)


def _typed(cls: type, values: dict[str, Any], where: str) -> Any:
    try:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})
    except TypeError as err:
        raise ExtractorError(f"bad [{where}] section: {err}", code="malformed") from err


def load_settings(path: str | os.PathLike[str]) -> Settings:
    """Read ``path``; ExtractorError naming the file when it is missing or malformed."""
    try:
        cfg = spacy.util.load_config(Path(path), interpolate=True)
    except Exception as err:  # thinc raises several config error types
        raise ExtractorError(f"cannot read training config: {err}", path=str(path),
                             code="malformed") from err
    try:
        components = [Component(name, tuple(c["corpora"]), dict(c["labels"]))
                      for name, c in cfg.get("components", {}).items()]
        return Settings(
            training=_typed(Training, dict(cfg.get("training", {})), "training"),
            model=_typed(ModelShape, dict(cfg.get("model", {})), "model"),
            corpora={name: _typed(CorpusOptions, dict(c), f"corpora.{name}")
                     for name, c in cfg.get("corpora", {}).items()},
            components=components,
            vectors=_typed(VectorSettings, dict(cfg.get("vectors", {})), "vectors"),
        )
    except (KeyError, TypeError) as err:
        raise ExtractorError(f"bad training config: missing {err}", path=str(path),
                             code="malformed") from err
