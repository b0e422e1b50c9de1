"""One JSON POST with the outcome mapped to retry or give up; the URL is a secret and never shown."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import requests

from alerts import redaction
from alerts.errors import DeliveryError
from snapshots.core.retry_after import retry_after_seconds

REDACTED = "[redacted-url]"


class _RedactUrls(logging.Filter):
    """urllib3 logs request paths at debug level (`tipwatch -vv`); a webhook path is the secret."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for url in self.urls:
            cleaned = redact(message, url)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
                message = cleaned
        return True


_redact_logs = _RedactUrls()
logging.getLogger("urllib3.connectionpool").addFilter(_redact_logs)


def redact(text: str, url: str) -> str:
    """Remove the URL and every secret-bearing part of it (host, path, query, in any spelling) from a message."""
    return redaction.redact(text, redaction.secret_forms(url), REDACTED)


def post_json(url: str, payload: dict[str, Any], *, headers: dict[str, str], timeout: float) -> str:
    """POST and return "STATUS body" on 2xx; raise DeliveryError otherwise (429, 408 and 5xx retryable)."""
    _redact_logs.urls.add(url)
    try:
        response = requests.post(url, json=payload, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        raise DeliveryError(f"no answer within {timeout:g} s", permanent=False) from None
    except requests.RequestException as exc:
        raise DeliveryError(redact(f"cannot reach the server: {exc}", url), permanent=False) from None
    answer = redact(f"{response.status_code} {response.text[:300].strip()}".strip(), url)
    status = response.status_code
    if 200 <= status < 300:
        return answer
    if status == 429:
        raise DeliveryError(f"rate limited: {answer}", permanent=False, retry_after=retry_after(response))
    if status >= 500 or status == 408:
        raise DeliveryError(f"server error: {answer}", permanent=False, retry_after=retry_after(response))
    raise DeliveryError(f"refused: {answer}", permanent=True)


def retry_after(response: requests.Response) -> float | None:
    """Retry-After in seconds (either spelling: a number of seconds or an HTTP date)."""
    return retry_after_seconds(response.headers.get("Retry-After", ""), datetime.now(UTC))
