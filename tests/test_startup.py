"""Start-up stays light: heavy parts are imported or loaded only by what needs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extractor.errors import ExtractorError
from extractor.pipeline import load_nlp

# Needed by batch, the report, PDF tables, the fuzzy linker or training: never by loading
# the CLI or the default pipeline.
HEAVY = ("dask", "distributed", "duckdb", "pyarrow", "sklearn", "nmslib", "floret",
         "openpyxl", "extractor.train")

PROBE = """
import json, sys
heavy = json.loads(sys.argv[1])
import extractor.cli
after_cli = [m for m in ["spacy", "rich", *heavy] if m in sys.modules]
from extractor.pipeline import Pipeline
rules = Pipeline(ner=False)
rules.nlp("A man took methotrexate 10 mg.")
loaded_when_off = not callable(rules.nlp.get_pipe("model")._models)
pipeline = Pipeline()
pipeline.nlp("A man took methotrexate 10 mg.")
after_pipeline = [m for m in heavy if m in sys.modules]
print(json.dumps([after_cli, after_pipeline, loaded_when_off,
                  len(pipeline.nlp.get_pipe("model").models)]))
"""


def test_cli_and_default_pipeline_leave_heavy_parts_unloaded() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY)], capture_output=True,
                          text=True, timeout=300, check=True)
    after_cli, after_pipeline, loaded_when_off, n_models = json.loads(proc.stdout)
    assert after_cli == []
    assert after_pipeline == []
    assert not loaded_when_off  # --rules-only: the NER model is not read from disk
    assert n_models == 1  # the default pipeline runs it


def test_a_wrong_model_component_still_fails_at_load() -> None:
    with pytest.raises(ExtractorError, match="no trained component nope"):
        load_nlp(overrides={"components.model.components": ["nope"]})
