"""ADE-Corpus-V2 (``DRUG-AE.rel``, ``DRUG-DOSE.rel``, ``ADE-NEG.txt``) as gold documents.

One document per annotated sentence (the corpus gives sentences, not abstracts). The corpus
offsets are document-level (``PMID\\n\\ntitle\\n\\nabstract``); they are converted to
sentence offsets by locating each span in the sentence, choosing the occurrence on which the
drug and the other span agree (see the corpus README). ``meta["doc_offset"]`` keeps the
sentence's document-level start, so ``doc_offset + start`` gives back the corpus offset.
Only drugs, effects and doses that take part in a relation are annotated (the corpus has
no stand-alone mentions): unannotated drugs in a sentence are not negatives.
"""

from __future__ import annotations

from pathlib import Path

from extractor.errors import ExtractorError
from extractor.formats.gold import (
    GoldDocument,
    GoldEntity,
    GoldRelation,
    LabelMap,
    apply_label_map,
)

# file name → (label of the first span, relation type); the second span is always the drug.
FILES = {"DRUG-AE.rel": ("Adverse_Effect", "DRUG-AE"), "DRUG-DOSE.rel": ("Dosage", "DRUG-DOSE")}


def _starts(sentence: str, span: str, begin: int) -> set[int]:
    """Every sentence start that puts ``span`` at document offset ``begin``."""
    out, i = set(), sentence.find(span)
    while i >= 0:
        out.add(begin - i)
        i = sentence.find(span, i + 1)
    return out


class _Builder:
    """Rows of one sentence; the sentence start is the one every row agrees with."""

    def __init__(self, doc_id: str, pmid: str, sentence: str) -> None:
        self.doc = GoldDocument(doc_id, sentence, meta={"pmid": pmid})
        self.starts: set[int] | None = None
        self.rows: list[tuple[str, str, int, int, int, int]] = []
        self.keys: dict[tuple[str, int, int], str] = {}
        self.rel_keys: set[tuple[str, str, str]] = set()

    def add_row(self, row: tuple[str, str, int, int, int, int], starts: set[int]) -> bool:
        self.starts = starts if self.starts is None else self.starts & starts
        self.rows.append(row)
        return bool(self.starts)

    def _entity(self, label: str, start: int, end: int) -> str:
        key = (label, start, end)
        if key not in self.keys:
            ent_id = f"T{len(self.keys) + 1}"
            self.keys[key] = ent_id
            self.doc.entities.append(GoldEntity(ent_id, label, ((start, end),),
                                                self.doc.text[start:end]))
        return self.keys[key]

    def build(self) -> GoldDocument:
        offset = min(self.starts or {0})
        self.doc.meta["doc_offset"] = offset
        for label, rtype, ob, oe, db, de in self.rows:
            head = self._entity(label, ob - offset, oe - offset)
            tail = self._entity("Drug", db - offset, de - offset)
            if (rtype, head, tail) not in self.rel_keys:
                self.rel_keys.add((rtype, head, tail))
                self.doc.relations.append(
                    GoldRelation(f"R{len(self.rel_keys)}", rtype, head, tail))
        return self.doc


def read_ade(folder: str | Path, *, label_map: LabelMap | str | None = "ade",
             include_negative: bool = False) -> list[GoldDocument]:
    """Gold documents from an ADE-Corpus-V2 folder, in file order.

    ``label_map`` maps the corpus labels (``Drug``, ``Adverse_Effect``, ``Dosage``; relations
    ``DRUG-AE``, ``DRUG-DOSE``) to the toolkit's; ``None`` keeps the corpus labels.
    ``include_negative`` adds the ``ADE-NEG.txt`` sentences as documents without entities.
    """
    folder = Path(folder)
    builders: dict[tuple[str, str], _Builder] = {}
    per_pmid: dict[str, int] = {}
    for name, (label, rtype) in FILES.items():
        path = folder / name
        if not path.exists():
            raise ExtractorError("ADE-Corpus-V2 file is missing", path=str(path),
                                 code="not_found")
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            pmid, sep, tail = line.partition("|")
            fields = tail.rsplit("|", 6)
            where = f"{path}:{lineno}"
            if not sep or len(fields) != 7:
                raise ExtractorError(f"{where}: expected 8 '|'-separated fields",
                                     code="malformed")
            sentence, other, ob, oe, drug, db, de = fields
            try:
                ob_i, oe_i, db_i, de_i = int(ob), int(oe), int(db), int(de)
            except ValueError:
                raise ExtractorError(f"{where}: offsets are not integers",
                                     code="malformed") from None
            if oe_i - ob_i != len(other) or de_i - db_i != len(drug):
                raise ExtractorError(f"{where}: span lengths disagree with the offsets",
                                     code="malformed")
            key = (pmid, sentence)
            if key not in builders:
                per_pmid[pmid] = per_pmid.get(pmid, 0) + 1
                builders[key] = _Builder(f"{pmid}_{per_pmid[pmid]}", pmid, sentence)
            starts = _starts(sentence, other, ob_i) & _starts(sentence, drug, db_i)
            if not builders[key].add_row((label, rtype, ob_i, oe_i, db_i, de_i), starts):
                raise ExtractorError(f"{where}: no sentence offset fits this row and the "
                                     "sentence's other rows", code="malformed")
    docs = [b.build() for b in builders.values()]
    if include_negative:
        neg = folder / "ADE-NEG.txt"
        seen: set[tuple[str, str]] = set()
        for line in neg.read_text(encoding="utf-8").splitlines():
            pmid, _, rest = line.partition(" ")
            sentence = rest[4:] if rest.startswith("NEG ") else rest
            if line.strip() and (pmid, sentence) not in seen:
                seen.add((pmid, sentence))
                per_pmid[pmid] = per_pmid.get(pmid, 0) + 1
                docs.append(GoldDocument(f"{pmid}_{per_pmid[pmid]}", sentence,
                                         meta={"pmid": pmid, "negative": True}))
    if label_map is None:
        return docs
    lm = LabelMap.load(label_map) if isinstance(label_map, str) else label_map
    return [apply_label_map(d, lm) for d in docs]
