"""The Python API: parse() for one article, parse_all() for files that hold several."""

from __future__ import annotations

from pathlib import Path

import pytest

import extractor
from tests.conftest import EXAMPLES, assert_offsets

TWO_ARTICLES = b"""<?xml version="1.0" encoding="UTF-8"?>
<articles>
 <article><front><article-meta>
   <article-id pub-id-type="pmc">111</article-id>
   <title-group><article-title>Dapsone for bullous pemphigoid</article-title></title-group>
 </article-meta></front>
 <body><p>A man received dapsone 100 mg daily.</p></body></article>
 <article><front><article-meta>
   <article-id pub-id-type="pmc">PMC222</article-id>
   <title-group><article-title>Rituximab in pemphigus</article-title></title-group>
 </article-meta></front>
 <body><p>Two infusions of rituximab 1 g were given.</p></body></article>
</articles>"""


def test_parse_all_returns_every_article_and_parse_refuses_to_drop_any(tmp_path: Path) -> None:
    path = tmp_path / "bulk.xml"
    path.write_bytes(TWO_ARTICLES)
    docs = extractor.parse_all(path)
    assert [d.id for d in docs] == ["PMC111", "PMC222"]
    assert [d.metadata.title for d in docs] == ["Dapsone for bullous pemphigoid",
                                                "Rituximab in pemphigus"]
    with pytest.raises(extractor.ExtractorError, match="holds 2 articles") as err:
        extractor.parse(path)
    assert err.value.code == "multiple_documents"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir()
                                        if p.suffix in {".html", ".xml", ".pdf", ".txt"}))
def test_every_example_parses_with_exact_offsets(name: str) -> None:
    doc = extractor.parse(EXAMPLES / name)
    assert doc.metadata.title
    assert doc.tables, "every example carries a table"
    assert_offsets(doc)
    for block in doc.blocks:
        assert doc.text[block.start:block.end].strip()


def test_parse_bytes_detects_the_format() -> None:
    docs = extractor.parse_bytes(TWO_ARTICLES, "memory.bin")
    assert {d.source.format for d in docs} == {"jats"}
    assert docs[0].source.path == "memory.bin"
