"""Serving the pages on their own (`buddy web`, the console): an aiohttp site, no access log."""

from __future__ import annotations

import logging
from typing import Protocol

from aiohttp import web

log = logging.getLogger(__name__)


class PageRoutes(Protocol):
    """The pages (`WebPages`), or their stand-in that builds them when first opened."""

    def add_routes(self, application: web.Application) -> None: ...


async def start_pages(pages: PageRoutes, *, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Listening on `host`:`port` (0: a free port); the runner to clean up, and the port.

    No access log: a request line carries its link's token, which must stay out of logs."""
    application = web.Application()
    pages.add_routes(application)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("web pages: listening on http://%s:%d", host, site.port)
    return runner, site.port
