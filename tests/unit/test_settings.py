"""Settings: read from the environment and a `.env` file, every bad value named in one message."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings


def env_file(folder: Path, text: str) -> Path:
    path = folder / ".env"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_value_in_the_env_file_is_used_when_the_environment_has_none(tmp_path: Path) -> None:
    found = load_settings(environ={}, env_file=env_file(tmp_path, "BUDDY_TICK_SECONDS=45\n"))

    assert found.buddy_tick_seconds == 45.0


def test_the_environment_beats_the_env_file(tmp_path: Path) -> None:
    path = env_file(tmp_path, "BUDDY_TICK_SECONDS=45\nBUDDY_CONSOLE_USER=ann\n")

    found = load_settings(environ={"BUDDY_TICK_SECONDS": "10"}, env_file=path)

    assert (found.buddy_tick_seconds, found.buddy_console_user) == (10.0, "ann")


def test_the_env_file_reads_quotes_comments_and_export_as_python_dotenv_does(
    tmp_path: Path,
) -> None:
    path = env_file(
        tmp_path,
        "# the bot's settings\n"
        "\n"
        "export SLACK_BOT_TOKEN=xoxb-1   # the bot user's token\n"
        "SLACK_SIGNING_SECRET = 'a#b c'\n"
        'DISCORD_TOKEN="line one\\nline \\"two\\""\n'
        "SLACK_APP_TOKEN=xapp#1\n"
        "BUDDY_METRICS_TOKEN= # none yet\n"
        "SLACK_CLIENT_ID='it\\'s'\n"
        "DISCORD_API_URL=http://${HOST_NAME}:${API_PORT:-8080}/api\n"
        "not an assignment\n"
        "SOMETHING_ELSE=ignored\n",
    )

    found = load_settings(environ={"HOST_NAME": "fake"}, env_file=path)

    assert found.slack_bot_token == "xoxb-1"
    assert found.slack_signing_secret == "a#b c"
    assert found.discord_token == 'line one\nline "two"'
    assert found.slack_app_token == "xapp#1"
    assert found.buddy_metrics_token == ""
    assert found.slack_client_id == "it's"
    assert found.discord_api_url == "http://fake:8080/api"


def test_names_are_read_in_any_case(tmp_path: Path) -> None:
    path = env_file(tmp_path, "buddy_console_user=ann\n")

    found = load_settings(environ={"Buddy_Tick_Seconds": "5", "port": "8080"}, env_file=path)

    assert (found.buddy_console_user, found.buddy_tick_seconds, found.port) == ("ann", 5.0, 8080)


def test_an_empty_env_file_and_no_env_file_both_leave_the_defaults(tmp_path: Path) -> None:
    empty = env_file(tmp_path, "")

    assert load_settings(environ={}, env_file=empty) == Settings()
    assert load_settings(environ={}, env_file=tmp_path / "absent.env") == Settings()
    assert load_settings(environ={}, env_file=None) == Settings()


def test_an_env_file_that_is_not_text_is_named_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"SLACK_BOT_TOKEN=\xff\xfe\n")

    with pytest.raises(ConfigError) as refused:
        load_settings(environ={}, env_file=path)

    assert str(refused.value) == f"{path}: cannot be read as UTF-8 text"


def test_by_default_the_process_environment_and_the_env_file_here_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env_file(tmp_path, "BUDDY_FOLLOW_UP_DAYS=7\nBUDDY_TICK_SECONDS=45\n")
    monkeypatch.setenv("BUDDY_TICK_SECONDS", "10")

    found = load_settings()

    assert (found.buddy_follow_up_days, found.buddy_tick_seconds) == (7, 10.0)


def test_settings_made_in_code_read_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDDY_TICK_SECONDS", "10")

    assert Settings().buddy_tick_seconds == 30.0


def test_a_bad_flag_says_what_to_write() -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(environ={"BUDDY_TICKER": "maybe"}, env_file=None)

    assert str(refused.value) == "BUDDY_TICKER: expected on or off (got 'maybe')"


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        *[(word, True) for word in ("true", "1", "yes", "on", "t", "y", "TRUE", "On", "Yes")],
        *[(word, False) for word in ("false", "0", "no", "off", "f", "n", "FALSE", "Off", "No")],
    ],
)
def test_flags_read_every_usual_spelling(written: str, meant: bool) -> None:
    assert load_settings(environ={"BUDDY_TICKER": written}, env_file=None).buddy_ticker is meant


def test_every_bad_value_is_listed_one_a_line_and_the_file_loses_nothing(tmp_path: Path) -> None:
    text = "BUDDY_FOLLOW_UP_DAYS=3.5\nPORT=70000\nBUDDY_LOG_FORMAT=JSON\n"
    path = env_file(tmp_path, text)

    with pytest.raises(ConfigError) as refused:
        load_settings(environ={"BUDDY_TICK_SECONDS": "abc"}, env_file=path)

    assert str(refused.value).splitlines() == [
        "BUDDY_TICK_SECONDS: expected a number of seconds between 0 and 3600, e.g. 30 (got 'abc')",
        "BUDDY_FOLLOW_UP_DAYS: expected a whole number of days between 1 and 60, e.g. 3 "
        "(got '3.5')",
        "BUDDY_LOG_FORMAT: expected text or json (got 'JSON')",
        "PORT: expected a TCP port number, e.g. 3000 (got '70000')",
    ]
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("name", "written", "read"),
    [
        ("BUDDY_TICK_SECONDS", "30", 30.0),
        ("BUDDY_TICK_SECONDS", "1e1", 10.0),
        ("BUDDY_TICK_SECONDS", " 2.5 ", 2.5),
        ("BUDDY_FOLLOW_UP_DAYS", "7", 7),
        ("BUDDY_FOLLOW_UP_DAYS", "7.0", 7),
        ("BUDDY_HOST", "::1", "::1"),
        ("BUDDY_PUBLIC_URL", "https://buddy.example.org", "https://buddy.example.org"),
        ("DATABASE_URL", "postgres://u:p@db/buddy", "postgresql+psycopg://u:p@db/buddy"),
    ],
)
def test_numbers_addresses_and_urls_are_read_as_written(
    name: str, written: str, read: object
) -> None:
    found = load_settings(environ={name: written}, env_file=None)

    assert getattr(found, name.lower()) == read


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("BUDDY_FOLLOW_UP_DAYS", "3.5"),
        ("BUDDY_FOLLOW_UP_DAYS", "1e1"),
        ("BUDDY_FOLLOW_UP_DAYS", "61"),
        ("BUDDY_TICK_SECONDS", "nan"),
        ("BUDDY_TICK_SECONDS", "inf"),
        ("BUDDY_TICK_SECONDS", "0"),
        ("BUDDY_TICK_SECONDS", ""),
        ("BUDDY_CONSOLE_USER", ""),
        ("BUDDY_CONSOLE_USER", "ann b"),
        ("BUDDY_HOST", "127.0.0.1; rm -rf /"),
        ("BUDDY_PUBLIC_URL", "ftp://buddy.example.org"),
        ("BUDDY_PUBLIC_URL", "https://buddy.example.org\n"),
    ],
)
def test_a_value_out_of_bounds_is_refused_naming_the_variable_and_the_value(
    name: str, written: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(environ={name: written}, env_file=None)

    assert str(refused.value).startswith(f"{name}: expected ")
    assert str(refused.value).endswith(f"(got {written!r})")


def test_a_bad_database_url_or_secret_key_is_refused_without_repeating_it() -> None:
    url = "mysql://buddy:hunter2@db/buddy"

    with pytest.raises(ConfigError) as refused:
        load_settings(environ={"DATABASE_URL": url, "BUDDY_SECRET_KEY": "hunter3"}, env_file=None)

    first, second = str(refused.value).splitlines()
    assert first.startswith("DATABASE_URL scheme 'mysql' is not supported")
    assert second.startswith("BUDDY_SECRET_KEY: key 1 is not a Fernet key")
    assert "hunter2" not in str(refused.value) and "hunter3" not in str(refused.value)


def test_settings_made_in_code_are_checked_as_strictly() -> None:
    with pytest.raises(ConfigError) as refused:
        Settings(port=0, buddy_ticker="maybe")  # type: ignore[arg-type]

    assert str(refused.value).splitlines() == [
        "BUDDY_TICKER: expected on or off (got 'maybe')",
        "PORT: expected a TCP port number, e.g. 3000 (got 0)",
    ]
    with pytest.raises(ConfigError, match="BUDDY_LINK_HOURS"):
        dataclasses.replace(Settings(), buddy_link_hours=0)


def test_settings_made_in_code_hold_their_types() -> None:
    made = Settings(buddy_tick_seconds=60, database_url="postgres://u:p@db/buddy")

    assert made.buddy_tick_seconds == 60.0 and isinstance(made.buddy_tick_seconds, float)
    assert made.database_url == "postgresql+psycopg://u:p@db/buddy"
    assert dataclasses.replace(made, port=8080).port == 8080
