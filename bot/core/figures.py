"""Aggregate figures as a dashboard may show them: any count of fewer than five is hidden."""

from __future__ import annotations

from dataclasses import dataclass

SMALL = 5  # a figure counting fewer members than this shows as "<5"
HIDDEN = "<5"


@dataclass(frozen=True)
class Figure:
    """One number as shown: `value` for a chart (None when hidden, so the chart leaves a gap),
    `text` for tables and CSV files."""

    value: float | None
    text: str


def shown_count(count: int) -> Figure:
    """A count of members (or of what members did) as a dashboard may show it.

    Every count below five reads "<5", zero included: were zero shown, "<5" would mean "at
    least one", and one member's decline, block or pause could be read off a figure."""
    if count < SMALL:
        return Figure(None, HIDDEN)
    return Figure(count, str(count))


def shown_rate(part: int, whole: int) -> Figure:
    """`part` of `whole` as a percentage, shown only when both `part` and the rest
    (`whole - part`) count five or more: otherwise the few who did, or the few who did not,
    could be told apart."""
    if part < SMALL or whole - part < SMALL:
        return Figure(None, HIDDEN)
    percent = round(100 * part / whole)
    return Figure(percent, f"{percent}%")
