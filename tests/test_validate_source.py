"""Validation on users' own gold: predictions on a reflowed plain-text file are moved back
onto the file's characters (Document.source_map), malformed gold warns with file and line
(``--strict`` stops), and the writers put predictions on the source file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.formats.bioc_format import read_bioc, write_bioc
from extractor.formats.brat import read_brat, to_ann
from extractor.formats.pubtator import read_pubtator, write_pubtator
from extractor.formats.toolkit_json import read_toolkit_json
from extractor.parsers import parse
from extractor.source_map import align, compress, span_to_source, to_source
from tests.conftest import REPO, shared_path

# Invented, hard-wrapped and indented, with a soft hyphen, a ligature and a page-dump menu
# line the parser drops: the Document's text differs from the file's in every way it can.
RAW = (
    "Home | About | Contact\n"
    "\n"
    "Treating  Plaque Psoriasis With An Invented Regimen\n"
    "\n"
    "Case presentation\n"
    "\n"
    "   A 52-year-old man with plaque psoriasis started\n"
    "   methotrexate 15 mg weekly by mouth and, after\n"
    "   eight weeks, devel\u00adoped nausea and a \ufb01xed rash.\n"
    "\n"
    "Outcome\n"
    "\n"
    "He stopped methotrexate; the nausea resolved within days.\n"
)
# (label, word, occurrence): what a perfect extractor finds, written on the raw file.
GOLD = [("CONDITION", "plaque psoriasis", 0), ("DRUG", "methotrexate", 0),
        ("DOSE", "15 mg", 0), ("FREQUENCY", "weekly", 0),
        ("ADVERSE_EVENT", "nausea", 0), ("DRUG", "methotrexate", 1),
        ("ADVERSE_EVENT", "nausea", 1)]


def _nth(text: str, word: str, n: int) -> int:
    return [m.start() for m in re.finditer(re.escape(word), text)][n]


def _write_case(folder: Path, bom: str = "") -> tuple[Path, Path]:
    """The raw ``case.txt`` and its brat gold ``case.ann``, offsets into the raw file
    (a byte-order mark ``bom`` counts as its first character, as brat counts it)."""
    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / "case.txt"
    txt.write_bytes((bom + RAW).encode("utf-8"))
    lines = []
    for i, (label, word, n) in enumerate(GOLD, start=1):
        start = _nth(bom + RAW, word, n)
        lines.append(f"T{i}\t{label} {start} {start + len(word)}\t{word}")
    ann = folder / "case.ann"
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return txt, ann


def _perfect_prediction(txt: Path, out: Path) -> Path:
    """An EvidenceDocument line with the gold mentions at their Document-text offsets."""
    doc = parse(txt)
    mentions = []
    for i, (label, word, n) in enumerate(GOLD, start=1):
        start = _nth(doc.text, word, n)
        mentions.append({"id": f"m{i}", "label": label, "text": word, "start": start,
                         "end": start + len(word)})
    row = json.loads(doc.model_dump_json()) | {"mentions": mentions}
    out.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return out


def _validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    return result.exit_code, result.stderr


def _scores(gold: Path, pred: Path, out: Path) -> dict[str, Any]:
    """``validate --json``'s result (the command must succeed)."""
    code, err = _validate("--gold", str(gold), "--pred", str(pred), "--json", str(out))
    assert code == 0, err
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


# --- the map ---------------------------------------------------------------------------

def test_align_follows_collapsed_blanks_invisibles_and_ligatures() -> None:
    raw = "a\n   b\u00adc \ufb01t"
    piece = "a bc fit"
    assert align(piece, raw) == [0, 1, 5, 7, 8, 9, 9, 10]


def test_anchors_are_compact_and_empty_for_the_identity() -> None:
    assert compress([(0, 0), (1, 1), (2, 2)]) == []
    anchors = compress([(0, 0), (1, 1), (2, 5), (3, 6)])
    assert anchors == [(2, 5)]
    assert [to_source(anchors, t) for t in range(4)] == [0, 1, 5, 6]
    # A span ends right after its last character, not where the next one would start.
    assert span_to_source(anchors, 0, 2) == (0, 2)
    assert span_to_source([], 3, 7) == (3, 7)


def test_parsed_text_maps_every_word_back_to_the_file(tmp_path: Path) -> None:
    txt, _ = _write_case(tmp_path)
    doc = parse(txt)
    assert doc.text != RAW and doc.source_map
    assert "Home | About" not in doc.text  # the menu line is chrome
    for m in re.finditer(r"[^\W\d_]+", doc.text):
        s, e = span_to_source(doc.source_map, m.start(), m.end())
        assert RAW[s:e].replace("\u00ad", "") in (m.group(), "\ufb01xed"), m.group()


# --- validate on gold written on the raw file ------------------------------------------

@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_perfect_prediction_on_reflowed_text_scores_one(tmp_path: Path, bom: str) -> None:
    txt, _ = _write_case(tmp_path / "gold", bom)
    pred = _perfect_prediction(txt, tmp_path / "ev.jsonl")
    result = _scores(tmp_path / "gold", pred, tmp_path / "scores.json")
    assert result["documents"]["paired"] == 1
    assert result["mentions"]["micro"]["f1"] == 1.0
    assert result["false_positives"] == [] and result["false_negatives"] == []


