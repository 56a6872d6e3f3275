"""The fuzzy linker's index is built once per machine, under a lock, with a message."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extractor.nlp.fuzzy import FuzzyLinker, build_index, ensure_index, index_is_built
from extractor.nlp.kb import DRUG, Concept, Lexicon

ALIASES = ["baricitinib", "methotrexate", "tofacitinib", "upadacitinib"]


@pytest.fixture()
def lexicon() -> Lexicon:
    lex = Lexicon()
    for name in ALIASES:
        lex.add(name, Concept(DRUG, name, {"drugbank": name.upper()}, "curated:drug"),
                replace=False)
    return lex


def test_built_once_with_a_message_then_reused(tmp_path: Path, lexicon: Lexicon,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "index"
    first = FuzzyLinker(lexicon, folder=folder)
    err = capfd.readouterr().err
    assert "building the fuzzy drug-name index (one time, ~1 s)..." in err
    assert first.best(["upadacitnib"], [DRUG])[0].concept.name == "upadacitinib"

    second = FuzzyLinker(lexicon, folder=folder)
    assert capfd.readouterr().err == ""  # loaded, not rebuilt
    assert second.best(["metotrexate"], [DRUG])[0].concept.name == "methotrexate"


def test_a_second_process_waits_for_the_builder(tmp_path: Path, lexicon: Lexicon,
                                                capfd: pytest.CaptureFixture[str]) -> None:
    """While another holder has the lock, the linker waits, then uses the finished index
    instead of building its own (flock is per open file, so a thread here contends like a
    second worker process would)."""
    folder = tmp_path / "index"
    linkers: list[FuzzyLinker] = []
    with open(tmp_path / "index.lock", "ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiter = threading.Thread(target=lambda: linkers.append(FuzzyLinker(lexicon,
                                                                            folder=folder)))
        waiter.start()
        err = ""
        deadline = time.monotonic() + 30
        while "waiting" not in err and time.monotonic() < deadline:
            time.sleep(0.05)
            err += capfd.readouterr().err
        assert "waiting for another process to finish the fuzzy drug-name index" in err
        build_index(folder, sorted(ALIASES))  # the lock holder builds
    waiter.join(timeout=60)
    assert "building" not in capfd.readouterr().err
    assert linkers and linkers[0].best(["baricitnib"], [DRUG])[0].concept.name == "baricitinib"


def test_a_killed_build_leaves_no_half_index(tmp_path: Path,
                                             capfd: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "index"
    (tmp_path / "index.tmp123").mkdir()
    ensure_index(folder, sorted(ALIASES))
    assert folder.is_dir() and not (tmp_path / "index.tmp123").exists()
    assert "one time" in capfd.readouterr().err


def test_index_is_built_says_whether_this_machine_has_it(
        tmp_path: Path, lexicon: Lexicon, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_CACHE", str(tmp_path / "cache"))
    assert not index_is_built(lexicon)
    FuzzyLinker(lexicon)
    assert index_is_built(lexicon)


WARM_UP = """
from extractor.batch.work import load_pipeline
load_pipeline()
"""


def test_batch_workers_leave_an_unbuilt_index_to_the_first_need(tmp_path: Path) -> None:
    """A batch worker's warm-up loads the index only when it is built: a run whose documents
    need no fuzzy match (make run's examples) does not wait a minute for the build."""
    cache = tmp_path / "cache"
    proc = subprocess.run([sys.executable, "-c", WARM_UP], capture_output=True, text=True,
                          env={**os.environ, "EXTRACTOR_CACHE": str(cache)}, timeout=600,
                          check=True)
    assert "fuzzy" not in proc.stderr
    assert list(cache.glob("lexicon-*"))  # the worker did load (and cache) the lexicon
    assert not list(cache.glob("fuzzy-*"))


def test_linker_remembers_its_fuzzy_answers() -> None:
    from extractor.nlp.kb import CONDITION, DRUG
    from extractor.nlp.linker import Linker

    linker = Linker()
    texts, labels = ["metotrexate", "adalimumabb", "metotrexate"], [DRUG, DRUG, DRUG]
    first = linker._fuzzy(texts, labels)
    assert first[0] is not None and first[0].concept.name.lower() == "methotrexate"
    assert first[2] is first[0]  # a repeated name is looked up once
    assert len(linker._cache) == 2
    again = linker._fuzzy(["adalimumabb", "hypertensoin"], [DRUG, CONDITION])
    assert again[0] is first[1] and len(linker._cache) == 3
