"""The one interface every search-API connector has: write the query, count, fetch a page.

A connector knows one API: its address, its query language (a translation target of
:mod:`review_tools.query`), its paging, its pace and its caps, and how its replies become
:class:`~review_tools.records.Record` objects.  What is common -- splitting a query that the API cannot page
through in one go, resuming, saving the export and the log -- lives in :mod:`review_tools.live_search`.
A new database is one new module with a :class:`Connector` subclass, listed in
:data:`review_tools.connectors.CONNECTORS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx

from review_tools.connectors.http import Http
from review_tools.connectors.settings import ConnectorSettings, SettingsError
from review_tools.query.translate import translate
from review_tools.query.tree import Node
from review_tools.records import Record

EARLIEST = dt.date(1800, 1, 1)


@dataclass(frozen=True)
class Window:
    """Publication dates from ``start`` to ``end``, both included; None: open on that side."""

    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def whole(self) -> bool:
        return self.start is None and self.end is None

    def halves(self, unit: str, today: dt.date) -> tuple[Window, Window] | None:
        """The window cut in two at its middle ``unit`` ('day' or 'year'); None when it is one unit."""
        start, end = self.start or EARLIEST, self.end or today
        if unit == "year":
            if start.year >= end.year:
                return None
            mid = (start.year + end.year) // 2
            return Window(start, dt.date(mid, 12, 31)), Window(dt.date(mid + 1, 1, 1), end)
        if start >= end:
            return None
        mid = start + (end - start) // 2
        return Window(start, mid), Window(mid + dt.timedelta(days=1), end)

    def __str__(self) -> str:
        if self.whole:
            return "all dates"
        return f"{self.start.isoformat() if self.start else '...'} to {self.end.isoformat() if self.end else '...'}"

    def to_json(self) -> list[str | None]:
        return [self.start.isoformat() if self.start else None, self.end.isoformat() if self.end else None]

    @classmethod
    def from_json(cls, value: list[str | None]) -> Window:
        return cls(*(dt.date.fromisoformat(v) if v else None for v in value))


@dataclass(frozen=True)
class Query:
    """What is sent: the search string in the API's language, a publication-date window, and 'added to the
    database on or after' (``--since``)."""

    text: str
    window: Window = Window()
    since: dt.date | None = None

    @property
    def earliest(self) -> dt.date | None:
        """The later of the window's start and ``since``: for an API with one date filter for both."""
        return max((d for d in (self.window.start, self.since) if d), default=None)


@dataclass
class Page:
    """One reply: its records, the total the API reported for the query, where the next page starts
    (None after the last page), and the request as it may be shown (no key, no e-mail)."""

    records: list[Record]
    total: int | None
    next: dict[str, Any] | None
    url: str
    notes: list[str] = field(default_factory=list)


class Connector:
    """Base class: subclasses set the class attributes and implement :meth:`sent`, :meth:`count` and
    :meth:`page`."""

    name: ClassVar[str]
    label: ClassVar[str]
    endpoint: ClassVar[str]  # the default base address
    target: ClassVar[str | None]  # the translation target; None: the connector writes its own query
    page_size: ClassVar[int]
    cap: ClassVar[int | None] = None  # the most records one query can be paged through
    unit: ClassVar[str] = "day"  # the smallest date window the API can search ('day' or 'year')
    interval: ClassVar[float] = 0.0  # seconds between requests (polite use)
    required: ClassVar[tuple[str, ...]] = ()  # settings without which nothing is sent
    local_filter: ClassVar[bool] = False  # the API cannot express the string: apply it to the fetched records
    default_max: ClassVar[int | None] = None  # records read when the protocol sets no max_records
    searches: ClassVar[str] = ""  # what the API can search, for the README and the log

    def __init__(self, settings: ConnectorSettings, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] | None = None, retries: int = 5, backoff: float = 1.0):
        missing = [k for k in self.required if not settings.get(k)]
        if missing:
            raise SettingsError(f"{self.label} needs {', '.join(missing)}: set the environment variable "
                                f"{' and '.join(settings.env_name(k) for k in missing)} or put it in the "
                                f"[{self.name}] table of your connectors.toml (never in the protocol)")
        self.settings = settings
        self.base = settings.get("base_url", self.endpoint).rstrip("/")
        extra: dict[str, Any] = {"transport": transport, "retries": retries, "backoff": backoff}
        if sleep is not None:
            extra["sleep"] = sleep
        self.http = Http(min_interval=self.pace(), headers=self.headers(), **extra)

    def pace(self) -> float:
        return self.interval

    def headers(self) -> Mapping[str, str]:
        return {}

    def write_query(self, tree: Node) -> tuple[str, list[str]]:
        """The protocol's query in the API's language, and a warning for every change of meaning."""
        assert self.target is not None
        return translate(tree, self.target)

    def sent(self, query: Query) -> str:
        """The query exactly as the API receives it (search string plus date clauses or filters)."""
        raise NotImplementedError

    def count(self, query: Query) -> int:
        """How many records the API reports for ``query``."""
        raise NotImplementedError

    def page(self, query: Query, state: dict[str, Any] | None) -> Page:
        """The page that starts at ``state`` (None: the first page)."""
        raise NotImplementedError

    def close(self) -> None:
        self.http.close()


def clean(text: object) -> str:
    """A reply's text field as one line of plain text ('' for None)."""
    if text is None:
        return ""
    return " ".join(str(text).split())