def test_gold_on_the_documents_own_text_is_not_moved(tmp_path: Path) -> None:
    txt, _ = _write_case(tmp_path / "gold")
    pred = _perfect_prediction(txt, tmp_path / "ev.jsonl")
    assert _scores(pred, pred, tmp_path / "scores.json")["mentions"]["micro"]["f1"] == 1.0


def test_texts_index_names_a_text_kept_elsewhere_and_its_regions(tmp_path: Path) -> None:
    txt, ann = _write_case(tmp_path / "texts")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "case.ann").write_text(ann.read_text(encoding="utf-8"), encoding="utf-8")
    region = [_nth(RAW, "Case presentation", 0), _nth(RAW, "Outcome", 0)]
    (gold / "texts.json").write_text(json.dumps(
        {"case": {"path": "../texts/case.txt", "regions": [region]}}), encoding="utf-8")
    doc = read_brat(gold / "case.ann")
    assert doc.text == RAW and doc.meta["regions"] == [tuple(region)]
    # Predictions outside the annotated regions are not scored; gold there is not either.
    (gold / "case.ann").write_text("\n".join(ann.read_text().splitlines()[:5]) + "\n")
    pred = _perfect_prediction(txt, tmp_path / "ev.jsonl")
    assert _scores(gold, pred, tmp_path / "scores.json")["mentions"]["micro"]["f1"] == 1.0


# --- malformed gold --------------------------------------------------------------------

def test_malformed_gold_warns_with_file_and_line(tmp_path: Path) -> None:
    txt, ann = _write_case(tmp_path / "gold")
    lines = ann.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("methotrexate", "methotrexat")  # text does not match
    lines[2] = "T3\tDOSE 9000 9005\t15 mg"  # past the end of the text
    lines.append("R1\tdose_of Arg1:T3")  # not a relation line
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pred = _perfect_prediction(txt, tmp_path / "ev.jsonl")
    code, err = _validate("--gold", str(tmp_path / "gold"), "--pred", str(pred))
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert f"warning: {ann}:8: relation line needs 'Type Arg1:X Arg2:Y' (skipped)" in warnings
    assert any(w.startswith(f"warning: {ann}:2 (document case, T2): mention 'methotrexat'")
               and w.endswith("(scored as written)") for w in warnings)
    assert any(w.startswith(f"warning: {ann}:3 (document case, T3): span")
               and w.endswith("(skipped)") for w in warnings)


def test_strict_stops_at_malformed_gold(tmp_path: Path) -> None:
    txt, ann = _write_case(tmp_path / "gold")
    ann.write_text(ann.read_text(encoding="utf-8") + "X1\tnonsense\n", encoding="utf-8")
    pred = _perfect_prediction(txt, tmp_path / "ev.jsonl")
    code, err = _validate("--strict", "--gold", str(tmp_path / "gold"), "--pred", str(pred))
    assert code == 1
    assert err.strip() == f"error: {ann}:8: unknown annotation kind 'X'"


# --- writers ---------------------------------------------------------------------------

def test_writers_put_predictions_on_the_source_file(tmp_path: Path) -> None:
    txt, ann = _write_case(tmp_path / "gold")
    (pred,) = read_toolkit_json(_perfect_prediction(txt, tmp_path / "ev.jsonl"))
    expected = [e.spans for e in read_brat(ann).entities]
    (tmp_path / "gold" / "case.ann").write_text(to_ann(pred), encoding="utf-8")
    assert [e.spans for e in read_brat(ann).entities] == expected
    write_pubtator([pred], tmp_path / "p.PubTator")
    write_bioc([pred], tmp_path / "p.xml")
    for (back,) in (read_pubtator(tmp_path / "p.PubTator"), read_bioc(tmp_path / "p.xml")):
        assert [e.spans for e in back.entities] == expected


def test_readme_validate_example_runs_as_written(tmp_path: Path, monkeypatch: Any) -> None:
    """README: `extract ../shared/seeds/*.txt -o ev.jsonl`, then `validate --gold
    corpus/gold/ --pred ev.jsonl` (from the repository root) scores the seeds as the
    benchmark does (micro exact F1 0.921 when written; 0.004 before the source map)."""
    seeds = sorted(shared_path("seeds").glob("*.txt"))
    monkeypatch.chdir(REPO)
    pred = tmp_path / "ev.jsonl"
    extracted = CliRunner().invoke(main, ["extract", *map(str, seeds), "-o", str(pred)])
    assert extracted.exit_code == 0, extracted.stderr
    result = _scores(Path("corpus/gold/"), pred, tmp_path / "scores.json")
    assert result["documents"]["paired"] == 2
    assert result["mentions"]["micro"]["f1"] > 0.9


def test_a_prediction_on_another_text_is_warned_of(tmp_path: Path) -> None:
    txt, _ = _write_case(tmp_path / "gold")
    pred = _perfect_prediction(txt, tmp_path / "ev.jsonl")
    txt.write_text(RAW.replace("Home | About | Contact", "Home | News"), encoding="utf-8")
    code, err = _validate("--gold", str(tmp_path / "gold"), "--pred", str(pred))
    assert code == 0
    assert "warning: document case: the predictions were made on another text" in err
