"""Report figures for the segmentation lab; each function returns a matplotlib Figure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from review_tools import i18n
from review_tools.i18n import message, tr
from review_tools.plotting import plain_log_ticks, pyplot

plt = pyplot()

# The quadrant of one-off customers shows both names: Hannus's (the seed) and the common 'transactional'.
QUADRANT_LABELS = {"one-off": message("one-off (transactional)")}
COLOURS = {"strategic": "#1b6ca8", "key": "#3ea55e", "strategic opportunity": "#e0a526", "one-off": "#9aa3ad"}


def sizes_and_shares(profile: pd.DataFrame, *, value: str = "revenue", title: str = "") -> Figure:
    """Share of customers next to share of value, per segment (from ``segment_profile``)."""
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(profile) + 1.5))
    y = np.arange(len(profile))
    ax.barh(y - 0.2, profile["customers"] / profile["customers"].sum() * 100, height=0.4, label=tr("customers"),
            color="#9aa3ad")
    ax.barh(y + 0.2, profile[f"{value}_share"] * 100, height=0.4, label=tr(value), color="#1b6ca8")
    ax.set_yticks(y, profile.index)
    ax.invert_yaxis()
    ax.set_xlabel(tr("share of total (%)"))
    ax.legend(loc="lower right")
    ax.set_title(title or tr("Share of customers and of {value} per segment", value=tr(value)))
    fig.tight_layout()
    return fig


def pareto(curve: pd.DataFrame, table: pd.DataFrame, *, value_label: str = "revenue") -> Figure:
    """The Pareto curve with the ABC class boundaries marked."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(curve["customer_share"] * 100, curve["value_share"] * 100, color="#1b6ca8", lw=2)
    n = len(table)
    for cls in sorted(table["abc"].unique())[:-1]:
        upto = int((table["abc"] <= cls).sum())
        share = table["value"].clip(lower=0).iloc[:upto].sum() / table["value"].clip(lower=0).sum()
        ax.axvline(upto / n * 100, color="#888", ls="--", lw=1)
        ax.annotate(tr("{cls}: {customers} % of customers,\n{share} % of {value}", cls=cls,
                       customers=round(100 * upto / n), share=round(100 * share), value=tr(value_label)),
                    (upto / n * 100, share * 100), xytext=(8, -28), textcoords="offset points", fontsize=9)
    ax.plot([0, 100], [0, 100], color="#ccc", lw=1)
    ax.set_xlabel(tr("customers, best first (%)"))
    ax.set_ylabel(tr("cumulative {value} (%)", value=tr(value_label)))
    ax.set_title(tr("Pareto curve"))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    fig.tight_layout()
    return fig


def rfm_heatmap(rfm: pd.DataFrame, *, bins: int = 5) -> Figure:
    """Customers per recency x frequency score, coloured by count and labelled with mean monetary."""
    counts = pd.crosstab(rfm["R"], rfm["F"]).reindex(index=range(bins, 0, -1), columns=range(1, bins + 1),
                                                      fill_value=0)
    money = rfm.pivot_table(index="R", columns="F", values="monetary", aggfunc="mean").reindex(
        index=range(bins, 0, -1), columns=range(1, bins + 1))
    fig, ax = plt.subplots(figsize=(6.5, 5))
    im = ax.imshow(counts.to_numpy(), cmap="Blues")
    for i in range(bins):
        for j in range(bins):
            c = counts.iat[i, j]
            m = money.iat[i, j]
            text = f"{c}\n{i18n.number(round(m / 1000))}k" if c else "0"
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if c > counts.to_numpy().max() / 2 else "black")
    ax.set_xticks(range(bins), counts.columns)
    ax.set_yticks(range(bins), counts.index)
    ax.set_xlabel(tr("frequency score F"))
    ax.set_ylabel(tr("recency score R"))
    ax.set_title(tr("Customers per R x F score (mean monetary value below)"))
    fig.colorbar(im, ax=ax, label=tr("customers"))
    fig.tight_layout()
    return fig


