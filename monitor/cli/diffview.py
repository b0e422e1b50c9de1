"""A narrative diff in the terminal, as `tipwatch diff` and `tipwatch compare` print it: the structured
summary, then word diffs coloured on a terminal or marked wdiff-style ([-old-]{+new+}) when plain."""

from __future__ import annotations

from collections.abc import Sequence

import click
from rich.console import Console
from rich.text import Text

from monitor.cli.console import SafeConsole
from snapshots.core import describe
from snapshots.core.compare import NarrativeDiff
from snapshots.core.text import TextDiff
from snapshots.core.textdiff import condense

SIGNIFICANCE_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}
_OP_STYLE = {-1: "red strike", 1: "bold green"}
_OP_MARKS = {-1: ("[-", "-]"), 1: ("{+", "+}")}
_DRIFT_MARKS = {-1: ("[~", "~]"), 1: ("{~", "~}")}

color_option = click.option(
    "--color/--no-color", default=None, help="Colour the output (default: only on a terminal; NO_COLOR is honoured)."
)


def diff_console(color: bool | None) -> Console:
    return SafeConsole(highlight=False, force_terminal=color, no_color=color is False, soft_wrap=True)


def _ops_text(ops: Sequence[tuple[int, str] | None], console: Console, boilerplate: Sequence[bool] = ()) -> Text:
    """Word ops as one Text: coloured on a terminal, wdiff-style [-old-]{+new+} marks when plain.

    `boilerplate` flags the changed ops in order (True: edition boilerplate drift): dimmed, or [~ ~]/{~ ~}.
    """
    out = Text()
    flags = iter(boilerplate)
    coloured = console.is_terminal and not console.no_color
    for item in ops:
        if item is None:
            out.append("\n  […]\n", style="dim")
            continue
        op, text = item
        if op == 0:
            out.append(text)
            continue
        drift = next(flags, False)
        if coloured:
            out.append(text, style=f"dim {_OP_STYLE[op]}" if drift else _OP_STYLE[op])
        else:
            opening, closing = _DRIFT_MARKS[op] if drift else _OP_MARKS[op]
            body = text.rstrip()
            out.append(f"{opening}{body}{closing}{text[len(body) :]}")
    return out


def _text_block(title: str, text: TextDiff, console: Console, changes_only: bool) -> None:
    share = f" ({round(text.share_changed * 100)}% of words changed)" if text.changed else " (no change)"
    console.print(Text(f"\n== {title}{share}", style="bold"))
    if changes_only and not text.changed:
        return
    flags = [drift for op, _, drift in text.segments() if op != 0]
    console.print(_ops_text(condense(text.ops) if changes_only else text.ops, console, flags))
    if any(flags):
        console.print(
            Text("   (edition boilerplate drift: dimmed, or [~ ~] {~ ~} when plain; not counted)", style="dim")
        )


def render_diff(diff: NarrativeDiff, console: Console, *, changes_only: bool, header: str = "") -> None:
    """The structured summary first (tier, recommendations by label, sections), then the word diffs."""
    editions = describe.heading(diff.comparison, diff.old_edition, diff.new_edition, identical=diff.identical)
    kind = "" if diff.identical else f" ({diff.comparison} comparison)"
    console.print(Text(f"{diff.country}: {editions}{kind}{header}", style="bold"))
    tier = diff.tier
    line = f"Tier: {tier.old}" if tier.direction == "same" else f"Tier: {tier.old} -> {tier.new} ({tier.direction})"
    flags = [f"Watch List streak {tier.watch_list_streak}"] if tier.watch_list_streak else []
    flags += ["waiver stated"] * tier.waiver + ["faces the automatic downgrade next edition"] * (
        tier.faces_automatic_downgrade
    )
    console.print(line + "".join(f"; {f}" for f in flags))
    if tier.doubtful:
        console.print(Text(f"Extraction doubtful: {tier.doubtful}", style="bold yellow"))
    labels = diff.recommendations_by_label()
    console.print(
        "Recommendations: " + (", ".join(f"{n} {describe.label_words(label)}" for label, n in labels.items()) or "none")
    )
    changed = [("findings", diff.findings.share_changed)] if diff.findings.changed else []
    changed += [
        (describe.part_name(s.name).lower(), s.text.share_changed) for s in diff.sections if s.status == "changed"
    ]
    others = [
        f"{describe.part_name(s.name).lower()} {s.status}" for s in diff.sections if s.status in ("added", "removed")
    ]
    console.print(
        "Changed: " + (", ".join([*(f"{n} ({round(share * 100)}%)" for n, share in changed), *others]) or "nothing")
    )
    for change in diff.changes:
        console.print(
            Text(f"  [{change.significance}] {change.summary}", style=SIGNIFICANCE_STYLE[change.significance])
        )
    _text_block("FINDINGS", diff.findings, console, changes_only)
    console.print(Text("\n== RECOMMENDATIONS", style="bold"))
    for rec in diff.recommendations:
        if changes_only and rec.label == "kept":
            continue
        carried = (
            f" (carried {rec.editions_carried} editions)" if rec.editions_carried and rec.editions_carried > 1 else ""
        )
        label = Text(f"  {describe.label_words(rec.label)}{carried}: ", style="bold")
        if rec.label in ("reworded", "possibly_reworded"):
            body = _ops_text(rec.ops, console)
        elif rec.label == "new":
            body = _ops_text([(1, rec.new or "")], console)
        elif rec.label == "dropped":
            body = _ops_text([(-1, rec.old or "")], console)
        else:
            body = Text(rec.new or "")
        console.print(label + body)
    for section in diff.sections:
        title = describe.section_title(section.name)
        if section.status in ("added", "removed"):
            console.print(Text(f"\n== {title} ({section.status})", style="bold"))
            if not changes_only:
                console.print(_ops_text(section.text.ops, console))
        elif not (changes_only and section.status == "same"):
            _text_block(title, section.text, console, changes_only)
