"""The web app: Slack's signed requests handed to Bolt, health, metrics and the OAuth pages."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.adapters.slack.config import (
    EVENTS_PATH,
    HEALTH_PATH,
    METRICS_PATH,
    SlackConfig,
    SlackPorts,
)
from bot.adapters.slack.edge import replay_key, signed_by_slack, well_formed
from bot.core.ports import SignedRequest

log = logging.getLogger(__name__)

ACK_SENT = "buddy_ack_sent"  # in a request's Bolt context: set once the HTTP answer is written
ACK_GIVEN = "buddy_ack_given"  # in a request's Bolt context: set once a listener has acked
REPLAY_KEY = "buddy_replay_key"  # in a signed request's Bolt context: what identifies a replay


class WebEdge:
    """The aiohttp app: Slack's signed requests handed to Bolt, health, metrics, OAuth pages."""

    config: SlackConfig
    app: AsyncApp
    _ports: SlackPorts

    def web_app(self) -> web.Application:
        """Slack's requests at /slack/events, health at /healthz, metrics at /metrics, and the
        OAuth install pages."""
        application = web.Application()
        application.router.add_post(EVENTS_PATH, self._slack_request)
        application.router.add_get(HEALTH_PATH, _healthz)
        if self._ports.metrics_page is not None:
            application.router.add_get(METRICS_PATH, self._metrics)
        flow = self.app.oauth_flow
        if flow is not None:
            application.router.add_get(flow.install_path, self._oauth_page)
            application.router.add_get(flow.redirect_uri_path, self._oauth_page)
        if self._ports.add_pages is not None:
            self._ports.add_pages(application)
        return application

    async def _slack_request(self, request: web.Request) -> web.StreamResponse:
        """Bolt's answer (the ack) is written out before the work after the ack may start:
        that work competes for the interpreter, and Slack waits only 3 s for the ack.

        Nothing is parsed before the signature is checked (401), a signed body the listeners
        can't read is a 400, and a replayed signed request is answered but runs nothing.
        """
        raw = await request.read()
        if not signed_by_slack(raw, request.headers, secret=self.config.signing_secret):
            return web.json_response({"error": "invalid request"}, status=401)
        sent, given = asyncio.Event(), asyncio.Event()
        try:
            bolt_request = AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
                context={ACK_SENT: sent, ACK_GIVEN: given, REPLAY_KEY: replay_key(request.headers)},
            )
            readable = well_formed(bolt_request.body)
        except Exception:  # what Slack signed but no listener could read: never a traceback
            readable = False
        if not readable:
            log.warning("refused a malformed signed Slack request")
            return web.json_response({"error": "malformed request"}, status=400)
        try:
            response = await to_aiohttp_response(await self._dispatch(bolt_request, given))
            await response.prepare(request)
            await response.write_eof()
            return response
        finally:
            sent.set()

    async def _replayed(self, context: AsyncBoltContext) -> bool:
        """Whether this signed request ran before, for work that runs no command (a form
        opening): asked after the ack, so a slow database never delays it, and answered like any
        other, so a replay learns nothing. A command records its request in its own transaction
        (`signed_request`)."""
        once = signed_request(context)
        if self._ports.requests is None or once is None:
            return False  # Socket Mode: Slack's own connection, nothing to replay
        first = await asyncio.to_thread(
            self._ports.requests.first_seen, once.digest, signed_at=once.signed_at
        )
        if not first:
            log.info("dropped a replayed Slack request")
        return not first

    async def _dispatch(self, request: AsyncBoltRequest, given: asyncio.Event) -> BoltResponse:
        """Bolt's answer: a listener's ack as soon as it is given. Bolt itself looks for the ack
        every 10 ms, which an answer in the ack would wait for; its dispatch then ends in the
        background with that same response."""
        dispatch = asyncio.ensure_future(self.app.async_dispatch(request))
        acked = asyncio.ensure_future(given.wait())
        await asyncio.wait({dispatch, acked}, return_when=asyncio.FIRST_COMPLETED)
        acked.cancel()
        ack = request.context.ack
        if dispatch.done() or ack is None or ack.response is None:
            return await dispatch
        self._in_background(_ended(dispatch))
        return ack.response

    def _in_background(self, work: Awaitable[None]) -> None:
        raise NotImplementedError  # the listeners keep the tasks (see Listeners)

    async def _metrics(self, request: web.Request) -> web.Response:
        assert self._ports.metrics_page is not None  # the route exists only with a page
        token = self.config.metrics_token
        if token:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return web.Response(
                    status=401, text="unauthorized", headers={"WWW-Authenticate": "Bearer"}
                )
        body, content_type = self._ports.metrics_page()
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type  # with its version parameter
        return response

    async def _oauth_page(self, request: web.Request) -> web.Response:
        flow = self.app.oauth_flow
        assert flow is not None  # the route exists only with a flow
        bolt_request = await to_bolt_request(request)
        if request.path == flow.install_path:
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _ended(dispatch: Awaitable[BoltResponse | None]) -> None:
    await dispatch


def signed_request(context: AsyncBoltContext) -> SignedRequest | None:
    """The signed request to run once (None over Socket Mode: Slack's own connection)."""
    key = context.get(REPLAY_KEY)
    return None if key is None else SignedRequest(digest=key[0], signed_at=key[1])


async def ack_sent(context: AsyncBoltContext) -> None:
    """Say the ack is given (the edge then sends it at once) and wait until Slack has it (over
    Socket Mode the handler sends it: nothing to wait for)."""
    given, sent = context.get(ACK_GIVEN), context.get(ACK_SENT)
    if isinstance(given, asyncio.Event):
        given.set()
    if isinstance(sent, asyncio.Event):
        await sent.wait()
