"""Who the integration tests are about, and when."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.identity import Member, Platform

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ANN = Member(Platform.SLACK, "T1", "U_ANN")
BOB = Member(Platform.SLACK, "T1", "U_BOB")
# The same user id as Ann's, in another workspace: a different person as far as the bot knows.
ANN_ELSEWHERE = Member(Platform.SLACK, "T2", "U_ANN")
CARA_ON_DISCORD = Member(Platform.DISCORD, "T1", "U_CARA")
