"""The dashboard's events table: public titles kept short, every count under five hidden."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.dashboard import EventCounts
from bot.web.figures import TITLE_CHARS, events_table

AT = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def test_each_event_is_a_row_of_its_title_and_day_with_its_counts_of_members() -> None:
    table = events_table([EventCounts(3, "Pottery evening", AT, going=8, attended=6, meetings=7)])
    [row] = table.rows
    assert row.label == "Pottery evening (2026-11-20)"
    assert [f.text for f in row.figures] == ["8", "6", "7"]
    assert table.csv().splitlines() == [
        "Event,Going,Attended,Meetings logged",
        "Pottery evening (2026-11-20),8,6,7",
    ]


def test_a_count_under_five_reads_less_than_five_and_leaves_a_gap_in_the_chart() -> None:
    for few in range(5):
        table = events_table([EventCounts(1, "Board games", AT, few, few, few)])
        assert [(f.text, f.value) for f in table.rows[0].figures] == [("<5", None)] * 3


def test_a_long_title_is_cut_so_the_chart_stays_readable() -> None:
    title = "A very long evening of talks about ownership, borrowing and lifetimes in Rust"
    [row] = events_table([EventCounts(1, title, AT, 5, 5, 5)]).rows
    cut = row.label.removesuffix(" (2026-11-20)")
    assert len(cut) <= TITLE_CHARS and cut.endswith("…")
    assert title.startswith(cut[:-1])
