"""Many workspaces on one Slack app: installed by OAuth, kept apart, erased on uninstall."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

from bot.core.identity import Member, Platform
from tests.adapters.slack_harness import CLIENT_ID, SlackHarness, all_text, running_slack

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ANN_T1 = Member(Platform.SLACK, "T1", "U1")
ANN_T2 = Member(Platform.SLACK, "T2", "U1")  # the same user id in another workspace


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url, multi_workspace=True, teams=("T1", "T2")) as harness:
        for team in ("T1", "T2"):
            harness.fake.add_user(team, "U1", name=f"Ann of {team}")
            harness.fake.add_user(team, "U2", name=f"Sam of {team}")
        yield harness


def holdings(slack: SlackHarness, member: Member) -> dict[str, Any]:
    with slack.buddy.uow_factory() as uow:
        return {
            "contacts": [c.name for c in uow.contacts.list(member)],
            "promises": [p.what for p in uow.promises.list_all(member)],
            "profile": uow.profiles.get(member) is not None,
        }


def outbox_workspaces(slack: SlackHarness) -> list[str]:
    entries = slack.buddy.outbox_queue.entries(statuses=["pending", "sent", "dead"], limit=100)
    return sorted(entry.workspace_id for entry in entries)


async def bot_of(slack: SlackHarness, team: str) -> Any:
    installations = slack.bot.app.installation_store
    assert isinstance(installations, AsyncSQLAlchemyInstallationStore)
    return await installations.async_find_bot(enterprise_id=None, team_id=team)


async def test_a_workspace_never_sees_another_workspace_s_data(slack: SlackHarness) -> None:
    await slack.ask("promise <@U2|sam> the slides by friday", team="T1")
    await slack.ask("met <@U2|sam> at PyCon", team="T1")

    promises = await slack.ask("promises", team="T2")
    people = await slack.ask("people", team="T2")
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"}, team="T2")

    assert all_text(promises["blocks"]).startswith("No open promises.")
    assert all_text(people["blocks"]).startswith("No contacts")
    home = [c.args["view"] for c in slack.fake.calls_to("views.publish") if c.team == "T2"][-1]
    assert "No open promises." in all_text(home["blocks"])
    assert holdings(slack, ANN_T2) == {"contacts": [], "promises": [], "profile": True}
    # Each workspace's calls go out with that workspace's own token.
    assert {c.args["user"] for c in slack.fake.calls_to("users.info") if c.team == "T2"} == {"U1"}
    assert {c.team for c in slack.fake.calls} == {"T1", "T2"}


@pytest.mark.parametrize(
    "event",
    [
        pytest.param({"type": "app_uninstalled"}, id="app_uninstalled"),
        pytest.param(
            {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBUDDY"]}},
            id="tokens_revoked",
        ),
    ],
)
async def test_uninstalling_erases_that_workspace_and_nothing_else(
    slack: SlackHarness, event: dict[str, Any]
) -> None:
    for team in ("T1", "T2"):
        await slack.ask("promise <@U2|sam> the slides by friday", team=team)
        await slack.ask("export", team=team)  # a DM waiting in the outbox

    status = await slack.event(event, team="T1", event_id="EvGone")

    assert status == 200
    assert holdings(slack, ANN_T1) == {"contacts": [], "promises": [], "profile": False}
    assert holdings(slack, ANN_T2) == {
        "contacts": ["sam"],
        "promises": ["the slides"],
        "profile": True,
    }
    assert outbox_workspaces(slack) == ["T2"]
    assert await bot_of(slack, "T1") is None
    assert (await bot_of(slack, "T2")).bot_token == "xoxb-T2"
    # The bot no longer answers there: Bolt finds no installation, and nothing is recorded.
    await slack.command("met <@U2|sam> again", team="T1")
    await slack.settle()
    assert holdings(slack, ANN_T1)["contacts"] == []


@SQLITE_ONLY
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")  # slack-sdk's
async def test_the_oauth_flow_installs_a_new_workspace_that_can_then_use_the_bot(
    slack: SlackHarness,
) -> None:
    async with slack.http.get(slack.url + "/slack/install") as page:
        html = await page.text()
        assert page.status == 200
        # A Secure cookie, which a browser returns over HTTPS; the test's client sends it here.
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link is not None
    query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["chat:write,commands,files:write,im:write,mpim:write,users:read"]

    redirect = f"/slack/oauth_redirect?code=one-time-code&state={query['state'][0]}"
    async with slack.http.get(slack.url + redirect, headers={"Cookie": cookie}) as done:
        assert done.status == 200
    slack.fake.add_user("T9", "U1", name="Nia")
    reply = await slack.ask("help", team="T9")

    assert slack.fake.calls_to("oauth.v2.access")[0].args["code"] == "one-time-code"
    assert (await bot_of(slack, "T9")).bot_token == "xoxb-T9"
    assert "remembers who you met" in reply["text"]
    assert slack.fake.calls_to("users.info")[-1].team == "T9"


@SQLITE_ONLY
async def test_a_forged_oauth_redirect_installs_nothing(slack: SlackHarness) -> None:
    async with slack.http.get(slack.url + "/slack/oauth_redirect?code=x&state=forged") as done:
        assert done.status == 400

    assert slack.fake.calls_to("oauth.v2.access") == []
    assert await bot_of(slack, "T9") is None


@SQLITE_ONLY
async def test_a_single_workspace_app_erases_its_workspace_on_uninstall(database_url: str) -> None:
    async with running_slack(database_url) as slack:
        await slack.ask("promise <@U2|sam> the slides by friday")

        await slack.event({"type": "app_uninstalled"})

        assert holdings(slack, ANN_T1) == {"contacts": [], "promises": [], "profile": False}


@SQLITE_ONLY
async def test_the_health_check_answers_without_a_signature(slack: SlackHarness) -> None:
    async with slack.http.get(slack.url + "/healthz") as response:
        assert (response.status, await response.text()) == (200, "ok")
