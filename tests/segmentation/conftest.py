"""Small hand-made transaction tables for the segmentation tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def small_tx() -> pd.DataFrame:
    """Four customers over 2024 (dates as datetime, as data.check_transactions leaves them).

    a: two orders on 2024-01-05 (one purchase day) and one on 2024-03-01, one return -> net 170
    b: one order on 2024-02-10 -> net 1000
    c: orders on 2024-01-01 and 2024-01-20 -> net 30
    d: only a return -> no order, left out of RFM
    """
    rows = [
        ("t1", "a", "2024-01-05", 100.0), ("t2", "a", "2024-01-05", 50.0), ("t3", "a", "2024-03-01", 40.0),
        ("t4", "a", "2024-03-05", -20.0), ("t5", "b", "2024-02-10", 1000.0), ("t6", "c", "2024-01-01", 10.0),
        ("t7", "c", "2024-01-20", 20.0), ("t8", "d", "2024-02-01", -5.0),
    ]
    df = pd.DataFrame(rows, columns=["transaction_id", "customer_id", "date", "amount"])
    df["date"] = pd.to_datetime(df["date"])
    return df
