"""The pages' routes on an aiohttp app, their code (jinja2, pygal) loaded on the first request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from aiohttp import web

from bot.commands.privacy import EXPORT_FILENAME
from bot.core.web_links import LinkKind
from bot.web.links import PATHS

if TYPE_CHECKING:
    from bot.web.server import WebPages

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The dashboard, its tables as CSV, the member page, its export; in `WebPages.handlers` order.
PAGE_PATHS = (
    PATHS[LinkKind.DASHBOARD],
    PATHS[LinkKind.DASHBOARD] + "/{table}.csv",
    PATHS[LinkKind.ME],
    PATHS[LinkKind.ME] + "/" + EXPORT_FILENAME,
)


def add_page_routes(application: web.Application, handlers: Sequence[Handler]) -> None:
    for path, handler in zip(PAGE_PATHS, handlers, strict=True):
        application.router.add_get(path, handler)


class LazyPages:
    """The pages on a process that mostly serves something else (`buddy slack` over HTTP):
    their routes at start, their templates and charts (several MiB) built when first opened."""

    def __init__(self, make: Callable[[], WebPages | None]) -> None:
        self._make = make
        self._pages: WebPages | None = None

    def add_routes(self, application: web.Application) -> None:
        add_page_routes(application, [self._handler(index) for index in range(len(PAGE_PATHS))])

    def _handler(self, index: int) -> Handler:
        async def serve(request: web.Request) -> web.StreamResponse:
            if self._pages is None:
                self._pages = self._make()
                if self._pages is None:  # no key to check links with: no pages
                    raise web.HTTPNotFound()
            return await self._pages.handlers()[index](request)

        return serve
