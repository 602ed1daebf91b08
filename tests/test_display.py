"""Report building blocks: readable numbers, anchored tables, figures whose links work inline."""

from __future__ import annotations

import pandas as pd

from review_tools import display


def test_numbers_are_readable_and_years_untouched() -> None:
    df = pd.DataFrame({"revenue": [78371813.283, 0.65234], "year": [2020, 2021], "n": [12000, 5]})
    out = display.readable_numbers(df)
    assert out["revenue"].tolist() == ["78,371,813.28", "0.6523"]
    assert out["year"].tolist() == [2020, 2021] and out["n"].tolist() == ["12,000", "5"]


def test_anchored_table_and_linked_figure(monkeypatch, tmp_path) -> None:
    shown: list[str] = []
    monkeypatch.setattr(display, "_show", lambda markup, metadata=None: shown.append(markup))
    display.table(pd.DataFrame({"a": ["<b>x</b>"]}), caption="Records (n = 1)", anchor="box-x")
    assert shown[-1].startswith('<p id="box-x"><strong>Records (n = 1)</strong></p>') and "&lt;b&gt;" in shown[-1]
    from review_tools.plotting import pyplot

    fig, ax = pyplot().subplots()
    ax.bar([0], [1]).patches[0].set_url("#box-x")
    display.linked_figure(fig, "f", tmp_path, alt="a <figure>")
    assert shown[-1].startswith('<svg role="img" aria-label="a &lt;figure&gt;"')
    assert 'xlink:href="#box-x"' in shown[-1] and 'target="_blank"' not in shown[-1]
    assert (tmp_path / "f.svg").exists() and (tmp_path / "f.png").exists()


def test_figures_of_an_example_review_carry_a_mark(monkeypatch, tmp_path) -> None:
    from review_tools.plotting import pyplot

    monkeypatch.setattr(display, "_show", lambda markup, metadata=None: None)
    plt = pyplot()
    for example in (True, False):
        display.example_banner(example)
        fig, _ = plt.subplots()
        display.linked_figure(fig, "f", tmp_path)
        assert ("example, not a real review" in (tmp_path / "f.svg").read_text(encoding="utf-8")) is example
    display.example_banner(False)
