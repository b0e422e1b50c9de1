"""Sections -> plain text, HTML (Jinja2, autoescaped) and Slack Block Kit. Pure.

A Section is what compose.py makes of one change or notice: a title, a link, and lines of styled spans.
Every format is rendered from the same sections, so all channels say the same thing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snapshots.core.describe import Line, clip

if TYPE_CHECKING:
    from jinja2 import Template


@dataclass(frozen=True)
class Section:
    title: str
    url: str
    lines: tuple[Line, ...]
    rank: tuple[int, int]  # higher first: (significance, kind priority)


def render_text(sections: list[Section]) -> str:
    """Plain text quotes the words as they are: no diff markup. An excerpt of a word diff (a reworded
    passage) is shown as its two versions."""
    out: list[str] = []
    for s in sections:
        out.append(s.title)
        for line in s.lines:
            styles = {style for style, _ in line}
            if styles & {"ins", "del"} and "strong" not in styles:  # an excerpt of a word diff
                out.append("  Before: " + "".join(t for style, t in line if style != "ins"))
                out.append("  Now: " + "".join(t for style, t in line if style != "del"))
            else:
                out.append("  " + "".join(t for _, t in line))
        if s.url:
            out.append(f"  {s.url}")
        out.append("")
    return "\n".join(out)


_HTML_SOURCE = """<!DOCTYPE html>
<html><body style="font-family:sans-serif">
<h2>{{ subject }}</h2>
{% for s in sections %}<div style="margin-bottom:1.5em">
<h3><a href="{{ s.url }}">{{ s.title }}</a></h3>
{% for line in s.lines %}<p>{% for style, text in line %}{% if style == "ins" -%}
<ins style="background:#e6ffec;text-decoration:none">{{ text }}</ins>
{%- elif style == "del" -%}<del style="background:#ffebe9">{{ text }}</del>
{%- elif style == "strong" %}<strong>{{ text }}</strong>{% else %}{{ text }}{% endif %}{% endfor %}</p>
{% endfor %}<p><a href="{{ s.url }}">See the full change</a></p></div>
{% endfor %}<p style="color:#666">Sent by tipwatch &middot; <a href="{{ base_url }}">{{ base_url }}</a></p>
</body></html>
"""


@functools.cache
def _html_template() -> Template:
    # Built on first use: a sweep that sends no email does not pay for importing and compiling Jinja2.
    from jinja2 import Environment

    return Environment(autoescape=True).from_string(_HTML_SOURCE)


def render_html(subject: str, sections: list[Section], base_url: str) -> str:
    return _html_template().render(subject=subject, sections=sections, base_url=base_url)


SLACK_HEADER = 150
SLACK_SECTION = 3000
SLACK_BLOCKS = 50


# mrkdwn has no escape for its formatting characters, so in scraped text each becomes a look-alike that
# Slack does not act on: "*tier*" in a page must not turn bold, nor "`" start a code span.
_SLACK_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})


def slack_escape(text: str) -> str:
    """Scraped text for mrkdwn: the three characters Slack asks to escape, and inert formatting marks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").translate(_SLACK_LOOKALIKES)


def render_slack(subject: str, sections: list[Section], base_url: str) -> dict[str, Any]:
    """Block Kit with a plain `text` fallback; long parts are clipped with a link to the full change."""
    marks = {"ins": "*", "del": "~", "strong": "*", "plain": ""}
    title = subject.removeprefix("[tipwatch] ")
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": clip(title, 150)}}]
    room = SLACK_BLOCKS - 2  # the header, and a last block for "and N more"
    for s in sections[:room]:
        body = "\n".join("".join(_mrkdwn(t, marks[st]) for st, t in line) for line in s.lines)
        link = f"<{s.url}|See the full change>"
        text = f"*{slack_escape(s.title)}*\n{body}"
        if len(text) + len(link) + 1 > SLACK_SECTION:
            text = _clip_escaped(text, SLACK_SECTION - len(link) - 2)
        # verbatim: a bare URL, #channel or @name in the page stays text instead of becoming a link or mention
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"{text}\n{link}", "verbatim": True}})
    if len(sections) > room:
        more = f"… and {len(sections) - room} more: <{base_url}|open tipwatch>"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more, "verbatim": True}]})
    return {"text": clip(slack_escape(subject), SLACK_SECTION), "blocks": blocks}


def _mrkdwn(text: str, mark: str) -> str:
    stripped = text.strip()
    if not mark or not stripped:
        return slack_escape(text)
    # Slack only honours * and ~ next to non-space characters: keep the spaces outside the marks.
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{mark}{slack_escape(stripped)}{mark}{trail}"


def _clip_escaped(text: str, limit: int) -> str:
    """Clip without cutting an &amp;-style entity in half."""
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"
