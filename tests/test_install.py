"""A non-editable install works: build the wheel, install it into a fresh virtual
environment, run ``extractor extract`` from another directory.

Nothing is downloaded: the wheel is built without build isolation by this environment's
setuptools, and the new environment reuses this one's installed dependencies through a
``.pth`` file (a path listed there is added to ``sys.path``, but the ``.pth`` files inside it,
such as the editable install's import hook, are not run), so only the wheel provides
``extractor``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# What the build reads (pyproject.toml, setup.py and the folders setup.py packages).
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "extractor", "models", "corpus")
MIN_SETUPTOOLS = (77,)  # pyproject.toml's build-system requirement
TEXT = ("A 54-year-old woman was given methotrexate 15 mg weekly for rheumatoid arthritis "
        "and developed transaminitis.\n")


def _setuptools_version() -> tuple[int, ...]:
    return tuple(int(p) for p in version("setuptools").split(".")[:2] if p.isdigit())


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{cmd[:4]} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return proc.stdout


def _copy_sources(dest: Path) -> None:
    """The build inputs without caches or build leftovers: setuptools builds in the
    source tree, and a stale build/ there would leak old files into the wheel."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in BUILD_INPUTS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)


def _fresh_venv(path: Path) -> Path:
    """A new venv (no pip, no system site-packages) that sees this environment's
    dependencies; returns its ``bin`` folder."""
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(path)
    site = Path(_run([str(path / "bin" / "python"), "-c",
                      "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=path).strip())
    (site / "project-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n",
                                                   encoding="utf-8")
    return path / "bin"


def test_wheel_installs_and_extracts_from_another_directory(tmp_path: Path) -> None:
    if _setuptools_version() < MIN_SETUPTOOLS:
        pytest.skip(f"setuptools {version('setuptools')} here, the build needs >= 77; pip "
                    "would download it to build the wheel (`make setup` installs it)")
    src, wheels, elsewhere = tmp_path / "src", tmp_path / "wheels", tmp_path / "elsewhere"
    src.mkdir()
    elsewhere.mkdir()
    _copy_sources(src)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-q", "-w", str(wheels), str(src)], cwd=tmp_path)
    wheel = next(wheels.glob("extractor-*.whl"))

    bin_dir = _fresh_venv(tmp_path / "venv")
    _run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install",
          "--no-deps", "--no-index", "-q", str(wheel)], cwd=tmp_path)

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EXTRACTOR_SHARED")}
    where = _run([str(bin_dir / "python"), "-c",
                  "import extractor, extractor.resources as r; "
                  "print(extractor.__file__); print(r.models_dir())"], cwd=elsewhere, env=env)
    package_file, models = where.split()
    venv_root = str(tmp_path / "venv")
    assert package_file.startswith(venv_root), "extractor was imported from outside the wheel"
    assert models.startswith(venv_root) and models.endswith("extractor/_models")

    (elsewhere / "case.txt").write_text(TEXT, encoding="utf-8")
    _run([str(bin_dir / "extractor"), "extract", "case.txt", "-o", "out.jsonl"],
         cwd=elsewhere, env=env)
    record = json.loads((elsewhere / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    found = {(m["label"], m["text"]) for m in record["mentions"]}
    assert {("DRUG", "methotrexate"), ("DOSE", "15 mg"),
            ("ADVERSE_EVENT", "transaminitis")} <= found
    drug = next(m for m in record["mentions"] if m["text"] == "methotrexate")
    assert drug["normalized"]["ids"].get("drugbank")  # the shipped lexicon was read
