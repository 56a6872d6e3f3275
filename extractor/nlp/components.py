"""Importing this module registers every factory the pipeline config names."""

from __future__ import annotations

import scispacy.abbreviation  # noqa: F401  (registers "abbreviation_detector")

from extractor.nlp import (  # noqa: F401
    context,
    extensions,
    lexicon,
    linker,
    patterns,
    relations,
    resolve,
    sentences,
    tokenizer,
)
