"""The database a record came from, when the export gives a code, an id or only a link."""

from review_tools.io.sources import database_name


def test_database_name() -> None:
    assert database_name("ecn") == "EconLit" and database_name("Scopus") == "Scopus"
    assert database_name("", "https://lens.org/000-1") == "Lens"
    assert database_name("", "", "WOS:000220015600001") == "Web of Science"
    assert database_name("", "https://example.org/x") == ""
