"""Serving the pages on their own (`buddy web`, the console): an aiohttp site, no access log."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.web.server import WebPages

log = logging.getLogger(__name__)


async def start_pages(pages: WebPages, *, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Listening on `host`:`port` (0: a free port); the runner to clean up, and the port.

    No access log: a request line carries its link's token, which must stay out of logs."""
    runner = web.AppRunner(pages.web_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("web pages: listening on http://%s:%d", host, site.port)
    return runner, site.port
