"""Fixed vocabularies are enums whose values are what stored rows already hold."""

from __future__ import annotations

from bot.core.effects import (
    INTRODUCTIONS,
    DirectMessage,
    EffectKind,
    GroupIntro,
    effect_from_json,
    effect_to_json,
)
from bot.core.identity import Member, Platform
from bot.core.message import text_message
from bot.core.ports import OutboxStatus
from bot.delivery import DeliveryOutcome


def test_each_vocabulary_keeps_the_values_rows_and_logs_already_hold() -> None:
    assert [s.value for s in OutboxStatus] == ["pending", "sent", "dead"]
    assert [k.value for k in EffectKind] == ["dm", "post", "group"]
    assert {p.value for p in Platform} == {"console", "slack", "discord"}
    assert {o.value for o in DeliveryOutcome} == {
        "sent",
        "fanned_out",
        "held",
        "released",
        "rate_limited",
        "permanent_failure",
        "retry",
        "dead_letter",
    }


def test_a_payload_queued_before_the_enums_still_reads() -> None:
    stored = {
        "kind": "dm",
        "to": {"platform": "slack", "workspace": "T1", "user": "U1"},
        "message": effect_to_json(
            DirectMessage(Member(Platform.SLACK, "T1", "U1"), text_message("hi"))
        )["message"],
    }
    effect = effect_from_json(stored)
    assert effect == DirectMessage(Member(Platform.SLACK, "T1", "U1"), text_message("hi"))
    assert effect_to_json(effect) == stored


def test_a_group_queued_before_groups_had_titles_reads_as_an_introduction() -> None:
    members = (Member(Platform.DISCORD, "G1", "1"), Member(Platform.DISCORD, "G1", "2"))
    pairing = GroupIntro(members, text_message("hi"), title="🍽️ Your pairing group")
    stored = effect_to_json(pairing)
    assert effect_from_json(stored) == pairing

    del stored["title"]
    assert effect_from_json(stored) == GroupIntro(members, text_message("hi"), title=INTRODUCTIONS)
