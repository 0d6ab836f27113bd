"""The console's pages: their port taken at start, their server started by the first visit."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from bot.web.server import WebPages

log = logging.getLogger(__name__)


class PagesOnFirstVisit:
    """A port listening on `host` from the start, so links can name it, while the web server
    (aiohttp, a few hundred ms of imports) starts only when a browser first connects: the
    console's prompt comes sooner, and the kernel holds that first connection until the server
    accepts it. Made inside the running event loop."""

    def __init__(self, make: Callable[[], WebPages | None], *, host: str) -> None:
        self._make = make
        self._socket = socket.create_server((host, 0))
        self._socket.setblocking(False)
        self.port: int = self._socket.getsockname()[1]
        self._runner: web.AppRunner | None = None
        self._starting: asyncio.Task[None] | None = None
        asyncio.get_running_loop().add_reader(self._socket.fileno(), self._first_visit)

    def _first_visit(self) -> None:
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._socket.fileno())
        self._starting = loop.create_task(self._start())

    async def _start(self) -> None:
        from bot.web.routes import LazyPages
        from bot.web.serve import start_pages_on

        try:
            self._runner = await start_pages_on(LazyPages(self._make), self._socket)
        except Exception:
            log.exception("web pages: could not start")
            raise

    async def cleanup(self) -> None:
        if self._starting is None:
            asyncio.get_running_loop().remove_reader(self._socket.fileno())
            self._socket.close()
            return
        await asyncio.gather(self._starting, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
        self._socket.close()
