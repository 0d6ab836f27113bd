"""Serving the pages on their own (`buddy web`, the console): an aiohttp site, no access log."""

from __future__ import annotations

import logging
import socket
from typing import Protocol

from aiohttp import web

log = logging.getLogger(__name__)


class PageRoutes(Protocol):
    """The pages (`WebPages`), or their stand-in that builds them when first opened."""

    def add_routes(self, application: web.Application) -> None: ...


async def start_pages(pages: PageRoutes, *, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Listening on `host`:`port` (0: a free port); the runner to clean up, and the port."""
    runner = await _runner(pages)
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("web pages: listening on http://%s:%d", host, site.port)
    return runner, site.port


async def start_pages_on(pages: PageRoutes, listening: socket.socket) -> web.AppRunner:
    """Serving on a socket already listening (the console's); the runner to clean up."""
    runner = await _runner(pages)
    await web.SockSite(runner, listening).start()
    return runner


async def _runner(pages: PageRoutes) -> web.AppRunner:
    """No access log: a request line carries its link's token, which must stay out of logs."""
    application = web.Application()
    pages.add_routes(application)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    return runner
