"""The pages over HTTP without a browser: what a link opens, what it refuses (403, saying why),
the CSV files, and that a member's page holds nobody else's data."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp.test_utils import TestClient

from bot.core.identity import Channel
from tests.web.community import (
    ANA,
    ANA_ELSEWHERE,
    BEN,
    BOARD_GAMES,
    ELSEWHERE_EVENT,
    EXPECTED,
    LIA,
    LOBBY,
    NAMES,
    NOW,
    ORGANISER,
    POTTERY,
    SECRETS,
    Community,
)
from tests.web.pages import channel_options, csv_rows, tables_in

Client = TestClient[Any, Any]


def path_of(link: str) -> str:
    """The link as the test server is asked for it (the same path and query)."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["t"][0]


def expected_rows(key: str) -> list[tuple[str, list[str]]]:
    wanted = EXPECTED[key]
    return list(wanted) if isinstance(wanted, list) else list(wanted.items())


def shown(rows: list[tuple[str, list[str]]], key: str) -> list[tuple[str, list[str]]]:
    """The rows of a weekly table for the weeks the expectation names, in order."""
    if key == "pairing":
        return rows
    weeks = dict(EXPECTED[key])  # type: ignore[arg-type]
    return [(label, cells) for label, cells in rows if label in weeks]


async def get(client: Client, link: str) -> tuple[int, str]:
    """The status and the page's text as a browser shows it (entities read)."""
    response = await client.get(path_of(link))
    return response.status, html.unescape(await response.text())


async def test_an_organisers_link_opens_the_dashboard_with_the_numbers_the_store_holds(
    world: Community, client: Client
) -> None:
    status, page = await get(client, world.link("dashboard", by=ORGANISER))
    assert status == 200
    tables = tables_in(page)
    for key in EXPECTED:
        assert shown(tables[key], key) == expected_rows(key), key
    # Aggregates only: no member's name, note or typed words; events by their public titles.
    for name in (*NAMES.values(), "Rust meetup", "slides", SECRETS[BEN], ELSEWHERE_EVENT):
        assert not re.search(rf"\b{name}\b", page), name
    assert POTTERY in page and BOARD_GAMES in page


async def test_each_csv_download_holds_its_tables_numbers(world: Community, client: Client) -> None:
    link = world.link("dashboard", by=ORGANISER)
    _, page = await get(client, link)
    tables = tables_in(page)
    for key in EXPECTED:
        response = await client.get(f"/dashboard/{key}.csv?t={token_of(link)}")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in response.headers["Content-Disposition"]
        assert csv_rows(await response.text()) == tables[key]


async def test_a_member_who_is_not_an_organiser_gets_no_dashboard_link(world: Community) -> None:
    reply = world.say("dashboard", by=ANA)
    assert "Only organisers can open the community dashboard" in reply
    pending = world.buddy.outbox_queue.claim_due(
        platform=ANA.platform, now=world.clock.now(), limit=100, lease=timedelta(minutes=1)
    )
    assert pending == []  # nothing sent, nothing queued


async def test_a_forged_link_gets_403_and_a_page_saying_it_is_not_valid(
    world: Community, client: Client
) -> None:
    status, page = await get(client, "/dashboard?t=eyJwIjoic2xhY2sifQ.forged.signature")
    assert status == 403
    assert "This link is not valid" in page
    status, _ = await get(client, "/dashboard")
    assert status == 403


async def test_an_altered_link_gets_403_as_not_valid(world: Community, client: Client) -> None:
    link = world.link("dashboard", by=ORGANISER)
    token = token_of(link)
    payload, stamp, signature = token.rsplit(".", 2)
    altered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    status, page = await get(client, f"/dashboard?t={altered}.{stamp}.{signature}")
    assert status == 403
    assert "This link is not valid" in page


async def test_a_link_to_ones_own_page_does_not_open_the_dashboard(
    world: Community, client: Client
) -> None:
    link = world.link("me", by=ORGANISER)
    status, page = await get(client, f"/dashboard?t={token_of(link)}")
    assert status == 403
    assert "This link is not valid" in page


