"""Reading the ICDAR 2013 table competition ground truth (``-reg.xml`` / ``-str.xml``).

Coordinates in the files are PDF user space (origin bottom-left); :class:`GTRegion` keeps
them that way and :meth:`GTRegion.top_left_bbox` converts for pdfplumber-style boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from extractor.evaluate.table_structure import GridCell

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _num(value: str | None) -> float:
    # One upstream file has a typo ("26ß"): keep the leading number rather than fail.
    m = _NUMBER.search(value or "")
    return float(m.group()) if m else 0.0


@dataclass
class GTRegion:
    """One region (page part) of a GT table, with its cells."""

    table_id: str
    region_id: str
    page: int
    bbox: tuple[float, float, float, float]  # x1, y1, x2, y2, bottom-left origin
    cells: list[GridCell] = field(default_factory=list)

    def top_left_bbox(self, page_height: float) -> tuple[float, float, float, float]:
        """The region as (x0, top, x1, bottom) with a top-left origin."""
        x1, y1, x2, y2 = self.bbox
        return (x1, page_height - y2, x2, page_height - y1)


def load_regions(str_xml: Path, reg_xml: Path | None = None) -> list[GTRegion]:
    """All GT regions of a document, with cells from ``str_xml`` and boxes from ``reg_xml``.

    Without a region file (or for a region it lacks) the box is the union of the cell boxes.
    """
    boxes: dict[tuple[str, str], tuple[float, float, float, float]] = {}
    if reg_xml is not None and reg_xml.exists():
        root = etree.parse(str(reg_xml)).getroot()
        for table in root.iter("table"):
            for region in table.iter("region"):
                bb = region.find("bounding-box")
                if bb is not None:
                    boxes[(table.get("id", ""), region.get("id", ""))] = (
                        _num(bb.get("x1")), _num(bb.get("y1")),
                        _num(bb.get("x2")), _num(bb.get("y2")),
                    )
    regions: list[GTRegion] = []
    root = etree.parse(str(str_xml)).getroot()
    for table in root.iter("table"):
        for region in table.iter("region"):
            cells: list[GridCell] = []
            cell_boxes: list[tuple[float, float, float, float]] = []
            for cell in region.iter("cell"):
                sr, sc = int(cell.get("start-row", "0")), int(cell.get("start-col", "0"))
                er = int(cell.get("end-row", str(sr)))
                ec = int(cell.get("end-col", str(sc)))
                content = cell.findtext("content") or ""
                cells.append(GridCell(sr, sc, content, er - sr + 1, ec - sc + 1))
                bb = cell.find("bounding-box")
                if bb is not None:
                    cell_boxes.append((_num(bb.get("x1")), _num(bb.get("y1")),
                                       _num(bb.get("x2")), _num(bb.get("y2"))))
            key = (table.get("id", ""), region.get("id", ""))
            box = boxes.get(key)
            if box is None and cell_boxes:
                box = (min(b[0] for b in cell_boxes), min(b[1] for b in cell_boxes),
                       max(b[2] for b in cell_boxes), max(b[3] for b in cell_boxes))
            regions.append(GTRegion(key[0], key[1], int(region.get("page", "1")),
                                    box or (0.0, 0.0, 0.0, 0.0), cells))
    return regions


def main_documents(root: Path) -> list[tuple[Path, Path, Path]]:
    """(pdf, str.xml, reg.xml) for every document with a PDF (``a`` files are the main GT)."""
    out: list[tuple[Path, Path, Path]] = []
    for pdf in sorted(root.rglob("*.pdf")):
        stem = pdf.with_suffix("")
        for suffix in ("", "a"):
            str_xml = Path(f"{stem}{suffix}-str.xml")
            if str_xml.exists():
                out.append((pdf, str_xml, Path(f"{stem}{suffix}-reg.xml")))
                break
    return out
