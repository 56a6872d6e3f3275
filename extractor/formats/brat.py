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

import re
from pathlib import Path

from extractor.errors import ExtractorError
from extractor.formats.gold import GoldDocument, GoldEntity, GoldRelation

_FRAGMENT = re.compile(r"^(\d+) (\d+)$")
_ARG = re.compile(r"^(\w+):(\S+)$")
_IGNORED = ("N", "*")


def _fail(where: str, lineno: int, reason: str) -> ExtractorError:
    return ExtractorError(f"{where}:{lineno}: {reason}", code="malformed")


def parse_ann(ann: str, text: str, *, doc_id: str = "", where: str = "<ann>",
              check_text: bool = True) -> GoldDocument:
    """Parse ``.ann`` content against ``text``; ``where`` names the file in errors."""
    entities: dict[str, GoldEntity] = {}
    attrs: list[tuple[int, str, str, str | bool]] = []
    notes: list[tuple[int, str, str]] = []
    relations: list[GoldRelation] = []
    rel_lines: dict[str, int] = {}
    triggers: dict[str, str] = {}  # event id -> trigger entity id
    ent_lines: dict[str, int] = {}  # for problems found later (checks.location)
    # splitlines: PHEE's files may lack a final newline; strip only the line break.
    for lineno, line in enumerate(ann.splitlines(), 1):
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
            if check_text:
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
    for lineno, target0, name, value in attrs:
        target = triggers.get(target0, target0)
        if target not in entities:
            raise _fail(where, lineno, f"attribute on unknown entity {target}")
        ent = entities[target]
        entities[target] = GoldEntity(ent.id, ent.label, ent.spans, ent.text,
                                      {**ent.attributes, name: value}, ent.notes)
    for lineno, target, note in notes:
        if target in entities:  # notes on relations or events are kept nowhere
            ent = entities[target]
            entities[target] = GoldEntity(ent.id, ent.label, ent.spans, ent.text,
                                          ent.attributes, (*ent.notes, note))
        elif not target.startswith(("R", "E", "A", "N")):
            raise _fail(where, lineno, f"note on unknown annotation {target}")
    relations = [GoldRelation(r.id, r.type, triggers.get(r.head, r.head),
                              triggers.get(r.tail, r.tail)) for r in relations]
    for rel in relations:
        for end in (rel.head, rel.tail):
            if end not in entities:
                raise _fail(where, rel_lines[rel.id], f"relation on unknown entity {end}")
    return GoldDocument(doc_id, text, list(entities.values()), relations,
                        {"source": where, "lines": ent_lines})


def read_brat(ann_path: str | Path, text_path: str | Path | None = None, *,
              check_text: bool = True) -> GoldDocument:
    """Read ``ann_path`` against its text (default: the ``.txt`` beside it)."""
    ann_path = Path(ann_path)
    text_path = Path(text_path) if text_path is not None else ann_path.with_suffix(".txt")
    try:
        ann = ann_path.read_text(encoding="utf-8")
        # Bytes, not read_text: universal newlines would turn "\r\n" into "\n" and shift
        # every offset after it (brat counts characters as stored).
        text = text_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ExtractorError(f"cannot read brat pair: {err}", path=str(ann_path),
                             code="not_found" if isinstance(err, OSError) else "decode") from err
    return parse_ann(ann, text, doc_id=ann_path.stem, where=str(ann_path),
                     check_text=check_text)


def read_brat_dir(folder: str | Path, *, check_text: bool = True) -> list[GoldDocument]:
    """Every ``.ann`` in ``folder`` (sorted) with the ``.txt`` beside it."""
    return [read_brat(p, check_text=check_text) for p in sorted(Path(folder).glob("*.ann"))]


def to_ann(doc: GoldDocument) -> str:
    """brat standoff for ``doc`` (entities, attributes, relations, notes)."""
    lines = []
    for ent in doc.entities:
        offsets = ";".join(f"{s} {e}" for s, e in ent.spans)
        lines.append(f"{ent.id}\t{ent.label} {offsets}\t{ent.text}")
    n_attr = n_note = 0
    for ent in doc.entities:
        for name, value in ent.attributes.items():
            n_attr += 1
            suffix = "" if value is True else f" {value}"
            lines.append(f"A{n_attr}\t{name} {ent.id}{suffix}")
    for rel in doc.relations:
        lines.append(f"{rel.id}\t{rel.type} Arg1:{rel.head} Arg2:{rel.tail}")
    for ent in doc.entities:
        for note in ent.notes:
            n_note += 1
            lines.append(f"#{n_note}\tAnnotatorNotes {ent.id}\t{note}")
    return "\n".join(lines) + ("\n" if lines else "")