async def test_a_link_expires_after_a_day_and_says_so(world: Community, client: Client) -> None:
    link = world.link("dashboard", by=ORGANISER)
    world.clock.advance(timedelta(hours=23, minutes=59))
    assert (await get(client, link))[0] == 200
    world.clock.advance(timedelta(minutes=2))
    status, page = await get(client, link)
    assert status == 403
    assert "This link has expired" in page


async def test_dashboard_revoke_ends_every_link_sent_before_it(
    world: Community, client: Client
) -> None:
    first = world.link("dashboard", by=ORGANISER)
    world.clock.advance(timedelta(minutes=1))
    assert "no longer opens" in world.say("dashboard revoke", by=ORGANISER, organiser=True)
    status, page = await get(client, first)
    assert status == 403
    assert "This link was revoked" in page
    world.clock.advance(timedelta(seconds=1))
    assert (await get(client, world.link("dashboard", by=ORGANISER)))[0] == 200


async def test_a_channel_with_events_but_no_pairing_can_be_chosen_for_its_events(
    world: Community, client: Client
) -> None:
    world.clock.set(NOW - timedelta(days=1))
    talks = Channel(LOBBY.platform, LOBBY.workspace_id, "CTALKS")
    world.say('event "Lightning talks" today 5pm', by=ORGANISER, organiser=True, channel=talks)
    world.clock.set(NOW)
    link = world.link("dashboard", by=ORGANISER)
    response = await client.get(path_of(link))
    # Announced before names were kept (the platform said none): a neutral label, not its id.
    assert channel_options(await response.text()) == [
        ("CLOBBY", "#lobby"),
        ("CTALKS", "a channel (events only)"),
    ]
    _, first = await get(client, link)
    assert "Lightning talks" not in first  # offered, the lobby shown
    status, page = await get(client, link + "&channel=CTALKS")
    assert status == 200
    tables = tables_in(page)
    assert "pairing" not in tables and "This channel has no pairing" in page
    assert tables["events"] == [("Lightning talks (2026-11-25)", ["<5", "<5", "<5"])]
    _, unknown = await get(client, link + "&channel=CNOWHERE")
    assert "That channel has no pairing or events here" in unknown


async def test_an_events_channel_is_shown_by_the_name_it_had_when_announced_or_edited(
    world: Community, client: Client
) -> None:
    world.clock.set(NOW - timedelta(days=1))
    talks = Channel(LOBBY.platform, LOBBY.workspace_id, "CTALKS")
    said = world.say(
        'event "Lightning talks" today 5pm',
        by=ORGANISER,
        organiser=True,
        channel=talks,
        channel_name="talks",
    )
    number = re.search(r"as event (\d+)", said)
    assert number is not None
    link = world.link("dashboard", by=ORGANISER)
    response = await client.get(path_of(link))
    assert ("CTALKS", "#talks") in channel_options(await response.text())
    # Renamed since, with markup in its name: the edit in the channel brings the new name,
    # shown as text (escaped), never as markup.
    renamed = "<b>talks</b> & demos"
    world.say(
        f"event edit {number[1]} at Hall B",
        by=ORGANISER,
        organiser=True,
        channel=talks,
        channel_name=renamed,
    )
    # Another announced with no name from the platform: the latest name stays.
    world.say('event "Demo day" today 6pm', by=ORGANISER, organiser=True, channel=talks)
    world.clock.set(NOW)
    response = await client.get(path_of(world.link("dashboard", by=ORGANISER)))
    raw = await response.text()
    assert channel_options(raw) == [("CLOBBY", "#lobby"), ("CTALKS", f"#{renamed}")]
    assert "<b>talks" not in raw and "&lt;b&gt;talks&lt;/b&gt; &amp; demos" in raw


async def test_a_dashboard_link_of_someone_no_longer_an_organiser_gets_403_saying_why(
    world: Community, client: Client
) -> None:
    link = world.link("dashboard", by=ORGANISER)
    assert (await get(client, link))[0] == 200
    # A DM carries no rights on Discord: one there changes nothing.
    world.say("stats", by=ORGANISER, organiser=False)
    assert (await get(client, link))[0] == 200
    # The platform says in a channel she is no organiser any more: the same link, refused.
    world.say("events", by=ORGANISER, organiser=False, channel=LOBBY)
    status, page = await get(client, link)
    assert status == 403
    assert "You are no longer an organiser" in page
    assert tables_in(page) == {}  # no figure at all
    csv = await client.get(f"/dashboard/events.csv?t={token_of(link)}")
    assert csv.status == 403
    # Made an organiser again, she opens it again: the check is made at every opening.
    world.say("events", by=ORGANISER, organiser=True, channel=LOBBY)
    assert (await get(client, link))[0] == 200


