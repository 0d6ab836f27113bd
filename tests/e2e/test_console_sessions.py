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
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input=script,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


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
