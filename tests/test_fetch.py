"""The fetcher against real local servers: every way a page can fail to arrive."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.config import FetchConfig
from monitor.errors import BlockedError, FetchError
from monitor.fetch import USER_AGENT, Fetcher

FAST = FetchConfig(connect_timeout=2, read_timeout=2, retries=2, backoff=0.01, min_interval=0, max_bytes=200_000)
PAGE = b"<html><body><h2>JAPAN (Tier 2)</h2></body></html>"


def fetcher(config: FetchConfig = FAST) -> Fetcher:
    return Fetcher(config, ("localhost", "127.0.0.1"))


def test_ok_sends_honest_user_agent_and_returns_validators(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(
        PAGE, content_type="text/html", headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jul 2024 00:00:00 GMT"}
    )
    result = fetcher().get(httpserver.url_for("/p"))
    assert result.status == 200 and result.body == PAGE
    assert result.etag == '"v1"' and result.last_modified.startswith("Mon, 01 Jul")
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("Mozilla/5.0 (compatible; tipwatch/")


def test_conditional_get_304_is_not_modified(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(PAGE, content_type="text/html", headers={"ETag": '"v1"'})

    httpserver.expect_request("/p").respond_with_handler(handler)
    result = fetcher().get(httpserver.url_for("/p"), etag='"v1"', last_modified="Mon, 01 Jul 2024 00:00:00 GMT")
    assert result.not_modified and result.body == b""
    request, _ = httpserver.log[0]
    assert request.headers["If-Modified-Since"] == "Mon, 01 Jul 2024 00:00:00 GMT"


@pytest.mark.parametrize(
    ("status", "kind"), [(404, "not_found"), (410, "not_found"), (400, "http_400"), (500, "http_5xx")]
)
def test_error_statuses_have_kinds(httpserver: HTTPServer, status: int, kind: str) -> None:
    httpserver.expect_request("/p").respond_with_data("nope", status=status)
    with pytest.raises(FetchError) as err:
        fetcher().get(httpserver.url_for("/p"))
    assert err.value.kind == kind and err.value.status == status
    assert "\n" not in str(err.value)


def test_403_is_blocked(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("Access Denied", status=403)
    with pytest.raises(BlockedError) as err:
        fetcher().get(httpserver.url_for("/p"))
    assert err.value.kind == "blocked"


def test_500_then_success_is_retried(httpserver: HTTPServer) -> None:
    answers = iter(
        [Response("busy", status=500), Response("busy", status=503), Response(PAGE, content_type="text/html")]
    )
    httpserver.expect_request("/p").respond_with_handler(lambda r: next(answers))
    result = fetcher().get(httpserver.url_for("/p"))
    assert result.body == PAGE and len(httpserver.log) == 3


def test_retries_are_bounded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("down", status=503)
    with pytest.raises(FetchError) as err:
        fetcher().get(httpserver.url_for("/p"))
    assert err.value.kind == "http_5xx"
    assert len(httpserver.log) == FAST.retries + 1


def test_429_honours_retry_after(httpserver: HTTPServer) -> None:
    answers = iter([Response("slow down", status=429, headers={"Retry-After": "1"}), Response(PAGE)])
    httpserver.expect_request("/p").respond_with_handler(lambda r: next(answers))
    started = time.monotonic()
    result = fetcher().get(httpserver.url_for("/p"))
    assert result.status == 200
    assert time.monotonic() - started >= 1.0


def test_429_with_a_long_retry_after_fails_now(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("later", status=429, headers={"Retry-After": "3600"})
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetcher().get(httpserver.url_for("/p"))
    assert err.value.kind == "rate_limited"
    assert time.monotonic() - started < 1 and len(httpserver.log) == 1


def test_redirect_within_allowed_hosts_is_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(PAGE, content_type="text/html")
    result = fetcher().get(httpserver.url_for("/old"))
    assert result.final_url.endswith("/new") and result.body == PAGE


def test_redirect_to_foreign_host_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("", status=302, headers={"Location": "http://example.com/x"})
    with pytest.raises(FetchError) as err:
        fetcher().get(httpserver.url_for("/p"))
    assert err.value.kind == "redirect_foreign" and "example.com" in str(err.value)


def test_redirect_loop_stops(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError) as err:
        fetcher().get(httpserver.url_for("/a"))
    assert err.value.kind == "redirect_loop"


def test_oversized_body_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(b"x" * 300_000, content_type="text/html")
    with pytest.raises(FetchError) as err:
        fetcher().get(httpserver.url_for("/p"))
    assert err.value.kind == "too_large"


def test_non_html_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    with pytest.raises(FetchError) as err:
        fetcher().get(httpserver.url_for("/p"))
    assert err.value.kind == "not_html"


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens here
    with pytest.raises(FetchError) as err:
        fetcher().get(f"http://127.0.0.1:{port}/p")
    assert err.value.kind == "connection"


@pytest.fixture
def raw_server() -> Iterator[tuple[int, list[bytes]]]:
    """A bare socket server whose replies the test scripts byte by byte (truncation, slow drip)."""
    script: list[bytes] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                for chunk in script:
                    if chunk.startswith(b"SLEEP"):
                        time.sleep(float(chunk[5:]))
                        continue
                    try:
                        conn.sendall(chunk)
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], script
    stop.set()
    thread.join(2)
    listener.close()


def test_truncated_body_is_an_error(raw_server: tuple[int, list[bytes]]) -> None:
    port, script = raw_server
    script += [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n", b"<html><body>cut"]
    with pytest.raises(FetchError) as err:
        fetcher(FetchConfig(retries=0, min_interval=0, read_timeout=2)).get(f"http://127.0.0.1:{port}/p")
    assert err.value.kind == "truncated"


def test_slow_drip_past_the_read_timeout(raw_server: tuple[int, list[bytes]]) -> None:
    port, script = raw_server
    script += [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n<html>", b"SLEEP1.5", b"x"]
    config = FetchConfig(retries=0, min_interval=0, read_timeout=0.5)
    with pytest.raises(FetchError) as err:
        fetcher(config).get(f"http://127.0.0.1:{port}/p")
    assert err.value.kind in ("timeout", "truncated")


def test_min_interval_spaces_requests_to_one_host(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(PAGE, content_type="text/html")
    polite = fetcher(FetchConfig(min_interval=0.3, retries=0))
    started = time.monotonic()
    for _ in range(3):
        polite.get(httpserver.url_for("/p"))
    assert time.monotonic() - started >= 0.6


def test_a_drip_inside_the_read_timeout_is_stopped_by_the_deadline(raw_server: tuple[int, list[bytes]]) -> None:
    # One byte every 0.05 s for 200 bytes: each read is well within the read timeout, the page is not.
    port, script = raw_server
    script += [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200\r\n\r\n"]
    script += [b"SLEEP0.05", b"x"] * 200
    config = FetchConfig(retries=0, min_interval=0, read_timeout=2, deadline=0.5)
    with pytest.raises(FetchError) as err:
        fetcher(config).get(f"http://127.0.0.1:{port}/p")
    assert err.value.kind == "timeout"
    assert "deadline" in str(err.value)


def test_a_page_within_the_deadline_is_kept(raw_server: tuple[int, list[bytes]]) -> None:
    port, script = raw_server
    script += [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4\r\n\r\n", b"SLEEP0.05", b"abcd"]
    result = fetcher(FetchConfig(retries=0, min_interval=0, deadline=5)).get(f"http://127.0.0.1:{port}/p")
    assert result.body == b"abcd"


def test_every_deadline_is_kept_by_one_thread(httpserver: HTTPServer) -> None:
    """A thread per request cost a thread start on every page; one thread watches them all."""
    import threading

    httpserver.expect_request("/p").respond_with_data(PAGE, content_type="text/html")
    client = fetcher(FetchConfig(retries=0, min_interval=0, deadline=5))
    before = {t.ident for t in threading.enumerate()}
    for _ in range(20):
        assert client.get(httpserver.url_for("/p")).status == 200
    started = [t.name for t in threading.enumerate() if t.ident not in before]
    assert started in ([], ["fetch-deadlines"]), started
    assert sum(t.name == "fetch-deadlines" for t in threading.enumerate()) == 1


def test_a_backslash_redirect_cannot_reach_a_host_outside_the_allow_list(httpserver: HTTPServer) -> None:
    # urlsplit reads the host after the "@" (allowed), requests connects to the one before it.
    foreign = HTTPServer(host="localhost", port=0)
    foreign.expect_request("/").respond_with_data(PAGE, content_type="text/html")
    foreign.start()
    try:
        target = f"http://localhost:{foreign.port}\\@127.0.0.1:{httpserver.port}/"
        httpserver.expect_request("/p").respond_with_data("", status=302, headers={"Location": target})
        with pytest.raises(FetchError) as err:
            Fetcher(FAST, ("127.0.0.1",)).get(httpserver.url_for("/p").replace("localhost", "127.0.0.1"))
        assert err.value.kind == "redirect_foreign"
        assert foreign.log == []
    finally:
        foreign.stop()


def test_userinfo_in_a_redirect_is_refused(httpserver: HTTPServer) -> None:
    target = f"http://user@127.0.0.1:{httpserver.port}/q"
    httpserver.expect_request("/p").respond_with_data("", status=302, headers={"Location": target})
    httpserver.expect_request("/q").respond_with_data(PAGE, content_type="text/html")
    with pytest.raises(FetchError) as err:
        fetcher().get(httpserver.url_for("/p"))
    assert err.value.kind == "redirect_foreign"


def test_a_retry_after_in_non_ascii_digits_is_read_as_no_hint(httpserver: HTTPServer) -> None:
    # "²".isdigit() is True but float("²") fails: the header must not crash the fetch.
    answers = iter([Response("slow down", status=429, headers={"Retry-After": "\u00b2"}), Response(PAGE)])
    httpserver.expect_request("/p").respond_with_handler(lambda r: next(answers))
    assert fetcher().get(httpserver.url_for("/p")).body == PAGE


def test_headers_dripped_inside_the_read_timeout_are_stopped_by_the_deadline(
    raw_server: tuple[int, list[bytes]],
) -> None:
    port, script = raw_server
    script += [b"HTTP/1.1 200 OK\r\n"] + [b"SLEEP0.05", b"X-Slow: y\r\n"] * 200
    config = FetchConfig(retries=0, min_interval=0, read_timeout=2, deadline=0.5)
    with pytest.raises(FetchError) as err:
        fetcher(config).get(f"http://127.0.0.1:{port}/p")
    assert err.value.kind == "timeout" and "deadline" in str(err.value)


def test_a_body_without_length_cut_at_the_deadline_is_not_kept(raw_server: tuple[int, list[bytes]]) -> None:
    # Without a length the end of the body is the end of the connection: the cut must not look like it.
    port, script = raw_server
    script += [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html>"]
    script += [b"SLEEP0.05", b"x"] * 200
    config = FetchConfig(retries=0, min_interval=0, read_timeout=2, deadline=0.5)
    with pytest.raises(FetchError) as err:
        fetcher(config).get(f"http://127.0.0.1:{port}/p")
    assert err.value.kind == "timeout"


def test_retry_after_is_read_in_both_spellings_by_the_one_parser() -> None:
    from datetime import UTC, datetime

    from snapshots.core.retry_after import retry_after_seconds

    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(" 120 ", now) == 120.0
    assert retry_after_seconds("Mon, 01 Jun 2026 12:01:30 GMT", now) == 90.0
    # "-0000" parses to a datetime with no zone: still UTC, not an error
    assert retry_after_seconds("Mon, 01 Jun 2026 12:00:10 -0000", now) == 10.0
    assert retry_after_seconds("Mon, 01 Jun 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("", now) is None
