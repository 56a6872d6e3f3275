"""Importing this module registers every factory the pipeline config names."""

from __future__ import annotations

import scispacy.abbreviation  # noqa: F401  (registers "abbreviation_detector")

import extractor.nlp.abbreviations  # noqa: F401
import extractor.nlp.context  # noqa: F401
import extractor.nlp.extensions  # noqa: F401
import extractor.nlp.lexicon  # noqa: F401
import extractor.nlp.linker  # noqa: F401
import extractor.nlp.ner  # noqa: F401
import extractor.nlp.patterns  # noqa: F401
import extractor.nlp.problem_role  # noqa: F401
import extractor.nlp.relations  # noqa: F401
import extractor.nlp.resolve  # noqa: F401
import extractor.nlp.sentences  # noqa: F401
import extractor.nlp.tokenizer  # noqa: F401
