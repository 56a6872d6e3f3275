"""Runtime dependencies only for runtime: dask (batch --engine dask), floret (training word
vectors) and negspacy (a benchmark) are extras, and a missing extra is one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from extractor.errors import ExtractorError
from extractor.train.vectors import VectorSettings, train_vectors
from tests.conftest import REPO

WITHOUT_DASK = """
import sys
sys.modules["dask"] = sys.modules["distributed"] = None  # as if not installed
from extractor.cli import main
sys.argv = ["extractor", "batch", sys.argv[1], "-o", sys.argv[2], "--engine", "dask",
            "--quiet", "--no-report"]
main()
"""


def test_the_default_install_needs_no_extra() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {dep.split("[")[0].split(">")[0].split("=")[0] for dep in project["dependencies"]}
    assert not names & {"dask", "floret", "negspacy"}
    extras = project["optional-dependencies"]
    assert {"dask", "train", "bench"} <= set(extras)
    assert "extractor[dask,train,bench]" in extras["dev"]  # make test installs them all


def test_batch_on_dask_without_dask_says_which_extra(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "case.txt").write_text("Nausea after dupilumab 300 mg.\n",
                                              encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", WITHOUT_DASK, str(tmp_path / "in"),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'extractor[dask]'" in lines[0], proc.stderr


def test_training_vectors_without_floret_says_which_extra(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "floret", None)  # as if not installed
    with pytest.raises(ExtractorError, match=r"pip install 'extractor\[train\]'"):
        train_vectors(VectorSettings(dims=8), ["a b c"], spacy.blank("en"), print)
