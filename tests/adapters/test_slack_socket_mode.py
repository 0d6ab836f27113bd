"""`buddy slack` with an app token: Socket Mode, with delivery running in the same process."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import make_url

from tests.adapters.slack_fake import FakeSlack
from tests.adapters.slack_harness import all_text, serving_in_socket_mode

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
GENEROUS = {"buddy_ack_budget_seconds": 2.5}  # the longest answer budget allowed


def command(text: str, fake: FakeSlack, key: str) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "team_id": "T1",
        "team_domain": "team-t1",
        "channel_id": "C1",
        "channel_name": "general",
        "user_id": "U1",
        "user_name": "ann",
        "command": "/buddy",
        "text": text,
        "api_app_id": "A1",
        "response_url": fake.response_url(key),
        "trigger_id": f"trigger-{key}",
    }


def acked(fake: FakeSlack, envelope: str) -> list[dict[str, Any]]:
    """The acknowledgements of one envelope."""
    return [ack for ack in fake.socket_acks if ack["envelope_id"] == envelope]


async def test_socket_mode_answers_commands_in_the_ack_and_delivers_what_they_queue(
    database_url: str,
) -> None:
    async with serving_in_socket_mode(database_url, extra_settings=GENEROUS) as fake:
        envelope = await fake.send_envelope("slash_commands", command("export", fake, "x"))
        await fake.wait_until(lambda: acked(fake, envelope))
        # Delivery is woken by the command: the export reaches the DM without a tick.
        await fake.wait_until(lambda: fake.calls_to("files.completeUploadExternal"))

    [opened] = fake.calls_to("apps.connections.open")
    assert opened.token == "xapp-1-A1-secret"
    [ack] = acked(fake, envelope)
    reply = ack["payload"]  # answered in the acknowledgement, not through response_url
    assert reply["response_type"] == "ephemeral"
    assert all_text(reply["blocks"]).startswith("📦 I've sent you a DM")
    assert fake.replies("x") == []
    assert fake.calls_to("files.completeUploadExternal")[0].args["channel_id"] == "DU1"


async def test_socket_mode_acks_a_command_slower_than_its_budget_then_answers_it_once(
    database_url: str,
) -> None:
    quick = {"buddy_ack_budget_seconds": 0.05}
    async with serving_in_socket_mode(database_url, tick=False, extra_settings=quick) as fake:
        blocker = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # the command's work now waits for the database
        try:
            envelope = await fake.send_envelope(
                "slash_commands", command("met <@U2|sam> at PyCon", fake, "slow")
            )
            await fake.wait_until(lambda: acked(fake, envelope))
            answered_while_locked = fake.replies("slow") == []
        finally:
            blocker.execute("COMMIT")
            blocker.close()
        await fake.wait_until(lambda: fake.replies("slow"))

    [ack] = acked(fake, envelope)
    assert "payload" not in ack  # acknowledged empty when the budget ran out
    assert answered_while_locked
    [reply] = fake.replies("slow")  # then answered once, through response_url
    assert reply["response_type"] == "ephemeral"
    assert all_text(reply["blocks"]).startswith("🤝 Noted: you met <@U2>")
