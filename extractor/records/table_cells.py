"""What the table-record builders share: the document's mentions by cell, a cell as a
field's evidence, the drugs of a cell, and the numbers a cell states."""

from __future__ import annotations

from collections import defaultdict

from extractor.document import Cell, Table
from extractor.evidence import (
    DrugRef,
    Evidence,
    EvidenceDocument,
    Intervention,
    Mention,
    Outcome,
    Provenance,
)
from extractor.numbers import Stat
from extractor.records.cell_evidence import Key, cell_at, cell_evidence, cells_by_key
from extractor.records.fields import dose_of, frequency_of, mention_name, route_of


class CellIndex:
    """The document's mentions by cell, and the relations between them."""

    def __init__(self, evidence: EvidenceDocument) -> None:
        self.by_cell: dict[Key, list[Mention]] = defaultdict(list)
        for m in evidence.mentions:
            s = m.source
            if s.kind == "table" and s.table is not None and s.row is not None \
                    and s.col is not None:
                self.by_cell[(s.table, s.row, s.col)].append(m)
        self.cells = cells_by_key(evidence)
        self.by_id = {m.id: m for m in evidence.mentions}
        self.modifiers: dict[str, list[Mention]] = defaultdict(list)
        self.ae_drugs: dict[str, list[Mention]] = defaultdict(list)
        for r in evidence.relations:
            head, tail = self.by_id.get(r.head), self.by_id.get(r.tail)
            if head is None or tail is None:
                continue
            if r.type == "adverse_event_of":
                self.ae_drugs[head.id].append(tail)
            elif r.type in ("dose_of", "frequency_of", "route_of"):
                self.modifiers[tail.id].append(head)

    @staticmethod
    def evidence(table: Table, cell: Cell) -> Evidence:
        """The cell as the evidence of a field."""
        return cell_evidence(cell, Provenance(kind="table", table=table.id, row=cell.row,
                                              col=cell.col))

    def mention_evidence(self, m: Mention) -> Evidence:
        """A mention's cell (its own characters when it is not in a known cell)."""
        cell = cell_at(self.cells, m.source)
        if cell is None:
            return Evidence(start=m.start, end=m.end, text=m.text, source=m.source)
        return cell_evidence(cell, m.source)

    def cell(self, table: Table, cell: Cell | None) -> list[Mention]:
        """The mentions found in ``cell`` of ``table``, in text order."""
        if cell is None:
            return []
        return sorted(self.by_cell.get((table.id, cell.row, cell.col), []),
                      key=lambda m: m.start)


def interventions_of_cell(mentions: list[Mention], index: CellIndex,
                          header_mentions: list[Mention]) -> list[Intervention]:
    """One Intervention per current drug of a drug cell, with its cell's dose/frequency/route."""
    drugs = [m for m in mentions if m.label == "DRUG" and not m.historical and not m.negated]
    mods = [m for m in mentions if m.label in ("DOSE", "FREQUENCY", "ROUTE")]
    if not drugs:
        # "4 mg once daily" under "Baricitinib dose": the header names the drug
        header_drugs = [m for m in header_mentions if m.label == "DRUG"]
        if not mods or not header_drugs:
            return []
        drugs = header_drugs[:1]
    owned: dict[str, list[Mention]] = {d.id: [] for d in drugs}
    related = {h.id: d.id for d in drugs for h in index.modifiers.get(d.id, [])}
    for mod in mods:
        owner = related.get(mod.id)
        if owner is None:
            # no relation: the modifier belongs to the last drug before it (else the first)
            before = [d for d in drugs if d.start <= mod.start]
            owner = (before[-1] if before else drugs[0]).id
        owned[owner].append(mod)
    out: list[Intervention] = []
    for d in drugs:
        by_label = {m.label: m for m in reversed(owned[d.id])}  # the first of each label
        dose, freq, route = by_label.get("DOSE"), by_label.get("FREQUENCY"), by_label.get("ROUTE")
        iv = Intervention(
            drug=DrugRef(name=mention_name(d), mention=d.id, evidence=index.mention_evidence(d)),
            dose=dose_of(dose) if dose else None,
            frequency=frequency_of(freq) if freq else None,
            route=route_of(route) if route else None,
        )
        for fld, m in ((iv.dose, dose), (iv.frequency, freq), (iv.route, route)):
            if fld is not None and m is not None:
                fld.evidence = index.mention_evidence(m)
        out.append(iv)
    return out


def with_stat(outcome: Outcome, stat: Stat | None) -> Outcome:
    """``outcome`` with the numbers its cell states ("12 (30.0)", "5.1 (1.2)", "6 [4-8]")."""
    if stat is None:
        return outcome
    outcome.value = stat.value
    outcome.stat = stat.kind
    outcome.count = stat.count if stat.kind in ("count_percent", "count_total") else None
    outcome.percent, outcome.total = stat.percent, stat.total
    outcome.sd, outcome.se, outcome.low, outcome.high = stat.sd, stat.se, stat.low, stat.high
    return outcome
