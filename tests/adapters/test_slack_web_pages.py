"""Over Slack in HTTP mode the pages are served by the same web app as Slack's requests: a
member types `/buddy me`, gets the link by DM, and it opens there."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet

from tests.adapters.slack_harness import SlackHarness, running_slack


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    key = Fernet.generate_key().decode()
    async with running_slack(database_url, extra_settings={"buddy_secret_key": key}) as harness:
        yield harness


async def test_a_member_opens_the_link_slack_sent_on_the_slack_web_app(
    slack: SlackHarness,
) -> None:
    await slack.command("me")
    await slack.settle()
    await slack.delivery.deliver_due()
    [dm] = slack.fake.calls_to("chat.postMessage")
    [link] = re.findall(r"http://localhost:3000/me\?t=[\w.\-]+", dm.args["text"])
    parts = urlsplit(link)
    async with slack.http.get(f"{slack.url}{parts.path}?{parts.query}") as response:
        assert response.status == 200
        assert "Your network" in await response.text()
    async with slack.http.get(f"{slack.url}/me?t=forged") as response:
        assert response.status == 403
        assert "This link is not valid" in await response.text()