def portfolio_scatter(pf: pd.DataFrame, *, currency: str = "EUR") -> Figure:
    """Value against potential on log axes, with the cut lines and the four care-model quadrants; prospects
    (no orders, value 0) are drawn as open circles on the bottom edge."""
    fig, ax = plt.subplots(figsize=(9.5, 5.5))
    prospect = pf["prospect"] if "prospect" in pf.columns else pd.Series(False, index=pf.index)
    for name, colour in COLOURS.items():
        part = pf[(pf["care_model"] == name) & ~prospect]
        ax.scatter(part["potential"], part["value"].clip(lower=1), s=14, alpha=0.7, color=colour,
                   label=f"{tr(name)} ({len(part)})")
    if prospect.any():
        part = pf[prospect]
        ax.scatter(part["potential"], part["value"].clip(lower=1), s=40, facecolors="none", linewidths=1.5,
                   edgecolors=[COLOURS[c] for c in part["care_model"]],
                   label=tr("prospects, no orders ({n})", n=len(part)))
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax)
    vc, pc = pf.attrs["value_cut"], pf.attrs["potential_cut"]
    ax.axhline(vc, color="#444", ls="--", lw=1)
    ax.axvline(pc, color="#444", ls="--", lw=1)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for text, x, y in (("key", x0, y1), ("strategic", x1, y1), ("one-off", x0, y0),
                       ("strategic opportunity", x1, y0)):
        ax.text(x, y, tr(QUADRANT_LABELS.get(text, text)), ha="left" if x == x0 else "right",
                va="top" if y == y1 else "bottom", fontsize=10, fontweight="bold", color=COLOURS[text], alpha=0.8)
    ax.set_xlabel(tr("estimated purchase potential ({currency} / year)", currency=currency))
    ax.set_ylabel(tr("current value ({currency} / year)", currency=currency))
    ax.set_title(tr("Value x potential portfolio"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, framealpha=0.9)  # outside: never over a label
    fig.tight_layout()
    return fig


def silhouette_by_k(scan: pd.DataFrame) -> Figure:
    """Silhouette and stability across seeds against the number of clusters."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.plot(scan.index, scan["silhouette"], marker="o", label=tr("silhouette"))
    ax.plot(scan.index, scan["stability_ari"], marker="s", label=tr("stability (ARI across seeds)"))
    ax.set_xlabel(tr("k (clusters)"))
    ax.set_ylim(0, 1.05)
    ax.set_xticks(list(scan.index))
    ax.legend()
    ax.set_title(tr("k-means: silhouette and stability by k"))
    fig.tight_layout()
    return fig


def value_by_segment(values: pd.Series, segment: pd.Series, order: Sequence[str], *, label: str) -> Figure:
    """Distribution of a value (e.g. CLV) per segment, as box plots on a log axis; customers without a
    value (prospects with no purchase history have no CLV) are left out, not drawn as zero."""
    known = values.notna()
    groups = [values[(segment == s) & known].clip(lower=0.01).to_numpy() for s in order]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.boxplot(groups, tick_labels=[tr(s) for s in order], showfliers=False, whis=(5, 95))
    ax.set_yscale("log")
    plain_log_ticks(ax)
    ax.set_ylabel(label)
    ax.set_title(tr("{label} per segment (boxes: quartiles; whiskers: 5th-95th percentile)", label=label), fontsize=10)
    plt.setp(ax.get_xticklabels(), rotation=15)
    fig.tight_layout()
    return fig


def migration_heatmap(matrix: pd.DataFrame) -> Figure:
    """Customers moving between segments from one period to the next."""
    fig, ax = plt.subplots(figsize=(7, 5))
    data = matrix.to_numpy()
    ax.imshow(data, cmap="Oranges")
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            ax.text(j, i, str(data[i, j]), ha="center", va="center", fontsize=9,
                    color="white" if data[i, j] > data.max() / 2 else "black")
    ax.set_xticks(range(data.shape[1]), matrix.columns, rotation=25, ha="right")
    ax.set_yticks(range(data.shape[0]), matrix.index)
    ax.set_xlabel(tr("segment {name}", name=matrix.columns.name))
    ax.set_ylabel(tr("segment {name}", name=matrix.index.name))
    ax.set_title(tr("Segment migration"))
    fig.tight_layout()
    return fig


def holdout_by_frequency(check) -> Figure:
    """Mean hold-out purchases per calibration repeat frequency, actual against predicted (from
    :func:`review_tools.segmentation.clv.holdout_check`)."""
    table = check.by_frequency
    fig, ax = plt.subplots(figsize=(7, 4))
    x = np.arange(len(table))
    ax.plot(x, table["actual"], marker="o", color="#1b6ca8", label=tr("actual"))
    ax.plot(x, table["predicted"], marker="s", ls="--", color="#e0a526", label=tr("predicted (BG/NBD)"))
    ax.set_xticks(x, list(table.index))
    ax.set_xlabel(tr("repeat purchases in the calibration period"))
    ax.set_ylabel(tr("mean purchases in the hold-out period"))
    ax.set_title(tr("Hold-out check by calibration frequency"))
    ax.legend()
    fig.tight_layout()
    return fig


def tracking(check) -> Figure:
    """The cohort's cumulative repeat purchases week by week, actual against expected, with the end of the
    calibration period marked."""
    table = check.tracking
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(table.index, table["actual"], color="#1b6ca8", label=tr("actual"))
    ax.plot(table.index, table["expected"], ls="--", color="#e0a526", label=tr("expected (BG/NBD)"))
    ax.axvline(check.calibration_weeks, color="#888", ls=":", lw=1)
    ax.text(check.calibration_weeks, ax.get_ylim()[1] * 0.98, " " + tr("hold-out begins"), va="top", fontsize=8,
            color="#555")
    ax.set_xlabel(tr("week"))
    ax.set_ylabel(tr("cumulative repeat purchases"))
    ax.set_title(tr("Tracking: cumulative repeat purchases of the cohort"))
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig
