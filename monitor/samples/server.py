"""SampleSite: serve the sample report pages on loopback, the way state.gov serves the real ones.

Used by `tipwatch demo`, the tests and the benchmarks. State that tests flip while it runs:
`published` (which editions exist: an unpublished edition's pages are 404, which is how an edition
is "released"), `revised` (serve post-release edits) and `reports` (swap in other data, e.g. a mutated
benchmark mirror). `respond` answers one request; a subclass can answer some paths its own way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from requests.structures import CaseInsensitiveDict

from monitor.samples.data import SampleReports, load_reports
from monitor.samples.site import edition_path, page_path, render_path

Response = tuple[int, Mapping[str, str], bytes]


@dataclass(frozen=True)
class Request:
    """What `SampleSite.respond` is told about the request it answers."""

    method: str
    path: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class _Page:
    body: bytes
    etag: str
    last_modified: dt.datetime


_NOT_FOUND = (
    b"<!DOCTYPE html><html><head><title>Page Not Found - United States Department of State</title></head>"
    b"<body><h1>Page Not Found</h1><p>The page you requested could not be found.</p></body></html>"
)


class SampleSite:
    """A threaded HTTP server on 127.0.0.1 serving a SampleReports object (the bundled samples by default)."""

    def __init__(
        self,
        reports: SampleReports | None = None,
        *,
        published: Iterable[int] | None = None,
        revised: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._reports = reports if reports is not None else load_reports()
        self.published: set[int] = set(self._reports.editions() if published is None else published)
        self.revised = revised
        self.hits: Counter[str] = Counter()
        self._cache: dict[tuple[str, bool], tuple[int, _Page] | None] = {}
        self._lock = threading.Lock()
        self._server = _QuietServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SampleSite:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="sample-site", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- state -------------------------------------------------------------------------------
    @property
    def reports(self) -> SampleReports:
        return self._reports

    @reports.setter
    def reports(self, reports: SampleReports) -> None:
        with self._lock:
            self._reports = reports
            self._cache.clear()

    def url(self, year: int, slug: str | None = None) -> str:
        """Absolute URL of an edition's landing page, or of one of its sub-pages."""
        return self.base_url + (page_path(year, slug) if slug else edition_path(year))

    # -- serving -----------------------------------------------------------------------------
    def page(self, path: str) -> tuple[int, _Page] | None:
        """The rendered page at `path` (rendered once, then cached) and its edition, or None."""
        key = (path, self.revised)
        with self._lock:
            if key not in self._cache:
                rendered = render_path(path, revised=self.revised, reports=self._reports, base_url=self.base_url)
                self._cache[key] = None if rendered is None else (rendered[0], self._page_meta(path, *rendered))
            return self._cache[key]

    def _page_meta(self, path: str, year: int, body: bytes) -> _Page:
        slug = [p for p in path.split("/") if p][2:]
        modified = self._reports.last_modified(year, slug[0] if slug else None, revised=self.revised)
        return _Page(
            body=body,
            etag='"' + hashlib.sha256(body).hexdigest()[:24] + '"',
            last_modified=dt.datetime.combine(modified, dt.time(14, 0), tzinfo=dt.UTC),
        )

    def respond(self, request: Request) -> Response:
        with self._lock:
            self.hits[request.path] += 1
        if not request.path.endswith("/") and self.page(request.path + "/") is not None:
            # state.gov's canonical URLs end with a slash; the bare form redirects.
            return 301, {"Location": self.base_url + request.path + "/"}, b""
        found = self.page(request.path) if request.path.endswith("/") else None
        if found is None or found[0] not in self.published:
            return 404, {"Content-Type": "text/html; charset=UTF-8"}, _NOT_FOUND
        page = found[1]
        headers = {
            "Content-Type": "text/html; charset=UTF-8",
            "ETag": page.etag,
            "Last-Modified": format_datetime(page.last_modified, usegmt=True),
            "Cache-Control": "max-age=600",
        }
        if _not_modified(request.headers, page):
            return 304, headers, b""
        return 200, headers, page.body


def _not_modified(headers: Mapping[str, str], page: _Page) -> bool:
    # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or page.etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return page.last_modified <= since
    return False


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away (a test killed it, or it timed out) is not the server's problem.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(site: SampleSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def version_string(self) -> str:
            return "Apache"

        def _answer(self, send_body: bool) -> None:
            request = Request(self.command, urlsplit(self.path).path, CaseInsensitiveDict(self.headers.items()))
            status, headers, body = site.respond(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if not any(name.lower() == "content-length" for name in headers):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and body and status != 304:
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    # The client went away (a test killed it, or it hit its timeout): not the server's problem.
                    self.close_connection = True

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def log_message(self, format: str, *args: object) -> None:  # quiet: tests and the demo read their own output
            pass

    return Handler
