"""Test doubles for the search APIs: recorded replies read from their cassettes, a replay transport, and a
fake server on 127.0.0.1 that pages through made-up works the way OpenAlex and Europe PMC do and injects
the faults no recording has (429 with Retry-After, 500, a dropped connection, an empty page, a total that
changes between pages).
"""

from __future__ import annotations

import gzip
import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import yaml

TESTS = Path(__file__).resolve().parents[1]
EXTERNAL_REPLIES = TESTS.parents[0].parent / "shared" / "data" / "external" / "api-replies"
LOCAL_REPLIES = TESTS / "data" / "api-replies"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    uri: str = ""
    drop: bool = False  # close the connection instead of answering

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def _body(value: object, headers: dict[str, str]) -> bytes:
    data = value if isinstance(value, bytes) else str(value or "").encode("utf-8")
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
        headers.pop("content-encoding", None)
    return data


def _headers(raw: dict | None) -> dict[str, str]:
    out = {}
    for k, v in (raw or {}).items():
        out[k.lower()] = v[0] if isinstance(v, list) else str(v)
    out.pop("content-encoding", None)
    out.pop("transfer-encoding", None)
    out.pop("content-length", None)
    return out


def load(path: Path) -> list[Reply]:
    """The replies recorded in ``path``: a vcrpy, R vcr or Ruby VCR cassette, an arxiv.py fixture, a JSON array
    of replies, or a bare reply body."""
    raw = path.read_bytes()
    if path.suffix in (".yaml", ".yml"):
        doc = yaml.safe_load(raw)
        out = []
        for it in doc.get("interactions") or doc.get("http_interactions") or []:
            status = it["response"]["status"]
            code = int(status.get("code") or status.get("status_code"))
            headers = _headers(it["response"].get("headers"))
            out.append(Reply(code, _body(it["response"]["body"].get("string"), headers), headers,
                             it["request"]["uri"]))
        return out
    if path.suffix == ".json":
        doc = json.loads(raw)
        if isinstance(doc, dict) and {"url", "status_code", "body"} <= set(doc):
            return [Reply(doc["status_code"], doc["body"].encode("latin-1"), {}, doc["url"])]
        if isinstance(doc, list):
            return [Reply(200, json.dumps(page).encode("utf-8")) for page in doc]
    return [Reply(200, raw)]


def recorded(relative: str, fallback: str = "") -> list[Reply]:
    """Replies from the shared real recordings, else the excerpt of them in tests/data, else ``fallback`` (a
    reply in tests/data written by hand after the API's documentation); skip when none is here."""
    for path in (EXTERNAL_REPLIES / relative, LOCAL_REPLIES / relative, LOCAL_REPLIES / fallback):
        if path.is_file():
            return load(path)
    import pytest

    pytest.skip(f"recorded reply {relative} is not here (neither {EXTERNAL_REPLIES} nor {LOCAL_REPLIES})")
    raise AssertionError


class Replay(httpx.BaseTransport):
    """Answers requests with ``replies`` in order, keeping every request it was sent."""

    def __init__(self, replies: Iterable[Reply]):
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"no recorded reply left for {request.url}")
        reply = self.replies.pop(0)
        if reply.drop:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body",
                                            request=request)
        return httpx.Response(reply.status, headers=reply.headers, content=reply.body, request=request)


def params(request: httpx.Request) -> dict[str, str]:
    return {k: v for k, v in request.url.params.multi_items()}


# --- a fake server ------------------------------------------------------------------------------------------

def work(i: int, rng: random.Random, abstract_words: int = 60) -> dict:
    """A made-up OpenAlex work number ``i``."""
    words = ["segmentation", "pharmaceutical", "customer", "relationship", "management", "value", "pharmacy",
             "physician", "portfolio", "loyalty", "hospital", "market", "analysis", "model"]
    abstract = [rng.choice(words) for _ in range(abstract_words)]
    index: dict[str, list[int]] = {}
    for pos, word in enumerate(abstract):
        index.setdefault(word, []).append(pos)
    return {
        "id": f"https://openalex.org/W{1000000 + i}", "doi": f"https://doi.org/10.5555/fake.{i}",
        "title": f"Customer segmentation study {i}: {' '.join(rng.sample(words, 4))}",
        "publication_year": 2000 + i % 25, "language": "en", "type": "article",
        "primary_location": {"source": {"display_name": f"Journal of Tests {i % 7}", "issn_l": "1234-5678"}},
        "authorships": [{"author": {"display_name": f"Author{i}-{k} Surname{k}"}} for k in range(3)],
        "biblio": {"volume": str(i % 40), "issue": str(i % 4 + 1), "first_page": str(i % 300 + 1),
                   "last_page": str(i % 300 + 9)},
        "abstract_inverted_index": index,
    }


