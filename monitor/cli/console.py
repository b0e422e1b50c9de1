"""A rich Console that prints scraped text without its escape sequences and control characters."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

from snapshots.core.safe_text import clean_text


class SafeConsole(Console):
    """Cleans the text of every segment at the last moment, after layout; rich's own styling
    (carried as styles and control segments, not as text) is left alone."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            Segment(clean_text(text), style, control) if control is None else Segment(text, style, control)
            for text, style, control in buffer
        )
