"""EndNote XML exports: JabRef's real sample, and a library with a damaged and an unclosed record."""

from __future__ import annotations

from tests.io.conftest import read_in_pieces

from review_tools.io.importer import detect_format, import_file

RECORD = """<record><database name="My.enl" path="My.enl">My.enl</database>
<source-app name="EndNote" version="20.0">EndNote</source-app><rec-number>{n}</rec-number>
<ref-type name="Journal Article">17</ref-type><contributors><authors>
<author><style face="normal" font="default" size="100%">Smith, Ann</style></author>
<author><style face="normal" font="default" size="100%">Jones, Bo</style></author></authors></contributors>
<titles><title><style face="normal" font="default" size="100%">{title}</style></title>
<secondary-title><style face="normal" font="default" size="100%">Pharma Journal</style></secondary-title></titles>
<pages><style face="normal" font="default" size="100%">5-9</style></pages>
<volume><style face="normal" font="default" size="100%">7</style></volume>
<keywords><keyword><style face="normal" font="default" size="100%">CRM</style></keyword></keywords>
<dates><year><style face="normal" font="default" size="100%">2020</style></year></dates>
<isbn><style face="normal" font="default" size="100%">978-1-4028-9462-6</style></isbn>
<electronic-resource-num><style face="normal" font="default" size="100%">10.1000/en{n}</style></electronic-resource-num>
<abstract><style face="normal" font="default" size="100%">An abstract.</style></abstract></record>
"""


def _library(titles: list[str], tail: str = "") -> str:
    records = "".join(RECORD.format(n=n, title=t) for n, t in enumerate(titles, 1))
    return f'<?xml version="1.0" encoding="UTF-8" ?><xml><records>\n{records}{tail}</records></xml>\n'


def test_fields_and_damaged_records_reported_with_their_lines(imported) -> None:
    result = imported("library.xml", _library(["Segmentation", "Broken <b>markup", "Key accounts"],
                                              tail="<record><titles>\n"))
    assert result.format == "EndNote XML"
    assert [r.title for r in result.records] == ["Segmentation", "Key accounts"]
    assert (result.read, result.imported, result.skipped) == (4, 2, 2)
    damaged, unclosed = (p for p in result.problems if p.skipped)
    assert (damaged.record, damaged.line) == (2, 16) and "damaged XML" in damaged.reason
    assert (unclosed.record, unclosed.line) == (4, 44) and "never closed" in unclosed.reason
    first = result.records[0]
    assert (first.authors, first.journal, first.year, first.volume, first.pages) == \
        (["Smith, Ann", "Jones, Bo"], "Pharma Journal", 2020, "7", "5-9")
    assert (first.isbn, first.issn, first.doi, first.keywords) == ("978-1-4028-9462-6", "", "10.1000/en1", ["CRM"])
    assert (first.document_type, first.abstract) == ("journal article", "An abstract.")


def test_a_library_read_in_pieces_gives_the_same_records(tmp_path) -> None:
    path = tmp_path / "library.xml"
    path.write_text(_library([f"Title {n}" for n in range(30)]), encoding="utf-8")
    whole = read_in_pieces(path, 3_000)
    assert len(whole.records) == 30 and whole.problems == []


def test_detection() -> None:
    assert detect_format('<?xml version="1.0"?><xml><records><record><ref-type name="Book">6</ref-type>') == \
        "EndNote XML"
    assert detect_format("<xml><data>1</data></xml>") is None


def test_jabref_sample(real) -> None:
    result = import_file(real("jabref-testresources/EndnoteXmlImporterTestArticle2.xml"))
    assert result.problems == [] and len(result.records) == 2
    first = result.records[0]
    assert first.title == "An ecological basis for reforestation of submariginal lands in the Central Hardwood Region"
    assert (first.authors, first.year, first.journal, first.volume, first.issue, first.pages, first.issn) == \
        (["Chapman, A. G."], 1937, "Ecology", "18", "1", "93-105", "0012-9658")
    assert (first.accession, first.database) == ("ISI:000200148800007", "Web of Science")
