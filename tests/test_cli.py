"""The command line: JSON out, and one-line errors with a non-zero exit for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from tests.helpers import run_cli

PROSE = (
    "Baricitinib in alopecia areata: a case\n\n"
    "A 41-year-old woman received baricitinib 4 mg daily for 9 months.\n"
)


def test_parse_text_file_writes_document_json(tmp_path: Path) -> None:
    path = tmp_path / "case.txt"
    path.write_text(PROSE, encoding="utf-8")
    code, out, _ = run_cli("parse", str(path))
    assert code == 0
    doc = json.loads(out)
    assert doc["source"]["format"] == "text"
    assert "baricitinib 4 mg daily" in doc["text"]
    assert len(doc["source"]["sha256"]) == 64


def test_parse_several_files_to_a_directory(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(PROSE, encoding="utf-8")
    out_dir = tmp_path / "out"
    code, _, _ = run_cli("parse", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o",
                      f"{out_dir}/")
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.text.json", "b.text.json"]


def test_stdin_is_read_as_text() -> None:
    result = CliRunner().invoke(main, ["parse", "-"], input=PROSE)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["source"]["path"] == "<stdin>"


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.html"
    junk.write_bytes(bytes(range(256)) * 64)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # sparse: 50 MB without writing 50 MB
        fh.truncate(50 * 1024 * 1024)
    return {
        "missing": (tmp_path / "nope.xml", "no such file"),
        "directory": (tmp_path, "is a directory"),
        "empty": (empty, "file is empty"),
        "junk": (junk, "binary data"),
        "huge": (huge, "file too large"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "empty", "junk", "huge"])
def test_bad_input_gives_one_line_error(tmp_path: Path, case: str) -> None:
    path, reason = _bad_inputs(tmp_path)[case]
    code, out, err = run_cli("parse", str(path))
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0] and reason in lines[0]
    assert "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    code, _, err = run_cli("--debug", "parse", str(path))
    assert code == 1 and "Traceback" in err


def test_console_script_is_installed_and_fails_cleanly(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("extractor")
    proc = subprocess.run([str(exe), "parse", str(tmp_path / "missing.pdf")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: {tmp_path / 'missing.pdf'}: no such file"


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(PROSE, encoding="utf-8")
    code, out, err = run_cli("parse", str(tmp_path / "missing.txt"), str(good))
    assert code == 1
    assert json.loads(out)["id"] == "good"
    assert err.strip() == f"error: {tmp_path / 'missing.txt'}: no such file"


def test_extract_writes_evidence_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "case.txt"
    path.write_text(PROSE + "She developed nausea after the first dose; no herpes zoster "
                    "was reported.\n", encoding="utf-8")
    out = tmp_path / "ev.jsonl"
    result = CliRunner().invoke(main, ["extract", str(path), "-", "-o", str(out)],
                                input="Methotrexate 15 mg weekly was stopped.")
    assert result.exit_code == 0, result.stderr
    docs = [json.loads(line) for line in out.read_text().splitlines()]
    assert [d["source"]["path"] for d in docs] == [str(path), "<stdin>"]
    first = {(m["label"], m["text"].lower()): m for m in docs[0]["mentions"]}
    assert first[("DRUG", "baricitinib")]["normalized"]["name"] == "baricitinib"
    assert first[("DOSE", "4 mg")]["value"] == {"value": 4.0, "value_max": None, "unit": "mg"}
    assert first[("ADVERSE_EVENT", "nausea")]["negated"] is False
    assert first[("ADVERSE_EVENT", "herpes zoster")]["negated"] is True
    text = docs[0]["text"]
    for m in docs[0]["mentions"]:
        assert text[m["start"]:m["end"]] == m["text"]
    assert docs[1]["records"][0]["interventions"][0]["drug"]["name"] == "methotrexate"


def test_table_reports_bad_and_undecodable_lines(tmp_path: Path) -> None:
    jsonl = tmp_path / "ev.jsonl"
    jsonl.write_bytes(b'{"bad": 1}\n\xff\xfe\n')
    result = CliRunner().invoke(main, ["table", str(jsonl)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # one line per bad line, no traceback
    assert f"{jsonl}:1: not an EvidenceDocument" in result.output
    assert f"{jsonl}:2: not an EvidenceDocument" in result.output


def test_usage_errors_are_one_line_and_status_1() -> None:
    from click.testing import CliRunner

    from extractor.cli import main

    for args in (["table", "x.jsonl", "--bogus"], ["nosuch"], ["extract"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, args
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0
