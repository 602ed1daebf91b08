"""Which databases found which records: combinations, unique records per database, the figure."""

from review_tools import search_overlap
from review_tools.records import Record


def _records() -> list[Record]:
    return [Record(title="a", databases=["Scopus", "PubMed"]), Record(title="b", database="Scopus"),
            Record(title="c", databases=["Scopus"]), Record(title="d", databases=["PubMed", "Embase", "Scopus"])]


def test_combinations_and_unique_records() -> None:
    combos = search_overlap.combinations(_records())
    assert combos.to_dict("records")[0] == {"databases": "Scopus", "records": 2, "only this database": "yes"}
    assert combos["records"].sum() == 4
    per = search_overlap.per_database(_records()).set_index("database")
    assert per.loc["Scopus"].tolist() == [4, 2] and per.loc["Embase"].tolist() == [1, 0]


def test_figure_has_a_bar_per_combination() -> None:
    fig = search_overlap.upset_figure(_records())
    assert len(fig.axes[0].patches) == 3
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ["Embase", "PubMed", "Scopus"]
