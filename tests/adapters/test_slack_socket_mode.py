"""`buddy slack` with an app token: Socket Mode, with delivery running in the same process."""

from __future__ import annotations

from typing import Any

import pytest

from tests.adapters.slack_fake import FakeSlack
from tests.adapters.slack_harness import all_text, serving_in_socket_mode

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


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


async def test_socket_mode_answers_commands_and_delivers_what_they_queue(
    database_url: str,
) -> None:
    async with serving_in_socket_mode(database_url) as fake:
        envelope = await fake.send_envelope("slash_commands", command("export", fake, "x"))
        await fake.wait_until(lambda: fake.replies("x"))
        # Delivery is woken by the command: the export reaches the DM without a tick.
        await fake.wait_until(lambda: fake.calls_to("files.completeUploadExternal"))

    [opened] = fake.calls_to("apps.connections.open")
    assert opened.token == "xapp-1-A1-secret"
    assert envelope in [ack["envelope_id"] for ack in fake.socket_acks]
    [reply] = fake.replies("x")
    assert all_text(reply["blocks"]).startswith("📦 I've sent you a DM")
    assert fake.calls_to("files.completeUploadExternal")[0].args["channel_id"] == "DU1"
