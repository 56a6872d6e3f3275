"""``extractor train`` options → a training run, including a user's own gold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.formats.gold import LabelMap, apply_label_map
from extractor.train.corpora import SHARED
from extractor.train.loop import Gold, train_model
from extractor.train.settings import Component, CorpusOptions, load_settings


def gold_component(path: str, fmt: str | None, label_map: str | None,
                   name: str) -> tuple[Component, list[Gold]]:
    """A component trained on the gold at ``path`` (brat, BioC, PubTator, JSON ...): its
    labels are those of the gold after ``label_map`` (toolkit labels), unmasked."""
    from extractor.formats.registry import read_any

    docs = read_any(path, fmt)
    if label_map:
        lm = LabelMap.load(label_map)
        docs = [apply_label_map(d, lm) for d in docs]
    labels = sorted({e.label for d in docs for e in d.entities})
    if not labels:
        raise ExtractorError("the gold holds no entities to train on", path=path,
                             code="malformed")
    comp = Component(name, (name,), {label: label for label in labels})
    return comp, [Gold(name, docs, CorpusOptions())]


def train_from_cli(config: str, out: str, shared: str | None, gold: str | None,
                   gold_format: str | None, label_map: str | None, name: str,
                   say: Callable[[str], None]) -> dict[str, Any]:
    """Run the training the command line asked for; returns the model's meta."""
    settings = load_settings(config)
    shared_dir = Path(shared) if shared else SHARED
    if settings.components and not (shared_dir / "corpora").is_dir():
        raise ExtractorError("the config trains on the public corpora, which are absent "
                             "(give --shared)", path=str(shared_dir), code="not_found")
    extra = [gold_component(gold, gold_format, label_map, name)] if gold else []
    if not settings.components and not extra:
        raise ExtractorError("nothing to train: the config has no components and no --gold "
                             "was given", path=config, code="malformed")
    return train_model(settings, out, shared=shared_dir, extra=extra, say=say)
