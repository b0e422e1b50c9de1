"""One polite, defensive HTTP client for the report pages.

Everything network-shaped that can go wrong becomes a FetchError with a short `kind` (stored with the
check) and a one-line message. Retries, backoff, Retry-After, the per-host interval, redirects within an
allow-list and the size cap are all handled here, in the open, rather than inside urllib3, so that each
rule is visible and tested.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError
from urllib3.util import parse_url

from monitor import PROJECT_URL, __version__
from monitor.config import FetchConfig
from monitor.errors import BlockedError, FetchError
from snapshots.core.retry_after import retry_after_seconds

log = logging.getLogger(__name__)

USER_AGENT = f"Mozilla/5.0 (compatible; tipwatch/{__version__}; +{PROJECT_URL})"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
DEAD_KINDS = frozenset({"dns", "unreachable"})  # not retried: waiting does not bring a network back


@dataclass(frozen=True)
class FetchResult:
    """A page as the server gave it: 200 with a body, or 304 (not modified) without one."""

    url: str  # what was asked for
    final_url: str  # where it was answered, after redirects
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    elapsed_ms: float
    charset: str | None = None  # the Content-Type charset, which the parser weighs before the page's own label

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- the whole-response deadline ---
#
# The read timeout bounds each socket read, so a server dripping a byte at a time (in the headers or the
# body) could hold a fetch, and the run lock, for as long as it liked. A read blocked in one thread ends
# at once when another thread shuts its socket down: a watchdog timer does that at the deadline, on the
# connection the fetching thread is using, which the connection classes below register as they send.

_in_use: weakref.WeakValueDictionary[int, HTTPConnection] = weakref.WeakValueDictionary()


class _TrackedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _in_use[threading.get_ident()] = self
        super().request(*args, **kwargs)


class _TrackedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _in_use[threading.get_ident()] = self
        super().request(*args, **kwargs)


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class _TrackedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _TrackedHTTPPool, "https": _TrackedHTTPSPool}


class _Watchdog:
    """Shuts down the calling thread's connection if the `with` block outlasts `seconds`; `fired` says so."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self.due = time.monotonic() + seconds
        self._owner = threading.get_ident()
        self._lock = threading.Lock()
        self._done = False

    def __enter__(self) -> _Watchdog:
        _WATCHDOGS.add(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:  # after this the watchdog cannot touch a connection handed back to the pool
            self._done = True
        _WATCHDOGS.discard(self)

    def fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            sock = getattr(_in_use.get(self._owner), "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):  # already closed: the read has ended anyway
                    sock.shutdown(socket.SHUT_RDWR)


class _Watchdogs:
    """One thread that fires every overdue watchdog. A timer thread per request cost about 0.3 ms of CPU
    and a thread start's wait on every page; this thread starts once and sleeps until the next deadline."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._pending: set[_Watchdog] = set()
        self._thread: threading.Thread | None = None

    def add(self, watchdog: _Watchdog) -> None:
        with self._wake:
            self._pending.add(watchdog)
            if self._thread is None or not self._thread.is_alive():  # a forked child inherits no threads
                self._thread = threading.Thread(target=self._run, name="fetch-deadlines", daemon=True)
                self._thread.start()
            self._wake.notify()

    def discard(self, watchdog: _Watchdog) -> None:
        with self._wake:
            self._pending.discard(watchdog)

    def _run(self) -> None:
        with self._wake:
            while True:
                now = time.monotonic()
                for watchdog in [w for w in self._pending if w.due <= now]:
                    self._pending.discard(watchdog)
                    watchdog.fire()  # takes only the watchdog's own lock: __exit__ never holds it while waiting here
                self._wake.wait(min((w.due for w in self._pending), default=now + 3600) - now)


_WATCHDOGS = _Watchdogs()


def make_session() -> requests.Session:
    """The one configured session: identifies itself honestly, speaks only HTTP/1.1 GETs."""
    session = requests.Session()
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
            "Accept-Language": "en",
        }
    )
    session.trust_env = False  # no surprise proxies or netrc credentials in a scheduled job
    session.mount("http://", _TrackedAdapter())
    session.mount("https://", _TrackedAdapter())
    return session


class Fetcher:
    """GETs with conditional validators, retries, a per-host interval and a redirect allow-list."""

    def __init__(
        self,
        config: FetchConfig,
        allowed_hosts: tuple[str, ...] = (),
        *,
        session: requests.Session | None = None,
    ) -> None:
        self.config = config
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.session = session or make_session()
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()
        # Hosts that did not resolve or cannot be routed to: every later URL on them fails at once with
        # the same error, instead of a lookup and a round of retries each (network down: minutes of silence).
        self._dead_hosts: dict[str, FetchError] = {}

    def close(self) -> None:
        self.session.close()

    def allow_host(self, url: str) -> None:
        """Trust the host of a configured URL (the source's own base URL and archive hosts)."""
        host = urlsplit(url).hostname
        if host:
            self.allowed_hosts = self.allowed_hosts | {host.lower()}

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """Fetch one URL; raise FetchError (or BlockedError) with a kind and a one-line message."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                response, final_url, body = self._follow(url, headers)
            except FetchError as exc:
                if exc.kind in DEAD_KINDS:
                    self._dead_hosts.setdefault(_host(url), exc)
                if exc.kind not in ("connection", "timeout", "truncated") or attempt >= self.config.retries:
                    raise
                delay = self._backoff(attempt)
                log.info("%s: %s; retry %d in %.1fs", url, exc, attempt + 1, delay)
            else:
                if response.status_code not in RETRY_STATUSES or attempt >= self.config.retries:
                    return self._finish(url, final_url, response, body, started)
                asked = self._retry_delay(response, attempt)
                if asked is None:
                    return self._finish(url, final_url, response, body, started)
                delay = asked
                log.info("%s: HTTP %d; retry %d in %.1fs", url, response.status_code, attempt + 1, delay)
            time.sleep(delay)
            attempt += 1

    # --- steps ---

    def _follow(self, url: str, headers: dict[str, str]) -> tuple[requests.Response, str, bytes]:
        """GET, following redirects by hand so that each hop is checked against the allow-list."""
        current = url
        for _ in range(self.config.max_redirects + 1):
            self._check_host(current, url)
            if _host(current) in self._dead_hosts:
                raise self._dead_hosts[_host(current)]
            self._wait_turn(current)
            with _Watchdog(self.config.deadline) as watchdog:
                try:
                    response = self._request(current, headers)
                    if response.is_redirect:
                        location = response.headers.get("Location", "")
                        response.close()
                        current = urljoin(current, location)
                        continue
                    body = self._read_body(response, current)
                except FetchError:
                    if watchdog.fired:
                        raise self._late(current) from None
                    raise
                if watchdog.fired:  # cut short: what arrived is not the whole page
                    raise self._late(current)
                return response, current, body
        raise FetchError("redirect_loop", f"more than {self.config.max_redirects} redirects from {url}")

    def _request(self, url: str, headers: dict[str, str]) -> requests.Response:
        try:
            return self.session.get(
                url,
                headers=headers,
                timeout=(self.config.connect_timeout, self.config.read_timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.exceptions.Timeout:
            raise FetchError("timeout", f"no answer from {_host(url)} within the timeout") from None
        except requests.exceptions.ConnectionError as exc:
            if _caused_by(exc, NameResolutionError):
                raise FetchError("dns", f"cannot resolve {_host(url)} (network down?)") from None
            if _caused_by(exc, OSError, errno.ENETUNREACH, errno.EHOSTUNREACH):
                raise FetchError("unreachable", f"cannot reach {_host(url)}: {_reason(exc)}") from None
            raise FetchError("connection", f"cannot connect to {_host(url)}: {_reason(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError("connection", f"request to {_host(url)} failed: {_reason(exc)}") from None

    def _late(self, url: str) -> FetchError:
        return FetchError("timeout", f"{url}: the answer took longer than the {self.config.deadline:g}-second deadline")

    def _read_body(self, response: requests.Response, url: str) -> bytes:
        limit = self.config.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            response.close()
            raise FetchError("too_large", f"{url} is {int(declared):,} bytes, over the {limit:,}-byte cap")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FetchError("too_large", f"{url} is over the {limit:,}-byte cap")
                chunks.append(chunk)
        except requests.exceptions.ChunkedEncodingError:
            raise FetchError("truncated", f"{url}: the connection closed before the page was complete") from None
        except requests.exceptions.ConnectionError as exc:
            raise FetchError("truncated", f"{url}: the connection broke mid-page: {_reason(exc)}") from None
        except requests.exceptions.Timeout:
            raise FetchError("timeout", f"{url}: the page stopped arriving within the read timeout") from None
        finally:
            response.close()
        return b"".join(chunks)

    def _finish(
        self, url: str, final_url: str, response: requests.Response, body: bytes, started: float
    ) -> FetchResult:
        status = response.status_code
        if status == 304:
            body = b""
        elif status in (404, 410):
            raise FetchError("not_found", f"{final_url}: HTTP {status} (no such page)", status=status)
        elif status in (401, 403):
            raise BlockedError(f"{final_url}: HTTP {status} (access refused; blocked?)", status=status)
        elif status == 429:
            raise FetchError("rate_limited", f"{final_url}: HTTP 429 (rate limited) after retries", status=status)
        elif status >= 500:
            raise FetchError("http_5xx", f"{final_url}: HTTP {status} (server error) after retries", status=status)
        elif status != 200:
            raise FetchError(f"http_{status}", f"{final_url}: unexpected HTTP {status}", status=status)
        else:
            content_type = response.headers.get("Content-Type", "text/html").split(";")[0].strip().lower()
            if content_type and not content_type.startswith(ACCEPTED_TYPES):
                raise FetchError("not_html", f"{final_url}: served {content_type}, not a web page", status=status)
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            elapsed_ms=(time.monotonic() - started) * 1000,
            charset=_charset(response.headers.get("Content-Type", "")),
        )

    def _check_host(self, url: str, origin: str) -> None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https"):
            raise FetchError("redirect_foreign", f"{origin}: refusing a non-HTTP address {url}")
        # urlsplit and urllib3 disagree on `http://a\@b/` (b for one, a for the other): the address
        # checked must be the one connected to, so anything they could read differently is refused.
        if "\\" in parts.netloc or "@" in parts.netloc or _client_host(url) != host:
            raise FetchError("redirect_foreign", f"{origin}: refusing an ambiguous address {url!r}")
        if self.allowed_hosts and host not in self.allowed_hosts:
            raise FetchError("redirect_foreign", f"{origin}: redirected to {host}, which is not an allowed host")

    def _wait_turn(self, url: str) -> None:
        """Keep at least `min_interval` seconds between two requests to one host."""
        host = _host(url)
        with self._lock:
            now = time.monotonic()
            due = self._last_request.get(host, 0.0) + self.config.min_interval
            wait = max(0.0, due - now)
            self._last_request[host] = now + wait
        if wait:
            time.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return self.config.backoff * (2**attempt)

    def _retry_delay(self, response: requests.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying, honouring Retry-After; None when it asks for too long."""
        header = response.headers.get("Retry-After")
        if not header:
            return self._backoff(attempt)
        delay = retry_after_seconds(header, datetime.now(UTC))
        if delay is None:
            return self._backoff(attempt)
        if delay > self.config.max_retry_after:
            return None
        return delay


def _caused_by(exc: BaseException, kind: type[BaseException], *errnos: int) -> bool:
    """Whether `kind` (with one of `errnos`, if given) is anywhere in the chain urllib3 wraps errors in."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind) and (not errnos or getattr(current, "errno", None) in errnos):
            return True
        todo += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        todo += [a for a in current.args if isinstance(a, BaseException)]
    return False


def _client_host(url: str) -> str:
    """The host as requests (through urllib3) will connect to it."""
    try:
        return (parse_url(url).host or "").lower().strip("[]")
    except ValueError:
        return ""


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).lower()


def _reason(exc: Exception) -> str:
    """The innermost, shortest useful description of a requests/urllib3 error."""
    text = str(exc)
    for marker in ("Connection refused", "Connection reset", "Name or service not known", "timed out"):
        if marker in text:
            return marker.lower()
    return text.splitlines()[0][:160] if text else type(exc).__name__


def _charset(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if it names one."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \t\"'"):
            return value.strip(" \t\"'")
    return None
