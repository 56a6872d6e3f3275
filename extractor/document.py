"""The Document model: what every parser produces (the contract: README.md, "The Document",
and schemas/document.schema.json).

All ``start``/``end`` offsets index ``Document.text``; table cell text is part of ``text``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Format = Literal["jats", "html", "pdf", "text"]
BlockKind = Literal["title", "heading", "paragraph", "caption", "footnote", "list_item", "other"]
# What a stretch of the article is for: decides whether a drug, dose or number there is a fact
# about this study's own patients (methods, case, results) or about something else.
Role = Literal[
    "title", "abstract", "introduction", "methods", "eligibility", "case", "results",
    "discussion", "conclusion", "references", "figure", "table", "acknowledgements", "other",
]
ROLES: tuple[str, ...] = (
    "title", "abstract", "introduction", "methods", "eligibility", "case", "results",
    "discussion", "conclusion", "references", "figure", "table", "acknowledgements", "other",
)

# (x0, top, x1, bottom) in PDF points, origin at the top-left of the page.
BBox = tuple[float, float, float, float]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Model):
    path: str
    format: Format
    sha256: str
    encoding: str | None = Field(
        default=None, description="Detected text encoding (text-based formats only)."
    )


class Metadata(_Model):
    title: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    journal: str | None = None
    year: int | None = None
    authors: list[str] = Field(default_factory=list)
    article_type: str | None = None
    language: str | None = None


class Section(_Model):
    title: str
    start: int
    end: int
    level: int = Field(default=1, description="1 for top-level sections, 2 for their children, ...")
    role: Role = Field(
        default="other",
        description="What the section is for (from JATS sec-type, headings, fonts); a child "
        "section inherits its parent's role unless its own title says otherwise.",
    )


class Block(_Model):
    """A unit of running text (title, heading, paragraph, caption, ...) and where it came from."""

    kind: BlockKind
    start: int
    end: int
    page: int | None = Field(default=None, description="1-based page number (PDF).")
    bbox: BBox | None = None
    location: str | None = Field(
        default=None, description="Where in the source: an XPath for XML/HTML, lines for text."
    )


class Cell(_Model):
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str
    start: int
    end: int
    bbox: BBox | None = None


class Table(_Model):
    id: str
    caption: str | None = None
    page: int | None = Field(default=None, description="1-based page number (PDF).")
    bbox: BBox | None = None
    n_rows: int
    n_cols: int
    header_rows: int = 0
    cells: list[Cell]
    footnotes: list[str] = Field(default_factory=list)
    start: int = Field(description="Offset of the first cell's text in Document.text.")
    end: int
    location: str | None = None
    flags: list[str] = Field(
        default_factory=list,
        description="Problems found while recovering the table (e.g. a cell that could not "
        "be placed); empty when the structure is trusted.",
    )


class Document(_Model):
    id: str
    source: Source
    metadata: Metadata = Field(default_factory=Metadata)
    text: str
    source_map: list[list[int]] = Field(
        default_factory=list,
        description="Where the text's characters are in the source file (plain text input, "
        "which the parser reflows): [text_offset, source_offset] anchors at each point where "
        "the shift between the two changes; an offset maps with the last anchor at or before "
        "it (source = offset + anchor source - anchor text). Empty: the offsets are the "
        "file's own (or the format has no character offsets users annotate: XML, HTML, PDF). "
        "See extractor/source_map.py.",
    )
    sections: list[Section] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
