"""k-means scan on data with a known structure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from review_tools.segmentation import clustering
from review_tools.segmentation.errors import SegmentationDataError


@pytest.fixture
def blobs() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [10, 0], [0, 10]])
    labels = np.repeat([0, 1, 2], 60)
    pts = centres[labels] + rng.normal(0, 0.7, (180, 2))
    return pd.DataFrame(pts, columns=["x", "y"]), pd.Series(labels)


def test_feature_matrix_standardises_and_logs() -> None:
    t = pd.DataFrame({"a": [0.0, 9.0, 99.0], "b": [1.0, 2.0, 3.0]})
    x = clustering.feature_matrix(t, ["a", "b"], log=["a"])
    assert np.allclose(x.mean(), 0) and np.allclose(x.std(ddof=0), 1)
    assert np.allclose(x["a"], (np.log1p(t["a"]) - np.log1p(t["a"]).mean()) / np.log1p(t["a"]).std(ddof=0))
    with pytest.raises(SegmentationDataError, match="negative values"):
        clustering.feature_matrix(t - 50, ["a"], log=["a"])
    with pytest.raises(SegmentationDataError, match="missing"):
        clustering.feature_matrix(t, ["nope"])


def test_scan_finds_the_three_blobs(blobs) -> None:
    points, truth = blobs
    x = clustering.feature_matrix(points, ["x", "y"])
    scan = clustering.kmeans_scan(x, range(2, 6), seed=1, silhouette_sample=100)
    assert int(scan["silhouette"].idxmax()) == 3
    assert scan.loc[3, "stability_ari"] == pytest.approx(1.0)
    labels = pd.Series(clustering.kmeans(x, 3, 1).labels_)
    agree = clustering.agreement(labels, {"truth": truth, "noise": pd.Series(np.arange(180) % 3)})
    assert agree["truth"] == pytest.approx(1.0) and abs(agree["noise"]) < 0.05
    with pytest.raises(ValueError, match="needs 2 <= k"):
        clustering.kmeans_scan(x, [1], seed=1)


def test_small_inputs_run_kmeans_on_one_thread(monkeypatch, blobs) -> None:
    """OpenMP threads made the 600-customer scan 30-60 x slower on a busy 2-core machine."""
    import contextlib

    seen = []

    @contextlib.contextmanager
    def record(limits=None):
        seen.append(limits)
        yield

    monkeypatch.setattr(clustering, "threadpool_limits", record)
    clustering.kmeans(blobs[0], 3, seed=1)
    assert seen == [1]
