"""Whole scenarios typed into `buddy console`, as a newcomer would, on a real SQLite file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path


def run_console(
    script: str, *, tmp_path: Path, user: str = "me", env: dict[str, str] | None = None
) -> str:
    finished = console_process(script, tmp_path=tmp_path, user=user, env=env)
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def console_process(
    script: str,
    *,
    tmp_path: Path,
    user: str = "me",
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_", "BUDDY_", "DATABASE_URL"))
    }
    environment.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'buddy.sqlite3'}",
            "BUDDY_CONSOLE_USER": user,
            "TZ": "Europe/Paris",
            **(env or {}),
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *args],
        input=script,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
        check=False,
    )


def test_a_newcomer_logs_a_meeting_keeps_a_promise_and_exports_their_data(tmp_path: Path) -> None:
    out = run_console(
        "met @sam at PyCon — talked about Rust 🦀\n"
        "promise @sam the slides in 2 days\n"
        "people\n"
        "promises\n"
        "done 1\n"
        "stats\n"
        "export\n",
        tmp_path=tmp_path,
    )
    assert "you met @sam at PyCon — talked about Rust 🦀" in out
    assert "Promise #1: send @sam “the slides”" in out
    assert re.search(r"Due \w{3} \d+ \w{3} \d{4}, \d\d:\d\d", out)
    assert "#1 the slides → @sam" in out
    assert "Kept on time: “the slides” for @sam" in out
    assert "Gives: 1 (1 in the last 30 days)" in out
    assert "Promises kept: 1 (100% on time); open: 0" in out
    assert "DM to @me:" in out
    export = out[out.index("📎 buddy-export.json:") :].split("\n", 1)[1]
    data = json.loads(
        "\n".join(line[6:] for line in export.splitlines() if line.startswith("    "))
    )
    assert data["contacts"][0]["name"] == "sam"
    assert data["meetings"][0]["context"] == "at PyCon — talked about Rust 🦀"
    assert data["promises"][0]["status"] == "done"


def test_quit_and_end_of_input_end_cleanly_every_time_on_a_database_with_data(
    tmp_path: Path,
) -> None:
    run_console(
        "met @sam at PyCon\npromise @sam the slides in 2 days\nkeep-in-touch @ana every week\n",
        tmp_path=tmp_path,
    )
    # Short scripts end while the first tick (which starts with the console) is under way.
    for script in ("", "quit\n", "promises\nexit\n"):
        finished = console_process(script, tmp_path=tmp_path)
        assert finished.returncode == 0, finished.stderr
        assert "Traceback" not in finished.stderr
        assert "Error" not in finished.stderr


def test_state_survives_a_restart_of_the_console(tmp_path: Path) -> None:
    run_console('met "Ana Lima" at the Lisbon meetup\n', tmp_path=tmp_path)
    out = run_console("people ana\n", tmp_path=tmp_path)
    assert "Ana Lima — met" in out
    assert "at the Lisbon meetup" in out


def test_acting_as_another_member_keeps_each_members_contacts_private(tmp_path: Path) -> None:
    out = run_console(
        "met @sam secret context\nas @sam\npeople\nas @me\npeople\n", tmp_path=tmp_path
    )
    sam_view = out[out.index("Now acting as @sam.") : out.index("Now acting as @me.")]
    assert "No contacts yet." in sam_view
    assert "secret context" not in sam_view
    my_view = out[out.index("Now acting as @me.") :]
    assert "@sam — met" in my_view
    assert "secret context" in my_view


def test_buttons_are_pressed_with_click_and_only_by_their_owner(tmp_path: Path) -> None:
    out = run_console(
        "promise @sam the slides by tomorrow 9am\n"
        "promises\n"
        "as @sam\n"
        "click Done #1\n"
        "as @me\n"
        "click Done #1\n"
        "promises\n",
        tmp_path=tmp_path,
    )
    assert "No button “Done #1” for @sam to press." in out
    assert "Kept on time: “the slides”" in out
    assert out.rstrip().endswith("Made one in a conversation? `promise @sam the slides by friday`.")


BAD_LINES = [
    ("flurb", "I don't know the command “flurb”"),
    ("promise @me the slides", "That's you!"),
    ("promise @sam the slides by flurbsday", "couldn't read “flurbsday”"),
    ("promise @sam the slides by 2020-01-01", "already passed"),
    ("done 7", "You have no open promise #7."),
    ("settings timezone Mars/Olympus", "Mars/Olympus"),
    ("note @sam " + "x" * 2100, "I keep up to 2,000"),
    ("as @everyone", "`as` takes one member name"),
    ("click Nothing", "No button “Nothing”"),
]


def test_bad_input_gets_a_friendly_answer_changes_nothing_and_the_console_carries_on(
    tmp_path: Path,
) -> None:
    script = "met @sam\n" + "".join(f"{line}\n" for line, _ in BAD_LINES) + "people\npromises\n"
    out = run_console(script, tmp_path=tmp_path)
    replies = out.split("@me> ")[2:]  # one chunk per line typed after `met`
    for (line, expected), reply in zip(BAD_LINES, replies, strict=False):
        assert expected in reply, (line, reply)
        assert "⚠️" in reply
    assert "Your contacts (1):" in out
    assert "No open promises." in out


def test_a_bad_setting_stops_the_bot_with_a_message_naming_the_variable(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "BUDDY_TICK_SECONDS": "often"},
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    assert "BUDDY_TICK_SECONDS" in finished.stderr
    assert "often" in finished.stderr


def test_every_bad_setting_in_the_env_file_and_the_environment_is_named_before_the_bot_starts(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text("# mine\nexport BUDDY_TICKER=maybe\nPORT='0'\n")
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith(("BUDDY_", "PORT"))}

    finished = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="help\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**clean, "BUDDY_TICK_SECONDS": "often"},
        timeout=60,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [
        "buddy: BUDDY_TICK_SECONDS: expected a number of seconds between 0 and 3600, e.g. 30 "
        "(got 'often')",
        "BUDDY_TICKER: expected on or off (got 'maybe')",
        "PORT: expected a TCP port number, e.g. 3000 (got '0')",
    ]
    assert finished.stdout == ""
    assert not (tmp_path / "buddy.sqlite3").exists()  # nothing was started, nor created


def test_adapter_commands_name_the_missing_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    for command, variable in (("slack", "SLACK_BOT_TOKEN"), ("discord", "DISCORD_TOKEN")):
        finished = subprocess.run(
            [sys.executable, "-m", "bot", command],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=60,
            check=False,
        )
        assert finished.returncode == 2
        assert variable in finished.stderr


def test_a_channel_and_a_command_in_a_reply_read_as_typed_at_the_console(
    tmp_path: Path,
) -> None:
    out = run_console("in #events\njoin\n", tmp_path=tmp_path)

    assert "Pairing isn't on in #events." in out
    assert "An organiser starts it with `pairing on`." in out


def test_wait_moves_the_clock_and_what_falls_due_shows_up_in_order(tmp_path: Path) -> None:
    out = run_console(
        "wait until tuesday 9am\n"
        "met @sam at PyCon\n"
        "promise @ana the book by friday\n"
        "wait 3 days\n"
        "click Done #1\n",
        tmp_path=tmp_path,
        env={"TZ": "UTC"},  # no DST change inside the three days, whatever today is
    )
    waited = out[out.index("@me> wait 3 days") : out.index("@me> click Done #1")]
    heads_up, reminder, follow_up = (
        waited.index("⏳ Heads-up — promise #1: send @ana “the book”"),
        waited.index("⏰ Reminder — promise #1: send @ana “the book”"),
        waited.index("👋 You met @sam on Tuesday at PyCon."),
    )
    assert heads_up < reminder < follow_up  # each when it fell due
    assert re.search(r"⏩ Thu \d+ \w{3} \d{4}, 09:00 UTC\nDM to @me:\n  ⏳ Heads-up", waited)
    assert re.search(r"⏩ Fri \d+ \w{3} \d{4}, 09:00 UTC\nDM to @me:\n  ⏰ Reminder", waited)
    assert "Due now." in waited
    assert re.search(r"⏩ It is now Fri \d+ \w{3} \d{4}, 09:00 UTC\.", waited)
    assert "Kept: “the book” for @ana." in out


def test_a_wait_that_cannot_be_read_changes_nothing(tmp_path: Path) -> None:
    out = run_console(
        "promise @sam the slides in 1 hour\nwait\nwait flurbs\nwait 2 months\npromises\n",
        tmp_path=tmp_path,
    )
    assert "`wait` takes how long, or until when." in out
    assert "I couldn't read “flurbs” as how long to wait." in out
    assert "I can wait up to 31 days at once." in out
    assert "⏩" not in out and "Reminder" not in out
    assert "#1 the slides → @sam" in out


def test_organisers_are_chosen_on_the_command_line_and_in_the_console(tmp_path: Path) -> None:
    finished = console_process(
        "pairing on\nas @ana\npairing on\norganisers @me\npairing off\nas @me\npairing off\n",
        tmp_path=tmp_path,
        args=("--organiser", "ana"),
    )
    assert finished.returncode == 0, finished.stderr
    replies = finished.stdout.split("@me> ")
    assert "Only this channel's organisers can turn pairing on" in replies[2]  # me: not one
    ana = finished.stdout[finished.stdout.index("Now acting as @ana.") :]
    assert "Pairing is on in #general" in ana
    assert "Organisers (may turn pairing and channel prompts on or off): @me." in ana
    assert ana.count("Only this channel's organisers") == 1  # ana, no longer one
    assert "Pairing is off" in ana.split("Now acting as @me.")[1]


def test_the_demo_shows_ten_days_on_a_throwaway_database_then_hands_over(
    tmp_path: Path,
) -> None:
    finished = console_process("promises\n", tmp_path=tmp_path, args=("--demo",))
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    tour = finished.stdout
    shown_in_order = [
        "💬 You met someone.",
        "⏰ Reminder — promise #1: send @ana “the book”\n  Due now.",
        "🎉 Kept",
        "👋 You met @sam on",
        "📬 Your weekly digest",
        "🔁 It's been 7+ days since you were in touch with @lee",
        "Your contacts (3):",
        "💬 That was ten days in a minute.",
        "@me> promises",  # then the member types on, in the tour's world
    ]
    # The last digest: an earlier Monday may fall inside the tour's first days too.
    positions = [
        tour.rindex(text) if "digest" in text else tour.index(text) for text in shown_in_order
    ]
    assert positions == sorted(positions)
    assert "No open promises." in tour[positions[-1] :]
    assert not (tmp_path / "buddy.sqlite3").exists()  # the member's own database is untouched


def test_meeting_two_people_at_once_then_reading_one_person_s_history(tmp_path: Path) -> None:
    out = run_console(
        "met @sam @ana at the bar\n"
        "note @sam: loves sourdough\n"
        "people @sam\n"
        "people sourdough\n"
        "as @ana\n"
        "people sourdough\n",
        tmp_path=tmp_path,
    )
    assert "you met @sam and @ana at the bar." in out
    assert "<@" not in out
    assert "Meetings (1):\n    • " in out and ": at the bar\n" in out
    assert ": loves sourdough\n" in out
    assert "No contacts match “sourdough”." in out  # Ana never sees the invoker's notes


def test_quoted_words_after_a_person_are_where_you_met_not_another_person(
    tmp_path: Path,
) -> None:
    out = run_console('met @sam "Rust night"\npeople\n', tmp_path=tmp_path)
    assert 'you met @sam "Rust night".' in out
    assert "Rust night →" not in out and "and Rust night" not in out


def test_wait_shows_times_in_the_member_s_zone_not_the_machine_s(tmp_path: Path) -> None:
    out = run_console(
        "settings timezone Asia/Tokyo\n"
        "wait until tomorrow 9am\n"
        "promise @sam the slides in 90 minutes\n"
        "wait 2 hours\n",
        tmp_path=tmp_path,
        env={"TZ": "America/New_York"},
    )
    assert re.search(r"⏩ It is now \w{3} \d+ \w{3} \d{4}, 09:00 Asia/Tokyo\.", out)
    waited = out[out.index("@me> wait 2 hours") :]
    # Due at 10:30 in Tokyo: shown under the hourly step that ran it.
    assert re.search(
        r"⏩ \w{3} \d+ \w{3} \d{4}, 11:00 Asia/Tokyo\nDM to @me:\n  ⏰ Reminder", waited
    )
    assert "America/New_York" not in out
