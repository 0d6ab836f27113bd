"""Who the integration tests are about, and when."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.identity import Channel, Member, Platform

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ANN = Member(Platform.SLACK, "T1", "U_ANN")
BOB = Member(Platform.SLACK, "T1", "U_BOB")
# The same user id as Ann's, in another workspace: a different person as far as the bot knows.
ANN_ELSEWHERE = Member(Platform.SLACK, "T2", "U_ANN")
CARA_ON_DISCORD = Member(Platform.DISCORD, "T1", "U_CARA")
CARA = Member(Platform.SLACK, "T1", "U_CARA")
DEE = Member(Platform.SLACK, "T1", "U_DEE")
LOBBY = Channel(Platform.SLACK, "T1", "C_LOBBY")
OTHER_ROOM = Channel(Platform.SLACK, "T1", "C_OTHER")
