"""PDF to Document: pypdfium2 reads everything; tables are looked for on likely pages only.

Flow: open the bytes with pypdfium2 (errors become ``encrypted`` / ``corrupt`` / ``empty``
ExtractorErrors), read every page's lines with geometry and font
(:mod:`~extractor.parsers.pdf_lines`); when :mod:`~extractor.parsers.pdf_tables` judges from
those lines that a page may hold a table, read its words and ruling lines from the same open
page and find its tables; then remove running
headers/footers and order each page's lines and tables (:mod:`~extractor.parsers.pdf_layout`)
and turn them into title, headings, paragraphs and captions
(:mod:`~extractor.parsers.pdf_text`). Text inside a table's box is left out of the running
text: it is in the table. The reference list after a "References" heading is dropped.

Each block carries its 1-based page and box (top-left origin) on the page where it starts.
"""

from __future__ import annotations

import re
from datetime import date

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.document import Document, Metadata
from extractor.errors import ExtractorError
from extractor.parsers.builder import DocumentBuilder
from extractor.parsers.pdf_layout import Item, TableSlot, order_page, strip_page_furniture
from extractor.parsers.pdf_lines import Line, PageLines, PdfPage
from extractor.parsers.pdf_table_pages import PageData, page_may_hold_table, read_page_data
from extractor.parsers.pdf_tables import DetectedTable, detect_tables
from extractor.parsers.pdf_text import TextBlock, build_blocks
from extractor.parsers.source import RawInput

_NO_TEXT = "no extractable text layer (scanned PDF? OCR is not supported)"
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_PMCID = re.compile(r"\bPMC\d{5,9}\b")
_COPYRIGHT_YEAR = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:by\s+)?((?:19|20)\d{2})\b", re.IGNORECASE
)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_TABLE_LABEL = re.compile(r"^\s*(?:Table|TABLE|Tab\.)\s*([A-Z]?\d+[A-Za-z]?)")
# Info-dict titles that are file names from the typesetting workflow, not titles.
_FILE_TITLE = re.compile(r"\.(?:dvi|indd|docx?|pdf|tex|qxd|rtf|xml)\b|^untitled|^microsoft",
                         re.IGNORECASE)


def parse_pdf(raw: RawInput, *, tables: bool = True) -> list[Document]:
    """Parse a born-digital PDF into one Document (see the module docstring).

    ``tables=False`` skips table detection: faster, all text stays running text.
    """
    if not raw.data.strip():
        raise ExtractorError("file is empty", code="empty")
    pdf = _open(raw.data)
    warnings: list[str] = []
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            if b"%%EOF" not in raw.data[-4096:]:
                raise ExtractorError("truncated or damaged PDF: no page could be read",
                                     code="corrupt")
            raise ExtractorError("PDF has no pages", code="empty")
        pages, page_data = _read_pages(pdf, n_pages, tables, warnings)
        info = _info(pdf)
    finally:
        pdf.close()
    if not any(ln.text.strip() for page in pages for ln in page.lines):
        if b"%%EOF" not in raw.data[-4096:]:
            raise ExtractorError("truncated or damaged PDF: no text could be read",
                                 code="corrupt")
        raise ExtractorError(_NO_TEXT, code="empty")
    if b"%%EOF" not in raw.data[-4096:]:
        warnings.append("the file looks truncated (no %%EOF marker); some content may be lost")
    found = [t for data in page_data for t in detect_tables(data, warnings)]
    builder = DocumentBuilder(raw=raw, format="pdf", warnings=warnings)
    builder.metadata = _metadata(info, pages)
    strip_page_furniture(pages)
    blocks = build_blocks(_reading_order(pages, found), pages[0].height)
    _emit(builder, blocks, found)
    return [builder.build()]


# ---------------------------------------------------------------------------------------------
# pdfium
# ---------------------------------------------------------------------------------------------

def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if getattr(err, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD,
                                               pdfium_c.FPDF_ERR_SECURITY):
            raise ExtractorError("encrypted PDF: a password is needed to open it",
                                 code="encrypted") from None
        raise ExtractorError("corrupt or truncated PDF: pdfium cannot open it",
                             code="corrupt") from None
    except Exception as err:  # pypdfium2 input checks (e.g. odd buffers): still bad input
        raise ExtractorError(f"corrupt PDF: {type(err).__name__}", code="corrupt") from None


def _read_pages(pdf: pdfium.PdfDocument, n_pages: int, tables: bool,
                warnings: list[str]) -> tuple[list[PageLines], list[PageData]]:
    """Every page's lines; with ``tables``, also the table data of the pages that may hold
    tables (read while the page is open, so its text is loaded once)."""
    pages: list[PageLines] = []
    page_data: list[PageData] = []
    for i in range(n_pages):
        try:
            with PdfPage(pdf, i) as page:
                lines = page.lines()
                pages.append(lines)
                if tables and page_may_hold_table(lines):
                    page_data.append(_page_data(page, lines, warnings))
        except pdfium.PdfiumError:
            warnings.append(f"page {i + 1} could not be read and was skipped")
            if len(pages) == i:
                pages.append(PageLines(page=i + 1, width=612.0, height=792.0, lines=[]))
    return pages, page_data


