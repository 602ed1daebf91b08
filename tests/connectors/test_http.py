"""The polite client: retries what is worth retrying, waits what the server asks, shows no secret."""

from __future__ import annotations

import pytest
from fakeapi import Replay, Reply

from review_tools.connectors.http import ApiError, Http, redact, retry_after


def client(replies, retries: int = 3) -> tuple[Http, Replay, list[float]]:
    waits: list[float] = []
    transport = Replay(replies)
    return Http(transport=transport, sleep=waits.append, retries=retries), transport, waits


def test_429_waits_what_retry_after_asks_then_succeeds() -> None:
    http, transport, waits = client([Reply(429, b'{"error": "slow down"}', {"Retry-After": "7"}), Reply(200, b"ok")])
    assert http.get("https://api.example.org/x").text == "ok"
    assert waits == [7.0] and len(transport.requests) == 2


def test_500_and_a_dropped_connection_back_off_exponentially() -> None:
    http, _, waits = client([Reply(500), Reply(drop=True), Reply(503), Reply(200, b"ok")])
    assert http.get("https://api.example.org/x").text == "ok"
    assert waits == [1.0, 2.0, 4.0]
    assert http.retried == ["500", "RemoteProtocolError", "503"]


def test_retries_are_bounded_and_the_error_names_the_url_without_the_key() -> None:
    http, transport, _ = client([Reply(502, b"<html><b>Bad gateway</b></html>")] * 4)
    with pytest.raises(ApiError) as caught:
        http.get("https://api.example.org/works", {"q": "x", "api_key": "SECRET", "mailto": "me@example.org"})
    message = str(caught.value)
    assert "no answer after 4 tries" in message and "Bad gateway" in message and "q=x" in message
    assert "SECRET" not in message and "example.org/works" in message and "me@" not in message
    assert len(transport.requests) == 4 and caught.value.status == 502


def test_a_400_is_not_retried() -> None:
    http, transport, _ = client([Reply(400, b'{"error": "Invalid query", "message": "bad filter x"}')])
    with pytest.raises(ApiError, match="HTTP 400: bad filter x"):
        http.get("https://api.example.org/x")
    assert len(transport.requests) == 1


def test_requests_are_spaced_by_the_minimum_interval() -> None:
    waits: list[float] = []
    http = Http(min_interval=3.0, transport=Replay([Reply(200)] * 2), sleep=waits.append)
    http.get("https://a.example/1")
    http.get("https://a.example/2")
    assert len(waits) == 1 and 2.5 < waits[0] <= 3.0


def test_redact_and_retry_after() -> None:
    assert redact("https://x.org/w?query=a+b&api_key=K&email=e%40x.org&tool=t") == "https://x.org/w?query=a+b"
    assert retry_after("12") == 12.0 and retry_after("100000") == 120.0 and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
