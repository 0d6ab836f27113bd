"""The console serves the pages on a port of this machine: a member's link opens there, and a
forged one gets 403, although the pages' code loads only when the first page is asked for."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bot.adapters.console.render import console_member
from bot.app import build
from bot.cli import _console_pages
from bot.commands.base import CommandInput
from bot.config import Settings
from bot.core.web_links import LinkKind
from tests.fakes import ManualClock

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def test_a_member_link_opens_on_the_console_s_local_port(tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    settings = Settings(database_url=f"sqlite:///{tmp_path}/buddy.sqlite3")
    buddy = build(settings, clock=clock, link_keys=(secrets.token_urlsafe(32),))
    ana = console_member("@ana")
    buddy.service.run(CommandInput(text="offer maps and GIS", invoker=ana))
    runner = await _console_pages(buddy)
    assert runner is not None and buddy.links is not None
    try:
        link = buddy.links.issue(LinkKind.ME, ana, now=clock.now())
        assert link.startswith("http://localhost:")
        async with aiohttp.ClientSession() as http:
            async with http.get(link.replace("localhost", "127.0.0.1", 1)) as response:
                assert response.status == 200
                assert "Your network" in await response.text()
            forged = link.split("?")[0].replace("localhost", "127.0.0.1", 1) + "?t=forged"
            async with http.get(forged) as response:
                assert response.status == 403
                assert "This link is not valid" in await response.text()
    finally:
        await runner.cleanup()
        buddy.engine.dispose()
