"""Attacks on the logs: no typed text, name, token or OAuth code reaches a log line at any level,
in text or JSON format, errors included; typed control characters never reach the store."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.commands.ledger import GiveRequest
from bot.core.message import Message
from bot.observability import TEXT_FORMAT, JsonFormatter, TextFormatter, configure_logging
from bot.store.database import make_engine
from tests.adapters.discord_fake import ALICE, BOB, copy_database, discord_world
from tests.adapters.slack_harness import running_slack

MARKER = "zebra-marker-4711"


class Everything(logging.Handler):
    """Every record at every level, formatted both ways the bot can log."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self._text = TextFormatter(TEXT_FORMAT)
        self._json = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines += [self._text.format(record), self._json.format(record)]

    def leaks(self, *markers: str) -> list[str]:
        return [line for line in self.lines for marker in markers if marker in line]


@pytest.fixture
def logs() -> Iterator[Everything]:
    root = logging.getLogger()
    handler, level = Everything(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_badly_signed_slack_request_never_puts_its_body_in_a_log(
    database_url: str, logs: Everything
) -> None:
    async with running_slack(database_url) as slack:
        body = slack.command_body(f"note <@U2> {MARKER}")
        status, _ = await slack.post(
            body, content_type="application/x-www-form-urlencoded", signature="v0=forged"
        )
        await slack.settle()

    assert status == 401
    assert logs.lines  # the capture works: the app did log
    assert logs.leaks(MARKER) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")  # slack-sdk's
async def test_the_oauth_redirect_never_logs_its_code_or_the_token_it_earns(
    database_url: str, logs: Everything
) -> None:
    code = f"code-{MARKER}"
    async with running_slack(database_url, multi_workspace=True) as slack:
        await slack.install_through_oauth(code=code)
        async with slack.http.get(slack.url + f"/slack/oauth_redirect?code={code}&state=x"):
            pass
        assert slack.fake.calls_to("oauth.v2.access")[0].args["code"] == code

    assert any("/slack/oauth_redirect" in line for line in logs.lines)  # the access log ran
    leaks = logs.leaks(MARKER, "xoxb-T9", "client-secret")
    assert leaks == [], leaks[:3]


async def test_a_database_error_never_quotes_what_a_member_typed(
    database_url: str, logs: Everything
) -> None:
    engine = make_engine(database_url)
    insert = text(
        "INSERT INTO slack_events (id, event_id, workspace_id, received_at) "
        "VALUES (1, :event, :team, CURRENT_TIMESTAMP)"
    )
    try:
        with pytest.raises(SQLAlchemyError) as failed, engine.begin() as connection:
            connection.execute(insert, {"event": "E1", "team": MARKER})
            connection.execute(insert, {"event": "E2", "team": MARKER})  # the same id
        logging.getLogger("bot.commands.service").exception("command failed")
    finally:
        engine.dispose()

    assert MARKER not in str(failed.value)
    assert logs.lines
    assert logs.leaks(MARKER) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_unexpected_error_quoting_the_typed_text_logs_its_kind_but_not_its_message(
    database_url: str, logs: Everything
) -> None:
    def failing(ctx: object, request: GiveRequest) -> Message:
        raise ValueError(f"could not save {request.what!r}")  # as a parser or a database might

    async with running_slack(database_url) as slack:
        service = slack.buddy.service
        commands = service._commands  # the registry's spec, with a handler that fails
        commands["give"] = dataclasses.replace(commands["give"], handle=failing)
        reply = await slack.ask(f'give "Sam Lee" {MARKER}')

    assert "something went wrong" in reply["text"]
    errors = [line for line in logs.lines if "command failed" in line]
    assert errors and all("builtins.ValueError" in line for line in errors)
    assert logs.leaks(MARKER) == []


async def test_discord_commands_and_replies_never_put_typed_text_in_a_log(
    sqlite_template: Path, tmp_path: Path, logs: Everything
) -> None:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        await world.say(ALICE, "met", person=BOB, context=f"at PyCon {MARKER}")
        await world.say(ALICE, "people")
        await world.say(ALICE, "offer", text=f"reviews {MARKER}")

    assert logs.lines
    leaks = logs.leaks(MARKER, "Alice", "Bob")
    assert leaks == [], leaks[:3]


def test_a_newline_in_logged_text_cannot_forge_a_log_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    forged = "x\n2026-12-02 10:00:00,000 ERROR bot.app the database is gone\r\x1b[2J"
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging(log_format="text", verbose=True)
    try:
        log = logging.getLogger("bot.adapters.slack.app")
        log.warning("users.info failed: %s", forged)
        try:
            raise ValueError(forged)
        except ValueError:
            log.exception("command failed")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    lines = capsys.readouterr().err.splitlines()

    records = [line for line in lines if re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert len(records) == 2  # one warning, one error: nothing else looks like a record
    assert "\x1b" not in records[0] and "\\n2026-12-02" in records[0]
    assert all(line.startswith("    ") for line in lines if line not in records)


def test_json_logs_keep_one_record_per_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("tests.security.json")
    log.addHandler(handler)
    try:
        log.warning("failed: %s", "a\nb")
    finally:
        log.removeHandler(handler)
    assert len(stream.getvalue().splitlines()) == 1


async def test_a_nul_byte_and_control_characters_in_a_note_store_cleanly(
    database_url: str, logs: Everything
) -> None:
    async with running_slack(database_url) as slack:
        slack.fake.add_user("T1", "U1", name="Ann")
        saved = await slack.ask('met "Sam Lee" at PyCon before\x00after\x07 and\ttab')
        people = await slack.ask("people Sam")

    assert "Something went wrong" not in saved["text"]
    assert "beforeafter and tab" in people["text"]  # shown on one line; a tab is kept
    assert "\x00" not in people["text"] and "\x07" not in people["text"]
    assert [line for line in logs.lines if "ERROR" in line] == []
