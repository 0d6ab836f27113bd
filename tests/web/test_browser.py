"""The pages in a real browser: headless Chromium against `buddy web`'s own server."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.web.serve import start_pages
from tests.web.browser import DOCS, OUTPUT, launched, need_chromium
from tests.web.community import (
    ANA,
    ANA_ELSEWHERE,
    BEN,
    BOARD_GAMES,
    ELSEWHERE_EVENT,
    EXPECTED,
    LOBBY,
    NAMES,
    ORGANISER,
    POTTERY,
    SECRETS,
    UPCOMING,
    Community,
)
from tests.web.pages import Rows

WIDTHS = (375, 1280)


@pytest.fixture
async def site(world: Community) -> AsyncIterator[Community]:
    """The pages served on a free local port, the links pointing there."""
    pages = world.buddy.web_pages()
    assert pages is not None and world.buddy.links is not None
    runner, port = await start_pages(pages, host="127.0.0.1", port=0)
    world.buddy.links.base_url = f"http://127.0.0.1:{port}"
    try:
        yield world
    finally:
        await runner.cleanup()
        world.buddy.engine.dispose()


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    need_chromium()
    async for browser in launched():
        context = await browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        yield await context.new_page()
        await context.close()


async def table_rows(section: Any) -> Rows:
    rows = []
    for row in await section.locator("tbody tr").all():
        cells = [c.strip() for c in await row.locator("th, td").all_inner_texts()]
        if len(cells) > 1:
            rows.append((cells[0], cells[1:]))
    return rows


def wanted(key: str) -> Rows:
    value = EXPECTED[key]
    return list(value) if isinstance(value, list) else list(value.items())


def of_named_weeks(rows: Rows, key: str) -> Rows:
    if key == "pairing":
        return rows
    weeks = {label for label, _ in wanted(key)}
    return [row for row in rows if row[0] in weeks]


async def test_every_chart_renders_the_numbers_its_table_and_csv_hold(
    site: Community, page: Any, tmp_path: Any
) -> None:
    response = await page.goto(site.link("dashboard", by=ORGANISER))
    assert response.status == 200
    sections = page.locator("section.figure")
    # pairing, events, intros, gives and asks, promises, active
    assert await sections.count() == 6
    for index in range(await sections.count()):
        section = sections.nth(index)
        key = await section.get_attribute("id")
        svg = section.locator(".chart svg")
        assert await svg.count() == 1, key
        assert await svg.bounding_box() is not None  # drawn, with a size
        rows = await table_rows(section)
        if key in EXPECTED:
            assert of_named_weeks(rows, key) == wanted(key), key
        # The chart draws exactly the table's figures that are not hidden ("<5" is a gap).
        drawn = sorted(await svg.locator("desc.value").all_text_contents())
        charted = await section.get_attribute("data-charted")
        columns = [int(c) for c in (charted or "").split(",") if c]
        shown = sorted(cells[c] for _, cells in rows for c in columns if cells[c] != "<5")
        assert drawn == shown, key
        # The CSV download holds the same rows.
        async with page.expect_download() as event:
            await section.get_by_text("Download these numbers (CSV)").click()
        download = await event.value
        saved = tmp_path / f"{key}.csv"
        await download.save_as(saved)
        with saved.open(newline="") as file:
            assert [(r[0], r[1:]) for r in list(csv.reader(file))[1:]] == rows, key


async def test_events_show_their_public_titles_and_counts_but_nobody_who_went(
    site: Community, page: Any
) -> None:
    await page.goto(site.link("dashboard", by=ORGANISER))
    events = page.locator("section#events")
    assert await table_rows(events) == wanted("events")
    assert await events.locator(".chart svg desc.value").all_text_contents() == ["8", "6", "7"]
    everything = await page.text_content("body")  # the charts' hidden labels too
    assert POTTERY in everything and BOARD_GAMES in everything
    assert UPCOMING not in everything  # not held yet
    assert ELSEWHERE_EVENT not in everything  # another workspace's, in a same-named channel
    for name in NAMES.values():
        assert not re.search(rf"\b{name}\b", everything), name


async def test_a_forged_expired_revoked_or_no_longer_organisers_link_gets_a_403_saying_why(
    site: Community, page: Any
) -> None:
    link = site.link("dashboard", by=ORGANISER)
    forged = link.split("?t=")[0] + "?t=not.a.link"
    response = await page.goto(forged)
    assert response.status == 403
    assert "This link is not valid" in await page.inner_text("main")
    site.clock.advance(timedelta(hours=25))
    response = await page.goto(link)
    assert response.status == 403
    assert "This link has expired" in await page.inner_text("main")
    fresh = site.link("dashboard", by=ORGANISER)
    site.clock.advance(timedelta(seconds=1))
    site.say("dashboard revoke", by=ORGANISER, organiser=True)
    response = await page.goto(fresh)
    assert response.status == 403
    assert "This link was revoked" in await page.inner_text("main")
    # Checked when opened: the platform no longer says she is an organiser.
    site.clock.advance(timedelta(seconds=1))
    newest = site.link("dashboard", by=ORGANISER)
    site.say("events", by=ORGANISER, organiser=False, channel=LOBBY)
    response = await page.goto(newest)
    assert response.status == 403
    assert "You are no longer an organiser" in await page.inner_text("main")


async def test_a_members_page_holds_their_network_and_nothing_private_of_anyone_else(
    site: Community, page: Any
) -> None:
    site.say("promise <@U12> the recording by friday 5pm", by=ANA)
    await page.goto(site.link("me", by=ANA))
    text = await page.inner_text("body")
    assert "Lia" in text and "the recording" in text and "Fri 27 Nov 2026, 17:00" in text
    for secret in SECRETS.values():
        assert secret not in await page.text_content("body")
    await page.locator("details.person summary").first.click()
    details = await page.inner_text("details.person")
    assert "first met: at the Rust meetup" in details and "Met: at the Rust meetup" in details
    # The search box works without script: a GET form, answered by the server.
    await page.fill("input[name=q]", "recording")
    await page.click("button[type=submit]")
    assert "q=recording" in page.url
    assert "the recording" in await page.inner_text("#promises")
    assert "the slides" not in await page.inner_text("#promises")
    # The same user id in another workspace: their own page, none of Ana's.
    await page.goto(site.link("me", by=ANA_ELSEWHERE))
    everything = await page.text_content("body")  # folded timelines too
    assert SECRETS[ANA_ELSEWHERE] in everything
    assert "the Rust meetup" not in everything and SECRETS[BEN] not in everything


@pytest.mark.parametrize("width", WIDTHS)
async def test_both_pages_fit_the_screen_without_sideways_scrolling(
    site: Community, page: Any, width: int
) -> None:
    await page.set_viewport_size({"width": width, "height": 900})
    site.say("promise <@U12> the recording of the very long talk about ownership by friday", by=ANA)
    OUTPUT.mkdir(exist_ok=True)
    for name, link in (
        ("dashboard", site.link("dashboard", by=ORGANISER)),
        ("member-page", site.link("me", by=ANA)),
    ):
        await page.goto(link)
        if name == "member-page":
            await page.locator("details.person summary").first.click()
        fits = await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} scrolls sideways at {width} px"
        shot = OUTPUT / f"{name}-{width}.png"
        await page.screenshot(path=str(shot), full_page=True)
        if width == 1280 and not (DOCS / shot.name).exists():
            DOCS.mkdir(exist_ok=True)
            shutil.copyfile(shot, DOCS / shot.name)  # once: the README's copies