async def test_a_members_link_after_forget_me_shows_nothing_of_them(
    world: Community, client: Client
) -> None:
    link = world.link("me", by=ANA)
    assert "the Rust meetup" in (await get(client, link))[1]
    world.clock.advance(timedelta(minutes=1))
    world.say("forget-me confirm", by=ANA)
    status, page = await get(client, link)
    assert status == 403
    assert "Nothing here" in page and "forget-me" in page
    assert "Lia" not in page and "Rust meetup" not in page
    export = await client.get(f"/me/buddy-export.json?t={token_of(link)}")
    assert export.status == 403
    # Back with a fresh start, she gets a new link; the old one still shows nothing.
    world.clock.advance(timedelta(minutes=1))
    world.say('met "Zoe Quinn" at the pottery class', by=ANA)
    assert (await get(client, link))[0] == 403
    status, page = await get(client, world.link("me", by=ANA))
    assert status == 200 and "Zoe Quinn" in page and "Rust meetup" not in page


async def test_me_revoke_ends_only_that_members_links(world: Community, client: Client) -> None:
    anas, bens = world.link("me", by=ANA), world.link("me", by=BEN)
    world.clock.advance(timedelta(seconds=1))
    world.say("me revoke", by=ANA)
    assert (await get(client, anas))[0] == 403
    assert (await get(client, bens))[0] == 200


async def test_a_members_page_shows_their_people_and_promises_and_nobody_elses(
    world: Community, client: Client
) -> None:
    world.say("promise <@U12> the recording by friday 5pm", by=ANA)
    status, page = await get(client, world.link("me", by=ANA))
    assert status == 200
    assert "Lia" in page and "the Rust meetup" in page and "the recording" in page
    assert "Fri 27 Nov 2026, 17:00" in page  # due, in her time zone
    for secret in SECRETS.values():
        assert secret not in page
    assert "the slides" in page  # her own kept promise, on Lia's timeline


async def test_the_same_user_id_in_another_workspace_sees_only_their_own_page(
    world: Community, client: Client
) -> None:
    status, page = await get(client, world.link("me", by=ANA_ELSEWHERE))
    assert status == 200
    assert SECRETS[ANA_ELSEWHERE] in page
    assert SECRETS[BEN] not in page
    assert "the Rust meetup" not in page  # Ana of T1's meeting


async def test_search_keeps_the_people_and_entries_that_match(
    world: Community, client: Client
) -> None:
    world.say('met "Zoe Quinn" at the pottery class', by=ANA)
    link = world.link("me", by=ANA)
    _, everything = await get(client, link)
    assert "Zoe Quinn" in everything and "Lia" in everything
    _, found = await get(client, link + "&q=pottery")
    assert "Zoe Quinn" in found
    assert "Lia" not in found


async def test_the_export_downloads_the_members_own_data(world: Community, client: Client) -> None:
    link = world.link("me", by=BEN)
    response = await client.get(f"/me/buddy-export.json?t={token_of(link)}")
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(await response.text())
    assert data["member"]["user"] == BEN.user_id
    assert [n["text"] for n in data["notes"]] == [SECRETS[BEN]]
    refused = await client.get(f"/me/buddy-export.json?t={token_of(link)}x")
    assert refused.status == 403


async def test_an_unreadable_period_is_said_and_the_default_shown(
    world: Community, client: Client
) -> None:
    link = world.link("dashboard", by=ORGANISER)
    status, page = await get(client, link + "&from=yesterday&weeks=900")
    assert status == 200
    assert "I couldn't read the date" in page
    assert "A period is 1 to 52 weeks" in page
    assert shown(tables_in(page)["active"], "active") == expected_rows("active")


async def test_pages_forbid_scripts_frames_and_referrers(world: Community, client: Client) -> None:
    response = await client.get(path_of(world.link("me", by=LIA)))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "<script" not in await response.text()
