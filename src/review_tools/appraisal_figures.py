"""Appraisal figures in the style of robvis (McGuinness & Higgins 2021): a traffic-light plot (study x
item) and a summary bar chart (share of studies per answer, per item).

robvis only knows risk-of-bias tools (RoB 2, ROBINS-I, QUADAS-2); checklists such as MMAT, JBI, CASP or
AACODS have their own items and answer scales, so these two figures are drawn here with matplotlib.
"""

from __future__ import annotations

from collections.abc import Mapping

from review_tools.appraisal import StudyAppraisal, rated_items
from review_tools.i18n import tr
from review_tools.instruments import Instrument
from review_tools.plotting import pyplot

COLOURS = {"positive": "#5aae61", "unclear": "#f1c232", "negative": "#d6604d", "na": "#bdbdbd",
           "blank": "#ffffff"}
SYMBOLS = {"positive": "+", "negative": "\u2212", "unclear": "?", "na": "NA", "blank": ""}


def category(answer: str | None, instrument: Instrument) -> str:
    """positive, negative ('no'), na (not applicable), unclear (any other answer) or blank."""
    if not answer:
        return "blank"
    if answer == instrument.positive:
        return "positive"
    if answer in instrument.not_applicable:
        return "na"
    return "negative" if answer.casefold() == "no" else "unclear"


def traffic_light(final: Mapping[str, StudyAppraisal], instrument: Instrument, labels: Mapping[str, str]):
    """One row per study (in the order of ``labels``), one circle per item coloured by the answer."""
    plt = pyplot()
    items = [i.id for i in rated_items(instrument)]
    studies = [r for r in labels if r in final]
    fig, ax = plt.subplots(figsize=(1.4 + 0.55 * len(items) + 2.6, 0.9 + 0.45 * max(len(studies), 1)))
    for row, record_id in enumerate(studies):
        answers = final[record_id].answers
        for col, item in enumerate(items):
            cat = category(answers.get(item), instrument)
            ax.scatter(col, row, s=330, c=COLOURS[cat], edgecolors="#555", linewidths=0.6, zorder=2)
            ax.text(col, row, SYMBOLS[cat], ha="center", va="center", fontsize=8 if cat == "na" else 11,
                    fontweight="bold", zorder=3)
    ylabels = [labels[r] + (f"  [{instrument.designs[final[r].design].label}]" if instrument.multi_design else "")
               for r in studies]
    ax.set_yticks(range(len(studies)), ylabels, fontsize=9)
    ax.set_xticks(range(len(items)), items, fontsize=9)
    ax.xaxis.tick_top()
    ax.set_xlim(-0.6, len(items) - 0.4)
    ax.set_ylim(len(studies) - 0.5, -0.5)
    ax.grid(color="#eee", zorder=0)
    for side in ("right", "bottom", "left", "top"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    _legend(ax, instrument, plt)
    ax.set_title(instrument.name, fontsize=10, pad=24)
    fig.tight_layout()
    return fig


def summary_bar(final: Mapping[str, StudyAppraisal], instrument: Instrument):
    """Per item, a horizontal bar split by the share of studies giving each answer."""
    plt = pyplot()
    items = rated_items(instrument)
    fig, ax = plt.subplots(figsize=(9, 0.8 + 0.42 * len(items)))
    for row, item in enumerate(items):
        cats = [category(a.answers.get(item.id), instrument) for a in final.values()]
        left = 0.0
        for cat in COLOURS:
            share = 100.0 * cats.count(cat) / len(cats) if cats else 0.0
            if share:
                ax.barh(row, share, left=left, color=COLOURS[cat], edgecolor="#555", linewidth=0.5)
                if share >= 8:
                    ax.text(left + share / 2, row, f"{share:.0f}%", ha="center", va="center", fontsize=8)
                left += share
    ax.set_yticks(range(len(items)), [i.id for i in items], fontsize=9)
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel(tr("share of the {n} appraised studies (%)", n=len(final)))
    _legend(ax, instrument, plt, below=True)
    ax.set_title(instrument.name, fontsize=10)
    fig.tight_layout()
    return fig


def _legend(ax, instrument: Instrument, plt, below: bool = False) -> None:
    from matplotlib.patches import Patch

    names = {"positive": tr(instrument.positive), "negative": tr("no"),
             "unclear": " / ".join(tr(a) for a in instrument.scale if category(a, instrument) == "unclear"),
             "na": " / ".join(tr(a) for a in instrument.not_applicable), "blank": tr("not answered")}
    handles = [Patch(facecolor=COLOURS[c], edgecolor="#555", label=f"{SYMBOLS[c]} {names[c]}".strip())
               for c in COLOURS if names[c] and (c != "negative" or "no" in instrument.scale)]
    if below:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(handles),
                  fontsize=8, frameon=False)
    else:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
