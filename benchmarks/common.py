"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_dir(*parts: str) -> Path:
    """A folder under ../shared; exits with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        sys.exit(f"{path} is absent: the benchmarks need ../shared beside the repository")
    return path
