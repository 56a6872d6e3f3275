"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

from click.testing import CliRunner

from extractor.cli import main


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the ``extractor`` command line in-process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr
