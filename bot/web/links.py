"""Signed, expiring, revocable links (itsdangerous), one salt per kind of page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from bot.core.identity import Member, Platform
from bot.core.ports import UnitOfWorkFactory
from bot.core.web_links import MAX_LIFETIME, REVOKED, LinkKind, revocation_seat, revoked

TOKEN = "t"  # the query parameter a link's token travels in (access logs leave queries out)
PATHS = {LinkKind.DASHBOARD: "/dashboard", LinkKind.ME: "/me"}


class Refusal(StrEnum):
    """Why a link does not open; each has its own page (403)."""

    EXPIRED = "expired"
    INVALID = "invalid"
    REVOKED = "revoked"
    ERASED = "erased"  # the member ran forget-me after it was issued: nothing of them shows
    # A dashboard link whose organiser the platform no longer says is one.
    NOT_ORGANISER = "not-organiser"


@dataclass(frozen=True)
class Opened:
    """A link that checked out: whose it is (the organiser, for a dashboard)."""

    kind: LinkKind
    member: Member


class SignedLinks:
    """Issues links (the core's `LinkIssuer`) and opens them.

    `keys`: BUDDY_SECRET_KEY's keys, the first signing and every one checking, so keys rotate
    as they do for stored secrets. `base_url` is settable: the console learns its port late.
    """

    def __init__(
        self,
        *,
        keys: Sequence[str],
        base_url: str,
        lifetime: timedelta,
        revocations: UnitOfWorkFactory,
    ) -> None:
        if not keys:
            raise ValueError("signed links need at least one key")
        if not timedelta(minutes=1) <= lifetime <= MAX_LIFETIME:
            raise ValueError("a link lives between a minute and 30 days")
        self._keys = [key.encode() for key in reversed(keys)]  # itsdangerous signs with the last
        self.base_url = base_url.rstrip("/")
        self._lifetime = lifetime
        self._uow_factory = revocations

    @property
    def lifetime(self) -> timedelta:
        return self._lifetime

    def issue(self, kind: LinkKind, member: Member, *, now: datetime) -> str:
        payload = {"p": member.platform.value, "w": member.workspace_id, "u": member.user_id}
        # The instant, to the microsecond, for revocation; the signer's own (whole seconds)
        # for expiry.
        payload["at"] = now.astimezone(UTC).isoformat()
        token = self._serializer(kind, now).dumps(payload)
        return f"{self.base_url}{PATHS[kind]}?{urlencode({TOKEN: token})}"

    def open(self, kind: LinkKind, token: str, *, now: datetime) -> Opened | Refusal:
        """Whose link this is, or why it does not open (forged, altered, of another kind,
        expired or revoked)."""
        serializer = self._serializer(kind, now)
        try:
            data = serializer.loads(token, max_age=int(self._lifetime.total_seconds()))
        except SignatureExpired:
            return Refusal.EXPIRED
        except BadSignature:
            return Refusal.INVALID
        opened = _opened(kind, data)
        if opened is None:
            return Refusal.INVALID
        issued_at, member = opened
        seat = revocation_seat(kind, member)
        # Checked now, not only when issued: revocations, forget-me, and organiser status.
        with self._uow_factory() as uow:
            ended = uow.usage.recent(seat, kind=REVOKED[kind], since=now - MAX_LIFETIME)
            since = uow.profiles.since(member)
            profile = uow.profiles.get(member)
        if revoked(issued_at, ended):
            return Refusal.REVOKED
        # Erased since (forget-me wipes their revocations too): a profile made afterwards is
        # a new start, which no older link reaches.
        if since is None or profile is None or since > issued_at:
            return Refusal.ERASED
        if kind is LinkKind.DASHBOARD and not profile.organiser:
            return Refusal.NOT_ORGANISER
        return Opened(kind, member)

    def _serializer(self, kind: LinkKind, now: datetime) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            self._keys, salt=f"buddy.link.{kind.value}", signer=_signer_at(now)
        )


def _signer_at(now: datetime) -> type[TimestampSigner]:
    """A signer whose clock is the bot's (tests and the console move it), not the machine's."""
    stamp = int(now.timestamp())

    class Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return stamp

    return Signer


def _opened(kind: LinkKind, data: Any) -> tuple[datetime, Member] | None:
    try:
        member = Member(Platform(data["p"]), str(data["w"]), str(data["u"]))
        issued_at = datetime.fromisoformat(data["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if not member.user_id or issued_at.tzinfo is None:
        return None
    return issued_at, member
