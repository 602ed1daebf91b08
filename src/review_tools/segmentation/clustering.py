"""k-means segmentation with the checks a reader needs to trust it: silhouette by k (sampled on large
data), stability across seeds, and agreement (adjusted Rand index) with other segmentations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from review_tools.segmentation.errors import SegmentationDataError


def feature_matrix(table: pd.DataFrame, columns: Sequence[str], *, log: Iterable[str] = ()) -> pd.DataFrame:
    """Selected columns, ``log1p`` of those in ``log`` (skewed amounts), standardised to mean 0, sd 1."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SegmentationDataError(f"feature column(s) missing: {', '.join(missing)}")
    x = table[list(columns)].astype(float).copy()
    if x.isna().any().any():
        bad = x.columns[x.isna().any()].tolist()
        raise SegmentationDataError(f"feature column(s) {bad} have missing values")
    for c in log:
        if (x[c] < 0).any():
            raise SegmentationDataError(f"feature {c} has negative values; log1p needs values >= 0")
        x[c] = np.log1p(x[c])
    scaled = StandardScaler().fit_transform(x)
    return pd.DataFrame(scaled, index=table.index, columns=x.columns)


# Below this many customers k-means runs on one thread: starting OpenMP threads costs more than the work, and
# on a busy 2-core machine the default threads made the sample's scan 30-60 times slower.
ONE_THREAD_BELOW = 50_000


def kmeans(x: pd.DataFrame, k: int, seed: int) -> KMeans:
    """k-means with 10 starts; one thread for small inputs (:data:`ONE_THREAD_BELOW`)."""
    with threadpool_limits(limits=1 if len(x) < ONE_THREAD_BELOW else None):
        return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(x.to_numpy())


def kmeans_scan(
    x: pd.DataFrame,
    k_range: Iterable[int],
    *,
    seed: int,
    n_seeds: int = 5,
    silhouette_sample: int = 5000,
) -> pd.DataFrame:
    """Per k: inertia, silhouette (on at most ``silhouette_sample`` points) and stability, the mean
    adjusted Rand index between the labelings of ``n_seeds`` different seeds."""
    rows = []
    n = len(x)
    sample = min(silhouette_sample, n)
    for k in k_range:
        if not 2 <= k < n:
            raise ValueError(f"k={k} needs 2 <= k < number of customers ({n})")
        models = [kmeans(x, k, seed + s) for s in range(max(1, n_seeds))]
        labelings = [m.labels_ for m in models]
        sil = silhouette_score(x.to_numpy(), labelings[0], sample_size=sample, random_state=seed)
        stab = np.mean([adjusted_rand_score(a, b) for a, b in combinations(labelings, 2)]) if n_seeds > 1 else 1.0
        rows.append({"k": k, "inertia": models[0].inertia_, "silhouette": sil, "stability_ari": stab})
    return pd.DataFrame(rows).set_index("k")


def agreement(labels: pd.Series, others: dict[str, pd.Series]) -> pd.Series:
    """Adjusted Rand index of ``labels`` against each other segmentation (aligned on the index)."""
    out = {}
    for name, other in others.items():
        common = labels.index.intersection(other.index)
        out[name] = adjusted_rand_score(labels.loc[common], other.loc[common])
    return pd.Series(out, name="adjusted_rand_index")