def epmc_result(i: int, rng: random.Random) -> dict:
    """A made-up Europe PMC core result number ``i``."""
    w = work(i, rng)
    return {"id": str(30000000 + i), "source": "MED", "pmid": str(30000000 + i), "doi": f"10.5555/epmc.{i}",
            "title": w["title"] + ".", "pubYear": str(w["publication_year"]),
            "authorList": {"author": [{"lastName": f"Surname{k}", "firstName": f"Author{i}"} for k in range(3)]},
            "journalInfo": {"volume": "3", "issue": "1", "journal": {"title": "Journal of Tests"}},
            "pageInfo": "1-9", "language": "eng", "pubTypeList": {"pubType": ["Journal Article"]},
            "abstractText": " ".join(sorted(w["abstract_inverted_index"]))}


@dataclass
class FakeApi:
    """OpenAlex-like ``/works`` and Europe PMC-like ``/search`` over ``n`` made-up records.

    ``faults`` maps the number of a request (1-based, counted per server) to a fault: ``"429"`` (with
    Retry-After: 0), ``"500"``, ``"drop"`` (connection closed mid-reply), ``"empty"`` (a page with no
    records but a next cursor), ``"total+N"`` (the total grows by N from that request on), ``"down"``
    (every later request gets 503)."""

    n: int
    faults: dict[int, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    extra_total: int = 0
    down: bool = False
    busy: float = 0.0  # seconds spent making replies (the benchmark subtracts it)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self._cache: dict[tuple[str, int], dict] = {}

    def record(self, kind: str, i: int) -> dict:
        key = (kind, i)
        if key not in self._cache:
            if len(self._cache) >= 5000:
                self._cache.clear()
            rng = random.Random(i)
            self._cache[key] = work(i, rng) if kind == "openalex" else epmc_result(i, rng)
        return self._cache[key]

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes | None]:
        start = time.perf_counter()
        try:
            return self._answer(path, query)
        finally:
            self.busy += time.perf_counter() - start

    def _answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes | None]:
        with self.lock:
            self.requests.append(path + "?" + "&".join(f"{k}={v[0]}" for k, v in sorted(query.items())))
            number = len(self.requests)
            fault = self.faults.get(number, "")
            if fault == "down":
                self.down = True
            if fault.startswith("total+"):
                self.extra_total += int(fault[6:])
        if self.down:
            return 503, {}, b'{"error": "service unavailable"}'
        if fault == "429":
            return 429, {"Retry-After": "0"}, b'{"error": "Rate limit exceeded", "message": "slow down"}'
        if fault == "500":
            return 500, {}, b'{"error": "Internal server error"}'
        if fault == "drop":
            return 200, {}, None
        total = self.n + self.extra_total
        if path.endswith("/works"):
            size = int(query.get("per_page", ["25"])[0])
            cursor = query.get("cursor", ["*"])[0]
            start = 0 if cursor in ("*", "") else int(cursor)
            rows = [] if fault == "empty" else [self.record("openalex", i) for i in range(start, min(start + size,
                                                                                                    total))]
            end = start + size
            nxt = str(end) if end < total else None
            body = {"meta": {"count": total, "per_page": size, "next_cursor": nxt}, "results": rows}
        elif path.endswith("/search"):
            size = int(query.get("pageSize", ["25"])[0])
            cursor = query.get("cursorMark", ["*"])[0]
            start = 0 if cursor == "*" else int(cursor)
            rows = [] if fault == "empty" else [self.record("epmc", i) for i in range(start, min(start + size,
                                                                                                total))]
            body = {"version": "6.9", "hitCount": total, "resultList": {"result": rows}}
            if start + size < total:
                body["nextCursorMark"] = str(start + size)
        else:
            return 404, {}, b'{"error": "not found"}'
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode("utf-8")


class FakeServer:
    """``api`` served on 127.0.0.1 in a thread; ``url`` is its address."""

    def __init__(self, api: FakeApi):
        self.api = api
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                status, headers, body = owner.api.answer(parts.path, parse_qs(parts.query))
                if body is None:
                    self.send_response(200)
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    self.wfile.write(b'{"meta": {"count"')
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def no_sleep() -> tuple[list[float], Callable[[float], None]]:
    waits: list[float] = []
    return waits, waits.append
