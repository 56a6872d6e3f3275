"""The crash-safe log of a batch, without the pipeline: commit, recover, compact; inputs,
chunking and the pipeline version."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.batch.inputs import InputFile, find_inputs
from extractor.batch.log import BatchLog
from extractor.batch.version import pipeline_version
from extractor.batch.work import FileResult, plan_chunks


def _result(name: str, n_docs: int = 1, error: bool = False) -> FileResult:
    if error:
        return FileResult(name, "h-" + name, error={"file": name, "stage": "parse",
                                                    "code": "empty", "reason": "file is empty"})
    return FileResult(name, "h-" + name, [json.dumps({"id": f"{name}-{i}"})
                                          for i in range(n_docs)])


def _ids(path: Path) -> list[str]:
    data = path.read_bytes()
    assert not data or data.endswith(b"\n")
    return [json.loads(line).get("id") or json.loads(line)["file"] for line in data.splitlines()]


def test_recover_drops_torn_and_uncommitted_lines(tmp_path: Path) -> None:
    log = BatchLog(tmp_path)
    log.recover()
    log.commit([_result("a", 2), _result("b", error=True)], "v1")
    # a crash after the document lines were written but before the manifest line...
    with (tmp_path / "documents.jsonl").open("ab") as handle:
        handle.write(b'{"id": "c-0"}\n{"id": "c-1", "te')
    # ... and one in the middle of a manifest line
    with (tmp_path / "manifest.jsonl").open("ab") as handle:
        handle.write(b'{"file": "c", "sha')
    entries = BatchLog(tmp_path).recover()
    assert [e.file for e in entries] == ["a", "b"]
    assert _ids(tmp_path / "documents.jsonl") == ["a-0", "a-1"]
    assert _ids(tmp_path / "errors.jsonl") == ["b"]
    assert (tmp_path / "manifest.jsonl").read_bytes().count(b"\n") == 2


def test_compact_keeps_sorts_and_drops(tmp_path: Path) -> None:
    log = BatchLog(tmp_path)
    log.recover()
    log.commit([_result("c"), _result("a", 2)], "v1")
    log.commit([_result("b", error=True), _result("c", 3)], "v1")  # c again: supersedes
    latest = {e.file: e for e in log.entries}
    log.compact([latest["a"], latest["b"], latest["c"]])
    assert _ids(tmp_path / "documents.jsonl") == ["a-0", "a-1", "c-0", "c-1", "c-2"]
    assert _ids(tmp_path / "errors.jsonl") == ["b"]
    again = BatchLog(tmp_path).recover()
    assert [e.file for e in again] == ["a", "b", "c"]
    assert [line for e in again for line in log.read_lines(e)] == \
        (tmp_path / "documents.jsonl").read_bytes().splitlines()
    assert not list(tmp_path.glob("*.next"))


def test_interrupted_compaction_rolls_back_or_forward(tmp_path: Path) -> None:
    log = BatchLog(tmp_path)
    log.recover()
    log.commit([_result("b"), _result("a")], "v1")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    # crash before the new manifest was complete: the old state stands
    (tmp_path / "documents.jsonl.next").write_bytes(b'{"id": "a-0"}\n')
    (tmp_path / "manifest.jsonl.next").write_bytes(b'{"file": "a"')
    BatchLog(tmp_path).recover()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    # crash after the complete marker but before the renames: they are finished
    fresh = BatchLog(tmp_path)
    entries = fresh.recover()
    fresh.compact(list(reversed(entries)))
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    (tmp_path / "documents.jsonl").write_bytes(before["documents.jsonl"])
    (tmp_path / "manifest.jsonl").write_bytes(before["manifest.jsonl"])
    for name in ("documents.jsonl", "errors.jsonl", "manifest.jsonl"):
        (tmp_path / f"{name}.next").write_bytes(after[name])
    assert [e.file for e in BatchLog(tmp_path).recover()] == ["a", "b"]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == after


def test_outputs_cut_by_hand_redo_their_files(tmp_path: Path) -> None:
    log = BatchLog(tmp_path)
    log.recover()
    log.commit([_result("a", 2), _result("b", error=True)], "v1")
    (tmp_path / "documents.jsonl").write_bytes(b"")
    healed = BatchLog(tmp_path)
    assert [e.file for e in healed.recover()] == ["b"]  # a is redone, b's error stands
    assert _ids(tmp_path / "errors.jsonl") == ["b"]
    assert json.loads((tmp_path / "quarantine" / "manifest.jsonl").read_bytes())["file"] == "a"
    assert "line 1: its input a is redone" in healed.warnings[0]


def test_damaged_lines_go_to_quarantine(tmp_path: Path) -> None:
    log = BatchLog(tmp_path)
    log.recover()
    log.commit([_result("a"), _result("b", 2)], "v1")
    log.commit([_result("c"), _result("d", error=True)], "v1")
    docs = tmp_path / "documents.jsonl"
    # one changed byte in b's second line (still valid JSON), garbage in the errors file,
    # and a manifest line with an unknown key
    docs.write_bytes(docs.read_bytes().replace(b'"b-1"', b'"b-X"'))
    (tmp_path / "errors.jsonl").write_bytes(b"garbage\n")
    manifest = tmp_path / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'{"file"', b'{"extra": 1, "file"')
    manifest.write_bytes(b"".join(lines))

    healed = BatchLog(tmp_path)
    assert [e.file for e in healed.recover()] == ["a"]
    assert _ids(docs) == ["a-0"]
    assert (tmp_path / "errors.jsonl").read_bytes() == b""
    quarantine = tmp_path / "quarantine"
    assert _ids(quarantine / "documents.jsonl") == ["b-0", "b-X", "c-0"]
    assert (quarantine / "errors.jsonl").read_bytes() == b"garbage\n"
    assert (quarantine / "manifest.jsonl").read_bytes().count(b"\n") == 3
    assert any("documents.jsonl line 3" in w for w in healed.warnings)
    assert any("manifest.jsonl line 3: not a manifest record (unknown keys ['extra'])" in w
               for w in healed.warnings)
    # healed: a second start finds nothing wrong
    again = BatchLog(tmp_path)
    assert [e.file for e in again.recover()] == ["a"] and again.warnings == []


def test_find_inputs(tmp_path: Path) -> None:
    for rel in ("b.txt", "a/c.PDF", "a/.d.txt", ".git/e.xml", "f.md", "g.nxml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    assert [f.rel for f in find_inputs(tmp_path)] == ["a/c.PDF", "b.txt", "g.nxml"]
    assert [f.rel for f in find_inputs(tmp_path, "*.md")] == ["f.md"]
    assert [f.rel for f in find_inputs(tmp_path, "a/*")] == ["a/c.PDF"]
    assert len({f.sha256 for f in find_inputs(tmp_path)}) == 1  # same content, same hash
    assert [f.rel for f in find_inputs(tmp_path, exclude=tmp_path / "a")] == ["b.txt", "g.nxml"]


def test_plan_chunks() -> None:
    small = [InputFile(f"{i}.txt", f"{i}.txt", 100, "") for i in range(40)]
    big = InputFile("big.pdf", "big.pdf", 5 << 20, "")
    chunks = plan_chunks(small[:20] + [big] + small[20:], workers=2)
    assert [f for c in chunks for f in c] == small[:20] + [big] + small[20:]
    assert [big] in chunks and max(len(c) for c in chunks) == 6  # 41 files / (4 x 2 workers)
    assert plan_chunks(small[:3], workers=2) == [[f] for f in small[:3]]


def test_pipeline_version_follows_model_files(tmp_path: Path) -> None:
    (tmp_path / "pipeline.cfg").write_text("[nlp]\n", encoding="utf-8")
    v1 = pipeline_version(tmp_path)
    (tmp_path / "ner.partial").mkdir()
    (tmp_path / "ner.partial" / "weights").write_bytes(b"half-written")
    (tmp_path / "README.md").write_text("# model card\n", encoding="utf-8")
    assert pipeline_version(tmp_path) == v1
    (tmp_path / "ner").mkdir()
    (tmp_path / "ner" / "weights").write_bytes(b"trained")
    assert pipeline_version(tmp_path) != v1


def test_manifest_without_digests_is_validated_then_upgraded(tmp_path: Path) -> None:
    from extractor.document import Source
    from extractor.evidence import EvidenceDocument

    def evidence(name: str) -> str:
        return EvidenceDocument(id=name, source=Source(path=name, format="text",
                                                       sha256="0" * 64),
                                text="Nausea.").model_dump_json()

    log = BatchLog(tmp_path)
    log.recover()
    log.commit([FileResult("a", "h-a", [evidence("a")]), FileResult("b", "h-b", ['{"id": 1}'])],
               "v1")
    manifest = tmp_path / "manifest.jsonl"
    old = [{k: v for k, v in json.loads(line).items() if k != "digest"}
           for line in manifest.read_bytes().splitlines()]
    manifest.write_text("".join(json.dumps(e) + "\n" for e in old))  # as written before
    healed = BatchLog(tmp_path)
    assert [e.file for e in healed.recover()] == ["a"]  # b's line is no EvidenceDocument
    assert "its input b is redone: a line is not valid" in healed.warnings[0]
    assert all(json.loads(line)["digest"] for line in manifest.read_bytes().splitlines()
               if "file" in json.loads(line))
    # an intact older manifest: nothing is redone, the digests are added
    stripped = [{k: v for k, v in json.loads(line).items() if k != "digest"}
                for line in manifest.read_bytes().splitlines()]
    manifest.write_text("".join(json.dumps(e) + "\n" for e in stripped))
    again = BatchLog(tmp_path)
    assert [e.file for e in again.recover()] == ["a"] and again.warnings == []
    assert all(e.digest for e in again.entries)
