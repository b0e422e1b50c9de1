"""The sample site with faults: per-path answers that replace what the site would serve."""

from __future__ import annotations

from collections.abc import Callable

from monitor.samples.server import Request, Response, SampleSite

Override = Response | Callable[[Request], Response]


class FaultSite(SampleSite):
    """A SampleSite whose chosen paths answer with a fixed (status, headers, body) or a callable's answer."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._overrides: dict[str, Override] = {}

    def override(self, path: str, response: Override) -> None:
        self._overrides[path] = response

    def clear_overrides(self) -> None:
        self._overrides.clear()

    def respond(self, request: Request) -> Response:
        override = self._overrides.get(request.path)
        if override is None:
            return super().respond(request)
        with self._lock:
            self.hits[request.path] += 1
        return override(request) if callable(override) else override
