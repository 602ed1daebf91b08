"""Loading rules for transaction and customer tables: every bad input gets a clear message."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from review_tools.segmentation import data
from review_tools.segmentation.errors import SegmentationDataError

GOOD = ("transaction_id,customer_id,date,amount\n"
        "t1,a,2024-01-05,100\nt2,a,2024-02-01,-20\nt3,b,2023-12-31,50\nt4,b,2024-03-01,70\n")
TODAY = dt.date(2025, 1, 1)


def _write(tmp_path, text: str):
    p = tmp_path / "tx.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_with_returns_and_period(tmp_path) -> None:
    t = data.load_transactions(_write(tmp_path, GOOD), start="2024-01-01", today=TODAY)
    assert t.data["transaction_id"].tolist() == ["t1", "t2", "t4"]
    assert t.data["amount"].dtype == float and t.data["date"].dtype.kind == "M"
    assert "1 returns (negative amounts, total -20.00) netted into customer revenue" in t.notes
    assert "1 transactions outside 2024-01-01..2024-03-01 set aside" in t.notes
    totals = data.customer_totals(t.data)
    assert totals.loc["a", "net"] == 80.0 and totals.loc["a", "order_days"] == 1


@pytest.mark.parametrize(("text", "message"), [
    ("transaction_id,customer,date,amount\nt1,a,2024-01-01,1\n",
     r"missing column\(s\) customer_id; found transaction_id, customer, date, amount"),
    (GOOD.replace("t4,b,2024-03-01,70", "t4,b,2024-03-01,seventy"), r"amount is not a number on line\(s\) 5"),
    (GOOD.replace("2024-02-01", "01/02/2024"), r"date is not YYYY-MM-DD on line\(s\) 3"),
    (GOOD.replace("t4,", "t1,"), r"duplicate transaction_id \(t1\) on line\(s\) 2, 5"),
    (GOOD.replace("2024-03-01", "2031-03-01"), r"date after today \(2025-01-01\) on line\(s\) 5"),
    (GOOD.replace("t3,b,", "t3,,"), r"empty customer_id on line\(s\) 4"),
    ("", "not a readable CSV"),
])
def test_bad_inputs_name_file_line_and_problem(tmp_path, text, message) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SegmentationDataError, match=message) as info:
        data.load_transactions(path, today=TODAY)
    assert str(path) in str(info.value)


def test_empty_period_and_missing_file(tmp_path) -> None:
    with pytest.raises(SegmentationDataError, match="no transactions between 2020-01-01 and 2020-12-31"):
        data.load_transactions(_write(tmp_path, GOOD), start="2020-01-01", end="2020-12-31", today=TODAY)
    with pytest.raises(SegmentationDataError, match="file not found"):
        data.load_transactions(tmp_path / "nope.csv")


def test_customers_table(tmp_path) -> None:
    header = "customer_id,customer_type,estimated_potential,relationship_strength,payment_days_late," \
             "strategic_importance,cost_to_serve\n"
    p = tmp_path / "c.csv"
    p.write_text(header + "a,pharmacy,1000,3,2.5,4,500\n", encoding="utf-8")
    c = data.load_customers(p)
    assert c.loc["a", "estimated_potential"] == 1000
    p.write_text(header + "a,pharmacy,lots,3,2.5,4,500\n", encoding="utf-8")
    with pytest.raises(SegmentationDataError, match=r"estimated_potential is not a number on line\(s\) 2"):
        data.load_customers(p)
    p.write_text(header + "a,pharmacy,1,3,2.5,4,500\na,clinic,1,3,2.5,4,500\n", encoding="utf-8")
    with pytest.raises(SegmentationDataError, match="duplicate customer_id"):
        data.load_customers(p)
    p.write_text("customer_id,customer_type\na,x\n", encoding="utf-8")
    with pytest.raises(SegmentationDataError, match="missing column"):
        data.load_customers(p)


def test_check_transactions_on_a_frame() -> None:
    raw = pd.DataFrame({"transaction_id": ["1"], "customer_id": ["a"], "date": ["2024-01-01"], "amount": ["5"]})
    assert data.check_transactions(raw, "frame", today=TODAY).data["amount"].tolist() == [5.0]
