"""What a layout family hands to the shared narrative reader."""

from __future__ import annotations

from typing import NamedTuple

from monitor.parse.blocks import Block


class Page(NamedTuple):
    family: str  # "stategov", "gvnet", "ecoi", "html", "plaintext"
    blocks: list[Block]  # the narrative region, furniture removed
    titles: list[str]  # page title, h1 and similar lines: where the edition year is printed
