"""A promise whose ending could be text or time, asked about at the console with two buttons."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console_sessions import run_console


def test_an_unsure_time_is_asked_about_and_either_button_settles_it(tmp_path: Path) -> None:
    out = run_console(
        "promise @sam the notes from 2030-01-15\n"
        "click Due Tue 15 Jan, 09:00\n"
        "promise @sam the photos from 2030-02-01\n"
        "click No date, keep the words\n"
        "promises\n",
        tmp_path=tmp_path,
    )
    assert "✅ Promise #1: send @sam “the notes from 2030-01-15”" in out
    assert "[Due Tue 15 Jan, 09:00] [No date, keep the words]" in out
    assert "⏰ #1 “the notes” is due Tue 15 Jan 2030, 09:00" in out
    assert "Kept as it is: #2 “the photos from 2030-02-01”, no date." in out
    listing = out[out.rindex("Your open promises") :]
    assert "#1 the notes → @sam · due Tue 15 Jan 2030, 09:00" in listing
    assert "#2 the photos from 2030-02-01 → @sam · no date" in listing
