"""brat standoff (``.ann``) reading and writing.

Supported lines: ``T`` text-bound entities (discontinuous fragments ``0 5;10 15``), ``A``/``M``
attributes (binary ``A1\\tNegated T3`` or valued ``A2\\tSeverity T3 High``), ``R`` relations
(``R1\\tdose_of Arg1:T5 Arg2:T4``; Arg1 is the head), ``#`` annotator notes. ``E`` event
lines are reduced to their trigger (attributes and relations on an event go to its trigger
entity; the role arguments are not kept); ``N`` (normalization) and ``*`` (equivalence)
lines are ignored. Anything else, and any line that does not fit its form, raises
:class:`ExtractorError` naming ``file:line``. The text is passed separately (the gold of
third-party texts is kept apart from the text).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError
from extractor.formats.checks import OnProblem, check_documents, skip_or_raise
from extractor.formats.gold import GoldDocument, GoldEntity, GoldRelation
from extractor.formats.source_offsets import source_view

_FRAGMENT = re.compile(r"^(\d+) (\d+)$")
_ARG = re.compile(r"^(\w+):(\S+)$")
_ENTITY_ID = re.compile(r"^T\d+$")
_IGNORED = ("N", "*")


def _fail(where: str, lineno: int, reason: str) -> ExtractorError:
    return ExtractorError(f"{where}:{lineno}: {reason}", code="malformed")


def parse_ann(ann: str, text: str, *, doc_id: str = "", where: str = "<ann>",
              check_text: bool = True, on_problem: OnProblem | None = None) -> GoldDocument:
    """Parse ``.ann`` content against ``text``; ``where`` names the file in errors.

    With ``on_problem`` a line that cannot be read is told to it and skipped, and the span
    checks are left to :func:`~extractor.formats.checks.check_documents`, which the caller
    runs; without it the first problem raises ExtractorError.
    """
    entities: dict[str, GoldEntity] = {}
    attrs: list[tuple[int, str, str, str | bool]] = []
    notes: list[tuple[int, str, str]] = []
    relations: list[GoldRelation] = []
    rel_lines: dict[str, int] = {}
    triggers: dict[str, str] = {}  # event id -> trigger entity id
    ent_lines: dict[str, int] = {}  # for problems found later (checks.location)
    # splitlines: PHEE's files may lack a final newline; strip only the line break.
    for lineno, line in enumerate(ann.splitlines(), 1):
        try:
            if not line.strip():
                continue
            kind = line[0]
            fields = line.split("\t")
            if kind == "T":
                if len(fields) < 3:
                    raise _fail(where, lineno, "entity line needs 3 tab-separated fields")
                ent_id, middle, ent_text = fields[0], fields[1], fields[2]
                label, _, offsets = middle.partition(" ")
                spans = []
                for frag in offsets.split(";"):
                    m = _FRAGMENT.match(frag.strip())
                    if not m or int(m.group(1)) > int(m.group(2)):
                        raise _fail(where, lineno, f"bad offsets {offsets!r}")
                    spans.append((int(m.group(1)), int(m.group(2))))
                if not label:
                    raise _fail(where, lineno, "entity without a label")
                if ent_id in entities:
                    raise _fail(where, lineno, f"duplicate id {ent_id}")
                ent = GoldEntity(ent_id, label, tuple(spans), ent_text)
                if check_text and on_problem is None:  # else check_documents checks
                    got = " ".join(text[s:e] for s, e in spans)
                    if any(e > len(text) for _, e in spans) or got != ent_text:
                        raise _fail(where, lineno, f"{ent_id} text {ent_text!r} does not match "
                                    f"the document at {offsets} ({got!r})")
                entities[ent_id] = ent
                ent_lines[ent_id] = lineno
            elif kind in ("A", "M"):
                parts = fields[1].split() if len(fields) > 1 else []
                if len(parts) not in (2, 3):
                    raise _fail(where, lineno, "attribute line needs 'Name Target [Value]'")
                value: str | bool = parts[2] if len(parts) == 3 else True
                attrs.append((lineno, parts[1], parts[0], value))
            elif kind == "R":
                parts = fields[1].split() if len(fields) > 1 else []
                args = [_ARG.match(p) for p in parts[1:]]
                if len(parts) != 3 or not all(args):
                    raise _fail(where, lineno, "relation line needs 'Type Arg1:X Arg2:Y'")
                roles = {m.group(1): m.group(2) for m in args if m}
                if set(roles) != {"Arg1", "Arg2"}:
                    raise _fail(where, lineno, "relation arguments must be Arg1 and Arg2")
                relations.append(GoldRelation(fields[0], parts[0], roles["Arg1"], roles["Arg2"]))
                rel_lines[fields[0]] = lineno
            elif kind == "E":
                trigger = fields[1].split()[0] if len(fields) > 1 and fields[1].split() else ""
                if ":" not in trigger:
                    raise _fail(where, lineno, "event line needs 'Type:Trigger ...'")
                triggers[fields[0]] = trigger.split(":", 1)[1]
            elif kind == "#":
                parts = fields[1].split() if len(fields) > 1 else []
                if len(parts) != 2 or len(fields) < 3:
                    raise _fail(where, lineno, "note line needs 'AnnotatorNotes Target\\tnote'")
                notes.append((lineno, parts[1], fields[2]))
            elif kind in _IGNORED:
                continue
            else:
                raise _fail(where, lineno, f"unknown annotation kind {kind!r}")
        except ExtractorError as err:
            skip_or_raise(err, on_problem)
    for lineno, target0, name, value in attrs:
        target = triggers.get(target0, target0)
        if target not in entities:
            skip_or_raise(_fail(where, lineno, f"attribute on unknown entity {target}"),
                          on_problem)
            continue
        ent = entities[target]
        entities[target] = GoldEntity(ent.id, ent.label, ent.spans, ent.text,
                                      {**ent.attributes, name: value}, ent.notes)
    for lineno, target, note in notes:
        if target in entities:  # notes on relations or events are kept nowhere
            ent = entities[target]
            entities[target] = GoldEntity(ent.id, ent.label, ent.spans, ent.text,
                                          ent.attributes, (*ent.notes, note))
        elif not target.startswith(("R", "E", "A", "N")):
            skip_or_raise(_fail(where, lineno, f"note on unknown annotation {target}"),
                          on_problem)
    relations = [GoldRelation(r.id, r.type, triggers.get(r.head, r.head),
                              triggers.get(r.tail, r.tail)) for r in relations]
    kept = []
    for rel in relations:
        missing = [end for end in (rel.head, rel.tail) if end not in entities]
        if missing:
            skip_or_raise(_fail(where, rel_lines[rel.id],
                                f"relation on unknown entity {missing[0]}"), on_problem)
        else:
            kept.append(rel)
    return GoldDocument(doc_id, text, list(entities.values()), kept,
                        {"source": where, "lines": {**ent_lines, **rel_lines}})


# In a folder of gold whose texts may not be copied beside it (third-party articles), this
# file names each text: {"<ann stem>": {"path": "<relative to the folder>", "sha256": "...",
# "regions": [[start, end], ...]}}; regions, when given, are the only parts annotated.
TEXTS_INDEX = "texts.json"


def _index_entry(ann_path: Path) -> dict[str, Any]:
    """The ``texts.json`` entry of an ``.ann`` (empty when there is none)."""
    index_path = ann_path.parent / TEXTS_INDEX
    if not index_path.exists():
        return {}
    try:
        entry = json.loads(index_path.read_text(encoding="utf-8")).get(ann_path.stem)
    except (OSError, ValueError, AttributeError) as err:
        raise ExtractorError(f"cannot read the texts index: {err}", path=str(index_path),
                             code="malformed") from err
    return entry if isinstance(entry, dict) else {}


def text_path_of(ann_path: Path) -> Path:
    """The text an ``.ann`` indexes: the ``.txt`` beside it, else the one the folder's
    ``texts.json`` names (ExtractorError when that text is not the one the gold was
    written on)."""
    beside = ann_path.with_suffix(".txt")
    entry = _index_entry(ann_path)
    if beside.exists() or "path" not in entry:
        return beside
    path = ann_path.parent / str(entry["path"])
    sha256 = entry.get("sha256")
    if sha256 and path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
        raise ExtractorError(f"{path} is not the text the gold was written on (its SHA-256 "
                             f"differs from {TEXTS_INDEX})", path=str(ann_path),
                             code="malformed")
    return path


def read_brat(ann_path: str | Path, text_path: str | Path | None = None, *,
              check_text: bool = True, on_problem: OnProblem | None = None) -> GoldDocument:
    """Read ``ann_path`` against its text (default: :func:`text_path_of`); with
    ``on_problem`` each problem is told to it and the item scored as written or skipped
    (:func:`~extractor.formats.checks.check_documents`), else the first one raises."""
    ann_path = Path(ann_path)
    text_path = Path(text_path) if text_path is not None else text_path_of(ann_path)
    try:
        ann = ann_path.read_text(encoding="utf-8")
        # Bytes, not read_text: universal newlines would turn "\r\n" into "\n" and shift
        # every offset after it (brat counts characters as stored).
        text = text_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ExtractorError(f"cannot read brat pair: {err}", path=str(ann_path),
                             code="not_found" if isinstance(err, OSError) else "decode") from err
    doc = parse_ann(ann, text, doc_id=ann_path.stem, where=str(ann_path),
                    check_text=check_text, on_problem=on_problem)
    if on_problem is not None and check_text:
        (doc,) = check_documents([doc], str(ann_path), on_problem=on_problem)
    regions = _index_entry(ann_path).get("regions")
    if regions:
        doc.meta["regions"] = [tuple(r) for r in regions]
    return doc


def read_brat_dir(folder: str | Path, *, check_text: bool = True,
                  on_problem: OnProblem | None = None) -> list[GoldDocument]:
    """Every ``.ann`` in ``folder`` (sorted) with its text (:func:`text_path_of`)."""
    return [read_brat(p, check_text=check_text, on_problem=on_problem)
            for p in sorted(Path(folder).glob("*.ann"))]


def to_ann(doc: GoldDocument) -> str:
    """brat standoff for ``doc`` (entities, attributes, relations, notes); predictions on a
    reflowed text index their source file when it can be read (the ``.txt`` of the pair,
    :func:`~extractor.formats.source_offsets.source_view`)."""
    doc = source_view(doc)
    # Toolkit mention ids ("m1") are not brat ids: then every entity is numbered T1, T2 ...
    renumber = not all(_ENTITY_ID.match(e.id) for e in doc.entities)
    ids = {e.id: f"T{i}" if renumber else e.id for i, e in enumerate(doc.entities, 1)}
    lines = []
    for ent in doc.entities:
        offsets = ";".join(f"{s} {e}" for s, e in ent.spans)
        lines.append(f"{ids[ent.id]}\t{ent.label} {offsets}\t{ent.text}")
    n_attr = n_note = 0
    for ent in doc.entities:
        for name, value in ent.attributes.items():
            n_attr += 1
            suffix = "" if value is True else f" {value}"
            lines.append(f"A{n_attr}\t{name} {ids[ent.id]}{suffix}")
    for rel in doc.relations:
        head, tail = ids.get(rel.head, rel.head), ids.get(rel.tail, rel.tail)
        lines.append(f"{rel.id}\t{rel.type} Arg1:{head} Arg2:{tail}")
    for ent in doc.entities:
        for note in ent.notes:
            n_note += 1
            lines.append(f"#{n_note}\tAnnotatorNotes {ids[ent.id]}\t{note}")
    return "\n".join(lines) + ("\n" if lines else "")
