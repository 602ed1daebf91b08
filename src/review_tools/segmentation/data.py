"""Load customer and transaction tables and check them, so no method downstream meets a silent NaN.

Rules (also in ``data/README.md``):

* Required columns: ``transaction_id``, ``customer_id``, ``date`` (YYYY-MM-DD), ``amount``.  Optional:
  ``margin``, ``product_line``, ``kind``.
* A missing column, an amount or date that does not parse, a duplicate transaction id, or a date in the
  future is an error naming the file, the lines and the problem; nothing is guessed.
* Negative amounts are returns.  They are kept and netted into the customer's revenue; a customer whose
  net revenue is not positive has no value to rank and is reported, not hidden.
* Transactions outside the analysis period are set aside and counted in the notes.
* A period with no transactions is an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from review_tools import i18n
from review_tools.i18n import tr
from review_tools.segmentation.errors import SegmentationDataError

REQUIRED = ("transaction_id", "customer_id", "date", "amount")
CUSTOMER_NUMERIC = ("estimated_potential", "relationship_strength", "payment_days_late", "strategic_importance",
                    "cost_to_serve")
_SHOW = 5


@dataclass
class Transactions:
    """Checked transactions (``date`` as datetime, ``amount``/``margin`` as float) and notes on what the
    loading rules did."""

    data: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)


def _lines(mask: pd.Series) -> str:
    """CSV line numbers (header is line 1) of the rows where ``mask`` holds, the first few."""
    idx = [int(i) + 2 for i in mask[mask].index[:_SHOW]]
    more = int(mask.sum()) - len(idx)
    return ", ".join(map(str, idx)) + (f" and {more} more" if more > 0 else "")


def check_transactions(
    raw: pd.DataFrame,
    source: str,
    *,
    start: str | None = None,
    end: str | None = None,
    today: dt.date | None = None,
) -> Transactions:
    """Apply the module's rules to a raw table (all columns as read); raise on the first kind of error
    found, listing every row that has it."""
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise SegmentationDataError(
            f"{source}: missing column(s) {', '.join(missing)}; found {', '.join(map(str, raw.columns))}")
    df = raw.copy()
    for col in ("transaction_id", "customer_id"):
        blank = df[col].isna() | (df[col].astype(str).str.strip() == "")
        if blank.any():
            raise SegmentationDataError(f"{source}: empty {col} on line(s) {_lines(blank)}")
        df[col] = df[col].astype(str).str.strip()
    for col in ("amount", "margin"):
        if col in df.columns:
            num = pd.to_numeric(df[col], errors="coerce")
            bad = num.isna()
            if bad.any():
                first = df.loc[bad, col].iloc[0]
                raise SegmentationDataError(
                    f"{source}: {col} is not a number on line(s) {_lines(bad)} (e.g. {first!r})")
            df[col] = num.astype(float)
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna()
    if bad.any():
        raise SegmentationDataError(
            f"{source}: date is not YYYY-MM-DD on line(s) {_lines(bad)} (e.g. {df.loc[bad, 'date'].iloc[0]!r})")
    df["date"] = dates
    dup = df["transaction_id"].duplicated(keep=False)
    if dup.any():
        ids = ", ".join(df.loc[dup, "transaction_id"].drop_duplicates().head(_SHOW))
        raise SegmentationDataError(f"{source}: duplicate transaction_id ({ids}) on line(s) {_lines(dup)}")
    today_ts = pd.Timestamp(today or dt.date.today())
    future = df["date"] > today_ts
    if future.any():
        raise SegmentationDataError(
            f"{source}: date after today ({today_ts.date()}) on line(s) {_lines(future)}")

    notes = []
    returns = df["amount"] < 0
    if returns.any():
        notes.append(tr("{n} returns (negative amounts, total {total}) netted into customer revenue",
                        n=int(returns.sum()), total=i18n.number(float(df.loc[returns, "amount"].sum()), 2)))
    lo = pd.Timestamp(start) if start else df["date"].min()
    hi = pd.Timestamp(end) if end else df["date"].max()
    outside = (df["date"] < lo) | (df["date"] > hi)
    if outside.any():
        notes.append(tr("{n} transactions outside {start}..{end} set aside", n=int(outside.sum()),
                        start=lo.date().isoformat(), end=hi.date().isoformat()))
        df = df[~outside]
    if df.empty:
        raise SegmentationDataError(f"{source}: no transactions between {lo.date()} and {hi.date()}")
    return Transactions(df.reset_index(drop=True), source, notes)


def load_transactions(path: str | Path, **kwargs) -> Transactions:
    """Read a transactions CSV (every column as text, so nothing is silently converted) and check it."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise SegmentationDataError(f"{path}: file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SegmentationDataError(f"{path}: not a readable CSV ({exc})") from None
    return check_transactions(raw, str(path), **kwargs)


def customer_totals(tx: pd.DataFrame, *, value: str = "amount") -> pd.DataFrame:
    """Per customer: net revenue (or margin), number of order days, first and last order date.

    Written with numpy rather than ``groupby(...).nunique()``: the distinct (customer, day) pairs are
    found by sorting one int64 key, which on 10 million transactions is about ten times faster than
    pandas' hashing (see ``benchmarks/segmentation.py``).
    """
    codes, ids = pd.factorize(tx["customer_id"])
    n = len(ids)
    net = np.bincount(codes, weights=tx[value].to_numpy(dtype=float), minlength=n)
    day = tx["date"].to_numpy("datetime64[D]").astype(np.int64)
    is_order = tx["amount"].to_numpy(dtype=float) > 0
    order_days = np.zeros(n, dtype=np.int64)
    first = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    last = first.copy()
    if is_order.any():
        d0 = day[is_order].min()
        key = np.sort((codes[is_order].astype(np.int64) << 32) | (day[is_order] - d0))
        distinct = key[np.concatenate(([True], key[1:] != key[:-1]))]
        cust = distinct >> 32
        days = (distinct & 0xFFFFFFFF) + d0
        order_days = np.bincount(cust, minlength=n)
        starts = np.concatenate(([True], cust[1:] != cust[:-1]))
        ends = np.concatenate((cust[1:] != cust[:-1], [True]))
        first[cust[starts]] = days[starts].astype("datetime64[D]")
        last[cust[ends]] = days[ends].astype("datetime64[D]")
    out = pd.DataFrame({
        "net": net,
        "order_days": order_days,
        "first": pd.to_datetime(first),
        "last": pd.to_datetime(last),
    }, index=pd.Index(ids, name="customer_id"))
    return out.sort_index()


def load_customers(path: str | Path) -> pd.DataFrame:
    """Read the customer table, indexed by ``customer_id``; numeric attributes must parse, ids be unique."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise SegmentationDataError(f"{path}: file not found") from None
    missing = [c for c in ("customer_id", "customer_type", *CUSTOMER_NUMERIC) if c not in raw.columns]
    if missing:
        raise SegmentationDataError(f"{path}: missing column(s) {', '.join(missing)}")
    dup = raw["customer_id"].duplicated(keep=False)
    if dup.any():
        raise SegmentationDataError(f"{path}: duplicate customer_id on line(s) {_lines(dup)}")
    for col in (*CUSTOMER_NUMERIC, *(c for c in raw.columns if c.startswith("true_") and c != "true_segment")):
        num = pd.to_numeric(raw[col], errors="coerce")
        if num.isna().any():
            raise SegmentationDataError(f"{path}: {col} is not a number on line(s) {_lines(num.isna())}")
        raw[col] = num
    return raw.set_index("customer_id")