def _page_data(page: PdfPage, lines: PageLines, warnings: list[str]) -> PageData:
    try:
        return read_page_data(page, lines)
    except Exception as err:  # table detection is best effort; the text still parses
        warnings.append(f"table detection failed on page {page.number} ({type(err).__name__})")
        return PageData(page.number, page.width, page.height, [], [])


def _info(pdf: pdfium.PdfDocument) -> dict[str, str]:
    try:
        return {k: str(v) for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
    except Exception:  # a damaged info dictionary only costs us metadata
        return {}


# ---------------------------------------------------------------------------------------------
# layout
# ---------------------------------------------------------------------------------------------

def _in_table(ln: Line, box: tuple[float, float, float, float], page_width: float) -> bool:
    """Whether a line belongs to the table in ``box`` (and so leaves the running text).

    A long line of prose inside the box is kept: a table box that wrongly reaches over
    the next column must not swallow that column's text (duplicated text beats lost text).
    """
    cx, cy = (ln.x0 + ln.x1) / 2, (ln.top + ln.bottom) / 2
    if not (box[0] - 1 <= cx <= box[2] + 1 and box[1] - 1 <= cy <= box[3] + 1):
        return False
    return not (len(ln.text.split()) >= 6 and ln.x1 - ln.x0 >= 0.33 * page_width)


def _reading_order(pages: list[PageLines], tables: list[DetectedTable]) -> list[Item]:
    items: list[Item] = []
    for page in pages:
        slots = [TableSlot(i, t.page, t.bbox) for i, t in enumerate(tables) if t.page == page.page]
        lines = [ln for ln in page.lines
                 if not any(_in_table(ln, s.bbox, page.width) for s in slots)]
        rotated = sum(ln.rotated for ln in lines) * 2 > len(lines)
        items.extend(order_page(lines, slots, page.width, rotated))
    return items


def _emit(builder: DocumentBuilder, blocks: list[TextBlock], tables: list[DetectedTable]) -> None:
    """Blocks into the builder; a table takes the "Table N" caption block next to it."""
    used: set[int] = set()
    captions: dict[int, str | None] = {}
    for k, b in enumerate(blocks):
        if b.table is not None:
            found = _caption_block(blocks, k, tables[b.table], used)
            if found is not None:
                used.add(found)
                captions[k] = blocks[found].text
            else:
                captions[k] = tables[b.table].caption
    for k, b in enumerate(blocks):
        if k in used:
            continue
        if b.table is not None:
            t = tables[b.table]
            builder.add_table(t.cells, caption=captions.get(k), header_rows=t.header_rows,
                              page=t.page, bbox=t.bbox, flags=t.flags)
        elif b.kind == "heading":
            builder.open_section(b.text, b.level, page=b.page, bbox=b.bbox)
        elif b.kind == "title":
            builder.add_block(b.text, "title", page=b.page, bbox=b.bbox)
            if not builder.metadata.title:
                builder.metadata.title = b.text
        else:
            builder.add_block(b.text, "caption" if b.kind == "caption" else "paragraph",
                              page=b.page, bbox=b.bbox)


def _caption_block(blocks: list[TextBlock], k: int, table: DetectedTable,
                   used: set[int]) -> int | None:
    """Index of the "Table N" caption block for the table at ``k``: the nearest one on the
    table's page (before or after it), matching the detected caption's label if any."""
    want = _TABLE_LABEL.match(table.caption or "")
    for d in (-1, 1, -2, 2, -3, 3):
        j = k + d
        if not 0 <= j < len(blocks) or j in used:
            continue
        b = blocks[j]
        m = _TABLE_LABEL.match(b.text)
        if b.page != table.page or b.table is not None or m is None:
            continue
        if want is None or want.group(1) == m.group(1):
            return j
    return None


# ---------------------------------------------------------------------------------------------
# metadata
# ---------------------------------------------------------------------------------------------

def _metadata(info: dict[str, str], pages: list[PageLines]) -> Metadata:
    """Title, DOI, year, journal and PMCID from the info dictionary and page 1's text."""
    first = "\n".join(ln.text for ln in pages[0].lines) if pages else ""
    subject = info.get("Subject", "")
    meta = Metadata()
    title = " ".join(info.get("Title", "").split())
    if len(title.split()) >= 3 and not _FILE_TITLE.search(title):
        meta.title = title
    for source in (first, subject, info.get("Keywords", "")):
        m = _DOI.search(source.replace("\ufffe", "-").replace("\x02", "-"))
        if m:
            meta.doi = m.group(1).rstrip(".,;:)]}")
            break
    meta.year = _year(first, subject, info.get("CreationDate", ""))
    journal = re.split(r"[,;]|\bdoi\b", subject, maxsplit=1)[0].strip()
    if len(journal) > 3 and sum(c.isalpha() for c in journal) > 3 and "http" not in journal:
        meta.journal = journal
    m = _PMCID.search(first)
    if m:
        meta.pmcid = m.group(0)
    return meta


def _year(first_page: str, subject: str, created: str) -> int | None:
    latest = date.today().year + 1
    for pattern, text in ((_COPYRIGHT_YEAR, first_page), (_YEAR, subject),
                          (_YEAR, first_page[:600]), (re.compile(r"^D:(\d{4})"), created)):
        for m in pattern.finditer(text):
            year = int(m.group(1))
            if 1900 <= year <= latest:
                return year
    return None
