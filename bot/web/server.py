"""The web pages over aiohttp: a link's token checked first, then the page, its CSV or export."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from bot.commands.base import Context
from bot.commands.privacy import EXPORT_FILENAME, export_data
from bot.core.clock import Clock
from bot.core.dashboard import DEFAULT_WEEKS, MAX_WEEKS, DashboardStats, PairingChannelName, Period
from bot.core.identity import Channel, Member
from bot.core.policy import Policy
from bot.core.ports import UnitOfWorkFactory
from bot.core.web_links import LinkKind
from bot.web.charts import chart_svg
from bot.web.figures import Table, events_table, pairing_table, weekly_tables
from bot.web.links import TOKEN, Opened, Refusal, SignedLinks
from bot.web.member import member_page
from bot.web.routes import Handler, add_page_routes

WEEK_CHOICES = (4, 8, 12, 26, 52)
HEADERS = {
    # Inline styles only (the page's and the charts'); no script, no frame, no other origin.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",  # the token is in the address: never sent on
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
REFUSALS = {
    Refusal.EXPIRED: (
        "This link has expired",
        "Links work for a limited time. Ask the bot for a new one: {command}.",
    ),
    Refusal.REVOKED: (
        "This link was revoked",
        "Every link sent before a revoke stops working. Ask the bot for a new one: {command}.",
    ),
    Refusal.INVALID: (
        "This link is not valid",
        "It may have been mistyped or changed. Ask the bot for a new one: {command}.",
    ),
    Refusal.ERASED: (
        "Nothing here",
        "Everything the bot held for this link was erased (forget-me), so it shows nothing. "
        "If you use the bot again, ask it for a new one: {command}.",
    ),
    Refusal.NOT_ORGANISER: (
        "You are no longer an organiser",
        "The dashboard is for organisers, and the platform no longer says you are one. If "
        "that changes, ask the bot for a new link: {command}.",
    ),
}


@dataclass(frozen=True)
class DashboardQuery:
    period: Period
    channel: PairingChannelName | None
    problems: tuple[str, ...]  # what could not be read, said on the page
    # Channels to choose from: those with pairing, then those with events only; each with the
    # label the page shows for it (`labels`, in the same order), never the platform's id.
    channels: tuple[PairingChannelName, ...] = ()
    labels: tuple[str, ...] = ()
    paired: bool = False  # whether the chosen channel has pairing rounds


class WebPages:
    """The dashboard and the member page; add them to any aiohttp app (`add_routes`)."""

    def __init__(
        self,
        *,
        links: SignedLinks,
        uow_factory: UnitOfWorkFactory,
        stats: DashboardStats,
        clock: Clock,
        policy: Policy | None = None,
    ) -> None:
        self.links = links
        self._uow_factory = uow_factory
        self._stats = stats
        self._clock = clock
        self._policy = policy or Policy()
        self._templates = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def handlers(self) -> tuple[Handler, ...]:
        """The page handlers, in `PAGE_PATHS` order."""
        return (self._dashboard, self._csv, self._me, self._export)

    def add_routes(self, application: web.Application) -> None:
        add_page_routes(application, self.handlers())

    def web_app(self) -> web.Application:
        application = web.Application()
        self.add_routes(application)
        return application

    # -- the pages ---------------------------------------------------------------------------

    async def _dashboard(self, request: web.Request) -> web.Response:
        opened = self._open(request, LinkKind.DASHBOARD)
        if isinstance(opened, web.Response):
            return opened
        query, tables = await asyncio.to_thread(self._tables, opened.member, request)
        charts = [(table, chart_svg(table)) for table in tables]
        return self._page(
            "dashboard.html",
            token=request.query[TOKEN],
            query=query,
            charts=charts,
            channels=list(zip(query.channels, query.labels, strict=True)),
            week_choices=WEEK_CHOICES,
            csv_query=_csv_query(request),
        )

    async def _csv(self, request: web.Request) -> web.Response:
        opened = self._open(request, LinkKind.DASHBOARD)
        if isinstance(opened, web.Response):
            return opened
        _, tables = await asyncio.to_thread(self._tables, opened.member, request)
        wanted = request.match_info["table"]
        for table in tables:
            if table.key == wanted:
                return _download(table.csv(), f"{table.key}.csv", "text/csv")
        raise web.HTTPNotFound(text="No such table.")

    async def _me(self, request: web.Request) -> web.Response:
        opened = self._open(request, LinkKind.ME)
        if isinstance(opened, web.Response):
            return opened
        search = request.query.get("q", "")
        now = self._clock.now()

        def read() -> Any:
            with self._uow_factory() as uow:
                return member_page(uow, opened.member, now=now, search=search)

        page = await asyncio.to_thread(read)
        return self._page("member.html", token=request.query[TOKEN], page=page)

    async def _export(self, request: web.Request) -> web.Response:
        opened = self._open(request, LinkKind.ME)
        if isinstance(opened, web.Response):
            return opened
        content = await asyncio.to_thread(self._export_data, opened.member)
        if content is None:
            raise web.HTTPNotFound(text="I hold nothing about you.")
        return _download(content, EXPORT_FILENAME, "application/json")

    # -- helpers -----------------------------------------------------------------------------

    def _open(self, request: web.Request, kind: LinkKind) -> Opened | web.Response:
        token = request.query.get(TOKEN, "")
        opened = self.links.open(kind, token, now=self._clock.now())
        if isinstance(opened, Opened):
            return opened
        title, why = REFUSALS[opened]
        return self._page(
            "refused.html",
            status=403,
            title=title,
            why=why,
            command=kind.value,
            reason=opened.value,
        )

    def _page(self, template: str, *, status: int = 200, **values: Any) -> web.Response:
        html = self._templates.get_template(template).render(**values)
        return web.Response(
            text=html, status=status, content_type="text/html", charset="utf-8", headers=HEADERS
        )

    def _tables(
        self, organiser: Member, request: web.Request
    ) -> tuple[DashboardQuery, list[Table]]:
        query = self._query(organiser, request)
        weeks = self._stats.weeks(organiser.workspace, period=query.period)
        tables = []
        if query.channel is not None:
            channel = query.channel.channel
            if query.paired:
                tables.append(pairing_table(self._stats.rounds(channel, period=query.period)))
            before = self._clock.now()
            tables.append(
                events_table(self._stats.events(channel, period=query.period, before=before))
            )
        return query, [*tables, *weekly_tables(weeks)]

    def _query(self, organiser: Member, request: web.Request) -> DashboardQuery:
        problems = []
        weeks = _number(request.query.get("weeks", ""), default=DEFAULT_WEEKS)
        if weeks is None or not 1 <= weeks <= MAX_WEEKS:
            problems.append(f"A period is 1 to {MAX_WEEKS} weeks: showing {DEFAULT_WEEKS}.")
            weeks = DEFAULT_WEEKS
        today = self._clock.now().date()
        typed = request.query.get("from", "").strip()
        period = Period.ending(today, weeks=weeks)
        if typed:
            try:
                period = Period(date.fromisoformat(typed), weeks)
            except ValueError:
                problems.append(
                    f"I couldn't read the date “{typed[:20]}” (use 2026-01-31): showing the "
                    f"{weeks} weeks up to today."
                )
        with_events = list(self._stats.event_channels(organiser.workspace))
        named = {c.channel: c.name for c in with_events}
        # A pairing channel set up before names were kept takes the name its events have.
        paired = [
            replace(c, name=c.name or named.get(c.channel, ""))
            for c in self._stats.pairing_channels(organiser.workspace)
        ]
        known = {c.channel for c in paired}
        channels = paired + [c for c in with_events if c.channel not in known]
        wanted = request.query.get("channel", "")
        chosen = next((c for c in channels if c.channel.channel_id == wanted), None)
        if chosen is None and channels:
            if wanted:
                problems.append(
                    "That channel has no pairing or events here: showing the first one."
                )
            chosen = channels[0]
        return DashboardQuery(
            period=period,
            channel=chosen,
            problems=tuple(problems),
            channels=tuple(channels),
            labels=channel_labels(channels, paired=known),
            paired=chosen is not None and chosen.channel in known,
        )

    def _export_data(self, member: Member) -> str | None:
        with self._uow_factory() as uow:
            profile = uow.profiles.get(member)
            if profile is None:
                return None
            ctx = Context(
                uow=uow, invoker=member, profile=profile, now=self._clock.now(), policy=self._policy
            )
            return json.dumps(export_data(ctx), ensure_ascii=False, indent=2)


def channel_labels(
    channels: Sequence[PairingChannelName], *, paired: Set[Channel]
) -> tuple[str, ...]:
    """ "#name" as the platform named each channel; one it never named (events or pairing from
    before names were kept) gets a neutral label, numbered when several share it."""

    def neutral(c: PairingChannelName) -> str:
        return "a channel with pairing" if c.channel in paired else "a channel (events only)"

    total = Counter(neutral(c) for c in channels if not c.name)
    seen: Counter[str] = Counter()
    labels = []
    for c in channels:
        if c.name:
            labels.append(f"#{c.name}")
            continue
        label = neutral(c)
        seen[label] += 1
        labels.append(label if total[label] == 1 else f"{label}, {seen[label]}")
    return tuple(labels)


def _number(text: str, *, default: int) -> int | None:
    if not text.strip():
        return default
    try:
        return int(text)
    except ValueError:
        return None


def _csv_query(request: web.Request) -> str:
    """The page's own query (token, period, channel), for its CSV links."""
    return request.query_string


def _download(content: str, filename: str, content_type: str) -> web.Response:
    return web.Response(
        text=content,
        content_type=content_type,
        charset="utf-8",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )
