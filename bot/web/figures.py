"""The dashboard's tables: the store's counts as shown figures, each table charted and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.core.dashboard import EventCounts, RoundCounts, WeekCounts
from bot.core.figures import Figure, shown_count, shown_rate


@dataclass(frozen=True)
class Row:
    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Table:
    """One chart's numbers: the same figures in the chart, its <table> and its CSV file."""

    key: str  # in the CSV file's name and address
    title: str
    label: str  # the first column's heading
    columns: tuple[str, ...]  # the figures' headings
    rows: tuple[Row, ...]
    chart: Literal["bar", "line"] = "bar"
    charted: tuple[int, ...] = ()  # which figure columns the chart draws (default: all)
    unit: str = ""  # "%" for a rate

    @property
    def drawn(self) -> tuple[int, ...]:
        return self.charted or tuple(range(len(self.columns)))

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow((self.label, *self.columns))
        for row in self.rows:
            writer.writerow((row.label, *(figure.text for figure in row.figures)))
        return out.getvalue()


def pairing_table(rounds: Sequence[RoundCounts]) -> Table:
    return Table(
        key="pairing",
        title="Pairing: members paired and members who met, per round",
        label="Round",
        columns=("Paired", "Met", "Meet rate"),
        rows=tuple(
            Row(
                f"#{r.number} ({r.started_at:%Y-%m-%d})",
                (shown_count(r.paired), shown_count(r.met), shown_rate(r.met, r.paired)),
            )
            for r in rounds
        ),
        charted=(0, 1),
    )


TITLE_CHARS = 40  # an event's title in a row label, so the chart's axis stays readable


def events_table(events: Sequence[EventCounts]) -> Table:
    """Per event held: its channel-public title and day, and counts of members (no names)."""

    def label(event: EventCounts) -> str:
        title = event.title.strip()
        if len(title) > TITLE_CHARS:
            title = title[: TITLE_CHARS - 1].rstrip() + "…"
        return f"{title} ({event.starts_at:%Y-%m-%d})"

    return Table(
        key="events",
        title="Events held: members who answered Going, attended, and meetings logged there",
        label="Event",
        columns=("Going", "Attended", "Meetings logged"),
        rows=tuple(
            Row(
                label(e),
                (shown_count(e.going), shown_count(e.attended), shown_count(e.meetings)),
            )
            for e in events
        ),
    )


def weekly_tables(weeks: Sequence[WeekCounts]) -> tuple[Table, ...]:
    def rows(*counts: str) -> tuple[Row, ...]:
        return tuple(
            Row(f"{w.week:%Y-%m-%d}", tuple(shown_count(getattr(w, name)) for name in counts))
            for w in weeks
        )

    promises = tuple(
        Row(
            f"{w.week:%Y-%m-%d}",
            (
                shown_count(w.promises_due),
                shown_count(w.promises_kept_on_time),
                shown_rate(w.promises_kept_on_time, w.promises_due),
            ),
        )
        for w in weeks
    )
    return (
        Table(
            key="intros",
            title="Introductions asked for and made, per week",
            label="Week of",
            columns=("Asked", "Made"),
            rows=rows("intros_asked", "intros_made"),
        ),
        Table(
            key="gives-asks",
            title="Gives and asks, per week",
            label="Week of",
            columns=("Gives", "Asks"),
            rows=rows("gives", "asks"),
        ),
        Table(
            key="promises",
            title="Promises kept on time (the community's rate), per week they fell due",
            label="Week of",
            columns=("Due", "Kept on time", "Rate"),
            rows=promises,
            chart="line",
            charted=(2,),
            unit="%",
        ),
        Table(
            key="active",
            title="Members active, per week",
            label="Week of",
            columns=("Active members",),
            rows=rows("members_active"),
        ),
    )
