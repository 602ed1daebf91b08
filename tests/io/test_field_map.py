"""docs/field-map.md is the field map the readers' tables give (regenerate it with the module's main)."""

from pathlib import Path

from review_tools.io.field_map import FIELDS, columns, markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "field-map.md"


def test_the_document_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), \
        "run: .venv/bin/python -m review_tools.io.field_map > docs/field-map.md"


def test_every_format_says_where_title_year_pages_and_doi_come_from() -> None:
    for fmt, fields in columns().items():
        for name in ("title", "year", "pages", "doi", "authors", "database"):
            assert fields.get(name), (fmt, name)
    assert "PG is the page count" in columns()["Web of Science tab-delimited"]["pages"]
    assert set(FIELDS) >= {"accession", "database"}
