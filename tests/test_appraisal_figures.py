"""Traffic-light and summary bar figures: the right colour per answer, written as non-empty images."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.image import imread

from review_tools import appraisal, appraisal_figures, instruments

JBI = instruments.builtin("jbi_qualitative")
MMAT = instruments.builtin("mmat_2018")


def _final():
    answers = ["yes", "no", "unclear", "not applicable", "yes", "yes", "yes", "yes", "yes", "yes"]
    return {"r1": appraisal.StudyAppraisal("r1", "anna", "all", dict(zip([f"Q{i}" for i in range(1, 11)], answers,
                                                                          strict=True))),
            "r2": appraisal.StudyAppraisal("r2", "anna", "all", {"Q1": "no"})}


def _png(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    return imread(buf)


def test_category_of_each_answer() -> None:
    assert [appraisal_figures.category(a, JBI) for a in ("yes", "no", "unclear", "not applicable", None)] == [
        "positive", "negative", "unclear", "na", "blank"]
    assert appraisal_figures.category("can't tell", MMAT) == "unclear"


def test_traffic_light_colours_every_cell_by_its_answer() -> None:
    fig = appraisal_figures.traffic_light(_final(), JBI, {"r1": "Payne (2005)", "r2": "Yim et al. (2004)",
                                                          "r9": "not appraised"})
    ax = fig.axes[0]
    colours = [to_hex(c.get_facecolor()[0]) for c in ax.collections]
    c = appraisal_figures.COLOURS
    assert colours[:4] == [c["positive"], c["negative"], c["unclear"], c["na"]]
    assert colours[10:12] == [c["negative"], c["blank"]]
    assert len(colours) == 20  # two appraised studies x 10 items; r9 has no row
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Payne (2005)", "Yim et al. (2004)"]
    image = _png(fig)
    assert image.shape[0] > 100 and image[..., :3].std() > 0.05


def test_summary_bar_shares_add_up_to_100_per_item() -> None:
    fig = appraisal_figures.summary_bar(_final(), JBI)
    ax = fig.axes[0]
    widths: dict[float, float] = {}
    for bar in ax.patches:
        y = round(bar.get_y() + bar.get_height() / 2)
        widths[y] = widths.get(y, 0) + bar.get_width()
    assert len(widths) == 10
    assert all(w == pytest.approx(100) for w in widths.values())
    first_item = [(to_hex(b.get_facecolor()), b.get_width()) for b in ax.patches if round(b.get_y() + 0.4) == 0]
    assert first_item == [(appraisal_figures.COLOURS["positive"], 50.0), (appraisal_figures.COLOURS["negative"], 50.0)]
    assert _png(fig)[..., :3].std() > 0.05


def test_mmat_rows_name_the_design(tmp_path) -> None:
    final = {"r1": appraisal.StudyAppraisal("r1", "anna", "descriptive", {"S1": "yes", "S2": "yes", "C1": "no"})}
    fig = appraisal_figures.traffic_light(final, MMAT, {"r1": "Christy et al. (2021)"})
    assert fig.axes[0].get_yticklabels()[0].get_text() == "Christy et al. (2021)  [4. Quantitative descriptive]"
    fig.savefig(tmp_path / "t.svg")
    assert (tmp_path / "t.svg").stat().st_size > 5000
