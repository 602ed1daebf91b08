"""Care models, service levels and Buttle's two phases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from review_tools.segmentation import portfolio
from review_tools.segmentation.errors import SegmentationDataError

ROOT = Path(__file__).resolve().parents[2]


def test_care_models_absolute_cuts_by_hand() -> None:
    value = pd.Series({"s": 200.0, "k": 150.0, "o": 10.0, "t": 5.0, "edge": 100.0})
    potential = pd.Series({"s": 900.0, "k": 100.0, "o": 800.0, "t": 50.0, "edge": 500.0})
    pf = portfolio.care_models(value, potential, value_cut=100, potential_cut=500, kind="absolute")
    assert pf["care_model"].to_dict() == {
        "s": "strategic", "k": "key", "o": "strategic opportunity", "t": "one-off",
        "edge": "strategic",  # a value at the cut counts as high
    }
    assert (pf.attrs["value_cut"], pf.attrs["potential_cut"]) == (100.0, 500.0)


def test_care_models_quantile_cuts_and_bad_input() -> None:
    value = pd.Series(range(1, 9), dtype=float)
    pf = portfolio.care_models(value, value, value_cut=0.75, potential_cut=0.75)
    assert (pf["care_model"] == "strategic").sum() == 2  # values 7 and 8 are >= the 0.75 quantile 6.25
    with pytest.raises(ValueError, match="between 0 and 1"):
        portfolio.care_models(value, value, value_cut=75)
    with pytest.raises(SegmentationDataError, match="missing for customer"):
        portfolio.care_models(value, value.where(value > 2))


def test_service_levels_from_the_sample_configuration(tmp_path) -> None:
    levels = portfolio.load_service_levels(ROOT / "data" / "service_levels.yaml").table()
    assert list(levels.index) == list(portfolio.CARE_MODELS)
    assert levels.loc["strategic", "visits_per_year"] > levels.loc["one-off", "visits_per_year"]
    bad = tmp_path / "levels.yaml"
    text = (ROOT / "data" / "service_levels.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("visits_per_year: 6", "visits_per_year: -6"), encoding="utf-8")
    with pytest.raises(SegmentationDataError, match=r"key\.visits_per_year"):
        portfolio.load_service_levels(bad)


def test_buttle_two_phase_by_hand() -> None:
    """Phase 1's cost axis feeds phase 2: an unattractive customer with a strong relationship is kept when it
    is cheap to serve and withdrawn from when it is costly and unimportant."""
    customers = pd.DataFrame({
        "strategic_importance": [5, 5, 1, 1, 1, 5], "cost_to_serve": [100, 900, 100, 900, 900, 100],
        "estimated_potential": [9000, 8000, 10, 20, 15, 7000], "relationship_strength": [1, 5, 5, 1, 5, 5],
    }, index=["dev", "keep", "cheap", "drop", "costly", "big"])
    out = portfolio.buttle_two_phase(customers)
    assert out["action"].to_dict() == {"dev": "develop", "keep": "maintain", "cheap": "maintain", "drop": "withdraw",
                                       "costly": "withdraw", "big": "maintain"}
    assert out.loc["keep", "phase1"] == "important, high cost"
    with pytest.raises(SegmentationDataError, match="lacks column"):
        portfolio.buttle_two_phase(customers.drop(columns="cost_to_serve"))


def test_the_portfolio_figure_legend_covers_no_quadrant_label() -> None:
    from review_tools.segmentation.figures import portfolio_scatter

    value = pd.Series({"s": 200.0, "k": 150.0, "o": 10.0, "t": 5.0})
    potential = pd.Series({"s": 900.0, "k": 100.0, "o": 800.0, "t": 50.0})
    fig = portfolio_scatter(portfolio.care_models(value, potential, value_cut=100, potential_cut=500,
                                                  kind="absolute"))
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    labels = [t for t in ax.texts if t.get_text() in ("key", "strategic", "one-off (transactional)",
                                                      "strategic opportunity")]
    assert len(labels) == 4
    assert not any(legend.overlaps(t.get_window_extent(renderer)) for t in labels)


def test_prospects_are_placed_by_potential_and_do_not_move_the_cuts() -> None:
    value = pd.Series({"s": 200.0, "k": 150.0, "o": 10.0, "t": 5.0, "new_big": 0.0, "new_small": 0.0})
    potential = pd.Series({"s": 900.0, "k": 100.0, "o": 800.0, "t": 50.0, "new_big": 950.0, "new_small": 20.0})
    pf = portfolio.care_models(value, potential, value_cut=0.5, potential_cut=0.5, prospects=["new_big", "new_small"])
    assert pf.loc[["new_big", "new_small"], "care_model"].tolist() == ["strategic opportunity", "one-off"]
    assert pf["prospect"].sum() == 2
    # the cuts are the medians of the four buying customers, whatever the prospects
    assert (pf.attrs["value_cut"], pf.attrs["potential_cut"]) == (80.0, 450.0)
    with pytest.raises(SegmentationDataError, match="every customer is a prospect"):
        portfolio.care_models(value, potential, prospects=list(value.index))


def test_the_sample_not_yet_buying_strategic_customer_is_a_strategic_opportunity() -> None:
    """C00307 has no orders and a potential above the cut: Hannus's strategic opportunity, in the portfolio."""
    from review_tools.segmentation import data, rfm

    customers = data.load_customers(ROOT / "data" / "customers" / "customers.csv")
    orders = data.load_transactions(ROOT / "data" / "customers" / "transactions.csv").data
    table = rfm.rfm_table(orders, customers=customers.index)
    assert table.attrs["left_out"] == 4 and "C00307" not in table.index
    pf = portfolio.customer_portfolio(table, orders, customers)
    assert len(pf) == len(customers) and pf.loc["C00307", "care_model"] == "strategic opportunity"
    assert customers.loc["C00307", "true_segment"] == "strategic"


def test_value_per_year_counts_each_customers_own_years() -> None:
    net = pd.Series({"old": 3000.0, "new": 1000.0, "last_month": 500.0})
    first = pd.to_datetime(pd.Series({"old": "2022-01-01", "new": "2024-01-01", "last_month": "2024-12-01"}))
    per_year = portfolio.value_per_year(net, first, "2024-12-31")
    assert per_year.to_dict() == pytest.approx({"old": 1000.0, "new": 1000.0, "last_month": 500.0}, rel=0.005)
