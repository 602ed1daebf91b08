"""HTTP for the connectors: one polite client with the documented pace, bounded retries and no secret in
any message.

httpx sends the requests; tenacity retries what is worth retrying (429, 500, 502, 503, 504, a dropped or
refused connection, a timeout) a bounded number of times, waiting what the server's ``Retry-After`` asks
(seconds or an HTTP date) or else an exponential backoff.  Requests are spaced at least ``min_interval``
seconds apart (NCBI: 3 a second without a key; arXiv: one every 3 s).  Other errors (400, 401, 403, 404)
are not retried: they mean the query, the key or the address is wrong, and saying so at once helps more.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import tenacity

from review_tools import __version__
from review_tools.errors import ReviewToolsError

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
SECRET_PARAMS = frozenset({"api_key", "apikey", "apiKey", "mailto", "email", "tool", "insttoken", "access_token"})
SECRET_HEADERS = frozenset({"x-els-apikey", "x-els-insttoken", "authorization"})
MAX_WAIT = 120.0
_ATOM_ERROR = re.compile(r"<title>Error</title>.*?<summary>(.*?)</summary>", re.DOTALL)
USER_AGENT = f"review-tools/{__version__} (systematic-review workbench)"


class ApiError(ReviewToolsError):
    """An API answered with an error, or could not be reached after the retries; ``status`` is the HTTP
    status (None when no answer came)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class _Retry(Exception):
    def __init__(self, message: str, wait: float | None):
        super().__init__(message)
        self.wait = wait


def redact(url: str | httpx.URL) -> str:
    """``url`` without keys, tokens and e-mail addresses: what may be logged and shown."""
    parts = urlsplit(str(url))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in SECRET_PARAMS]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), at most MAX_WAIT."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return min(max(when - (time.time() if now is None else now), 0.0), MAX_WAIT)


def error_message(response: httpx.Response) -> str:
    """The API's own words about an error: the JSON ``message``/``error`` if there is one, else the
    start of the body without markup."""
    text = response.text
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "service-error", "errorMessage"):
            value = body.get(key)
            if isinstance(value, list):  # Crossref: a list of {"type", "value", "message"}
                value = "; ".join(v.get("message", json.dumps(v)) if isinstance(v, dict) else str(v) for v in value)
            if isinstance(value, dict):
                value = value.get("description") or value.get("message") or json.dumps(value)
            if value:
                return str(value)[:300]
    atom = _ATOM_ERROR.search(text)
    if atom:
        return " ".join(atom.group(1).split())[:300]
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
    return plain[:300]


class Http:
    """A polite HTTP client for one API.

    ``transport`` replaces the network (tests replay recorded replies through it); ``sleep`` and
    ``clock`` are the waiting and the time used for pacing, so tests do not wait."""

    def __init__(self, *, min_interval: float = 0.0, retries: int = 5, timeout: float = 60.0,
                 headers: Mapping[str, str] | None = None, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 backoff: float = 1.0):
        self.min_interval = min_interval
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.clock = clock
        self.requests = 0
        self.retried: list[str] = []
        self._last = -1e9
        self._client = httpx.Client(headers={"User-Agent": USER_AGENT, **(headers or {})}, timeout=timeout,
                                    transport=transport, follow_redirects=True)

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, params: Mapping[str, str | int] | Iterable[tuple[str, str | int]] | None = None,
            headers: Mapping[str, str] | None = None) -> httpx.Response:
        """The successful reply to GET ``url``; ApiError naming the redacted URL, the status and the API's
        message when the answer is an error or no answer came after the retries."""
        request = self._client.build_request("GET", url, params=params, headers=headers)
        shown = redact(request.url)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(_Retry),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._send(request, shown)
        except _Retry as exc:
            raise ApiError(f"{shown}: no answer after {self.retries + 1} tries: {exc}",
                           status=getattr(exc, "status", None)) from None
        raise AssertionError("unreachable")

    def _send(self, request: httpx.Request, shown: str) -> httpx.Response:
        wait = self.min_interval - (self.clock() - self._last)
        if wait > 0:
            self.sleep(wait)
        self._last = self.clock()
        self.requests += 1
        try:
            response = self._client.send(request)
            response.read()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            self.retried.append(f"{type(exc).__name__}")
            raise _Retry(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, None) from None
        if response.status_code in RETRY_STATUS:
            self.retried.append(str(response.status_code))
            error = _Retry(f"HTTP {response.status_code}: {error_message(response)}",
                           retry_after(response.headers.get("Retry-After")))
            error.status = response.status_code  # type: ignore[attr-defined]
            raise error
        if response.status_code >= 400:
            raise ApiError(f"{shown}: HTTP {response.status_code}: {error_message(response)}",
                           status=response.status_code)
        return response

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = getattr(exc, "wait", None)
        if asked is not None:
            return asked
        return min(self.backoff * 2 ** (state.attempt_number - 1), 60.0)

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
