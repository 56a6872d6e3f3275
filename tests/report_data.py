"""EvidenceDocuments for the report tests, from the real pipeline (loaded once per process).

The texts are invented here (invented patients; real drug names), plus one team-written
example from corpus/examples that has a table and patient records.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from extractor.evidence import EvidenceDocument
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "case_series_dupilumab_jak.html"

INVENTED = """Methotrexate and adalimumab in an invented patient with psoriatic arthritis

A 58-year-old man with psoriatic arthritis received methotrexate 15 mg once weekly orally
for 12 weeks, then adalimumab 40 mg subcutaneously every 2 weeks. He developed nausea and
headache in the first month. No hepatotoxicity and no serious infection were observed.
Folic acid 5 mg weekly was given. At week 24 his DAS28 had fallen from 5.1 to 2.9.
"""

# Markup inside an article must show as text: none of it may become an element.
HOSTILE = """Report <script>alert(1)</script> on metformin

The patient took metformin 500 mg twice daily <img src=x onerror=alert(2)> and developed
diarrhea. A <b>bold</b> claim "quoted" & <a href="javascript:alert(3)">a link</a> followed.
"""


@cache
def evidence() -> dict[str, EvidenceDocument]:
    """The test documents by file stem: invented_case, hostile and the HTML example
    (case_series_dupilumab_jak, whose id is its DOI)."""
    from extractor.parsers import parse, parse_bytes
    from extractor.pipeline import default_pipeline

    docs = [*parse_bytes(INVENTED.encode(), "invented_case.txt", "text"),
            *parse_bytes(HOSTILE.encode(), "hostile.txt", "text"), parse(EXAMPLE)]
    return {Path(d.source.path).stem: d for d in default_pipeline().pipe(docs)}
