"""Your data is yours: `export`, `forget-me`, and what one member can never see of another's."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.commands.privacy import ACTION_FORGET
from bot.core.effects import DirectMessage
from bot.core.message import ChoiceStyle
from bot.core.records import FORMER_MEMBER
from tests.unit.harness import ALICE, ALICE_IN_T2, BOB, CAROL, GENERAL, NOW, Buddy


def alice_has_a_life(buddy: Buddy) -> None:
    """Alice's private world: a contact, a note, promises, a cadence, gives and asks, a profile."""
    for line in (
        "settings timezone Europe/Paris",
        "met <@UCAROL> at PyCon — ALICE-CONTEXT",
        "note <@UCAROL> ALICE-NOTE",
        "promise <@UCAROL> ALICE-PROMISE by friday",
        "promise <@UCAROL> ALICE-KEPT",
        "done 2",
        'give "Ana Lima" ALICE-GIVE',
        "ask ALICE-ASK",
        "keep-in-touch <@UCAROL> every month",
        "offer ALICE-OFFER",
    ):
        assert not buddy.say(line).startswith(("⚠️", "Sorry")), line


def bob_has_a_life(buddy: Buddy) -> None:
    for line in (
        "met <@UCAROL> at the sprint — BOB-CONTEXT",
        "met <@UALICE> at the sprint",
        "note <@UCAROL> BOB-NOTE",
        "promise <@UCAROL> BOB-PROMISE",
        "ask BOB-ASK",
        "looking-for BOB-LOOKING",
    ):
        assert not buddy.say(line, by=BOB).startswith(("⚠️", "Sorry")), line


# --- export ------------------------------------------------------------------------------------


def test_export_sends_a_dm_with_a_json_file_and_says_so(buddy: Buddy) -> None:
    reply = buddy.say("export")
    assert reply == "📦 I've sent you a DM with everything I hold about you (buddy-export.json)."
    [row] = buddy.store.outbox
    assert isinstance(row.effect, DirectMessage)
    assert row.effect.to == ALICE
    assert row.not_before == NOW
    assert row.effect.message.plain_text() == "Here is everything I hold about you."
    assert row.effect.message.attachment is not None
    assert json.loads(row.effect.message.attachment.content)["member"] == {
        "platform": "slack",
        "workspace": "T1",
        "user": "UALICE",
    }


def test_export_holds_everything_about_the_member(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    data = buddy.export()
    assert data["profile"]["timezone"] == "Europe/Paris"
    assert data["profile"]["offer"] == "ALICE-OFFER"
    assert sorted(c["name"] for c in data["contacts"]) == ["Ana Lima", "Carol"]
    assert [m["context"] for m in data["meetings"]] == ["at PyCon — ALICE-CONTEXT"]
    assert [n["text"] for n in data["notes"]] == ["ALICE-NOTE"]
    assert [(p["what"], p["status"]) for p in data["promises"]] == [
        ("ALICE-PROMISE", "open"),
        ("ALICE-KEPT", "done"),
    ]
    assert data["promises"][0]["due"] == "2026-11-27T08:00:00+00:00"  # 09:00 in Paris
    assert [k["every_days"] for k in data["keep_in_touch"]] == [30]
    assert [(e["kind"], e["what"]) for e in data["ledger"]] == [
        ("give", "ALICE-KEPT"),
        ("give", "ALICE-GIVE"),
        ("ask", "ALICE-ASK"),
    ]


def test_export_holds_the_members_blocks_and_pairing_channels_but_not_who_blocked_them(
    buddy: Buddy,
) -> None:
    buddy.say("block <@UBOB>")
    buddy.say("block <@UALICE>", by=CAROL)
    buddy.say("pairing on", by=CAROL, channel=GENERAL, is_organiser=True)
    buddy.say("join", channel=GENERAL)
    data = buddy.export()
    assert [b["member"] for b in data["blocked"]] == ["UBOB"]
    assert [(p["channel"], p["state"]) for p in data["pairing"]] == [("CGENERAL", "active")]
    assert "UCAROL" not in json.dumps(data)


def test_export_holds_nothing_of_another_members_data(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    bob_has_a_life(buddy)
    content = json.dumps(buddy.export())
    assert "BOB-" not in content
    bob_content = json.dumps(buddy.export(by=BOB))
    assert "ALICE-" not in bob_content
    assert "BOB-NOTE" in bob_content


def test_each_export_is_a_new_dm(buddy: Buddy) -> None:
    buddy.say("export")
    buddy.clock.advance(timedelta(hours=1))  # exports go out once an hour at most
    buddy.say("export")
    assert len({row.key for row in buddy.store.dms_to(ALICE)}) == 2


def test_export_of_a_newcomer_is_an_empty_record(buddy: Buddy) -> None:
    data = buddy.export()
    assert [data[k] for k in ("contacts", "meetings", "notes", "promises", "ledger")] == [[]] * 5


# --- forget-me ----------------------------------------------------------------------------------


def test_forget_me_without_confirming_erases_nothing_and_offers_a_button(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    before = buddy.snapshot()
    reply = buddy.run("forget-me")
    assert "Nothing has been erased yet." in reply.plain_text()
    [choice] = reply.choices
    assert (choice.action, choice.style) == (ACTION_FORGET, ChoiceStyle.DANGER)
    assert buddy.snapshot() == before


def test_forget_me_with_a_word_other_than_confirm_erases_nothing(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    assert "type forget-me confirm" in buddy.refused("forget-me please")


@pytest.mark.parametrize("how", ["command", "button"])
def test_forget_me_confirmed_erases_everything_about_the_member(buddy: Buddy, how: str) -> None:
    alice_has_a_life(buddy)
    if how == "command":
        reply = buddy.say("forget-me confirm")
    else:
        [choice] = buddy.run("forget-me").choices
        reply = buddy.press(choice.action, choice.payload).plain_text()
    assert reply.startswith("🧹 Done: I've erased everything I held about you.")
    assert list(buddy.store.records_of(ALICE)) == []
    assert buddy.say("people").startswith("No contacts yet.")
    assert buddy.say("promises").startswith("No open promises.")
    assert "Gives: 0" in buddy.say("stats")
    assert "Time zone: UTC" in buddy.say("settings")


def test_forget_me_leaves_other_members_data_and_only_unlinks_them(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    bob_has_a_life(buddy)
    before_bob = list(buddy.store.records_of(BOB))
    buddy.say("forget-me confirm")
    after_bob = list(buddy.store.records_of(BOB))
    assert len(after_bob) == len(before_bob)
    # Bob keeps his own words about a contact, but no longer Alice's id or platform name.
    [alice_for_bob] = [c for c in buddy.store.rows("contacts", BOB) if c.name == FORMER_MEMBER]
    assert alice_for_bob.member_user_id is None
    assert "BOB-CONTEXT" in buddy.say("people", by=BOB)
    assert "Alice" not in buddy.say("people", by=BOB)


def test_forget_me_in_one_workspace_leaves_the_same_user_in_another(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    buddy.say("met <@UCAROL> at T2-MEETUP", by=ALICE_IN_T2)
    buddy.say("forget-me confirm", by=ALICE_IN_T2)
    assert "ALICE-CONTEXT" in buddy.say("people")
    assert buddy.say("people", by=ALICE_IN_T2).startswith("No contacts yet.")


# --- privacy between members and workspaces ---------------------------------------------------


def test_a_member_never_sees_another_members_contacts_notes_or_promises(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    for command in ("people", "people carol", "promises", "stats", "offer", "settings"):
        reply = buddy.say(command, by=BOB)
        assert "ALICE-" not in reply, command
    assert buddy.say("people", by=BOB).startswith("No contacts yet.")
    assert buddy.say("promises", by=BOB).startswith("No open promises.")


def test_the_same_user_id_in_another_workspace_sees_none_of_the_first(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    for command in ("people", "promises", "stats", "offer", "settings"):
        reply = buddy.say(command, by=ALICE_IN_T2)
        assert "ALICE-" not in reply, command
        assert "Time zone: Europe/Paris" not in reply, command
    assert "ALICE-" not in json.dumps(buddy.export(by=ALICE_IN_T2))


@pytest.mark.parametrize("who", [BOB, ALICE_IN_T2], ids=["teammate", "same-id-elsewhere"])
@pytest.mark.parametrize("command", ["done 1", "snooze 1 in 2 days", "drop 1"])
def test_a_promise_number_that_belongs_to_someone_else_is_refused(
    buddy: Buddy, who: Any, command: str
) -> None:
    alice_has_a_life(buddy)
    reply = buddy.refused(command, by=who)
    assert "You have no open promise #1." in reply


def test_a_contact_is_found_only_among_the_invokers_own(buddy: Buddy) -> None:
    alice_has_a_life(buddy)
    # Carol is Alice's contact; Bob turning off a cadence with Carol must not touch Alice's.
    assert "isn't among your contacts" in buddy.refused("keep-in-touch <@UCAROL> off", by=BOB)
    assert len(buddy.store.rows("cadences", ALICE)) == 1


def test_noting_the_same_person_gives_each_member_their_own_contact(buddy: Buddy) -> None:
    buddy.say("note <@UCAROL> ALICE-NOTE")
    buddy.say("note <@UCAROL> BOB-NOTE", by=BOB)
    alice_carol = buddy.store.rows("contacts", ALICE)
    bob_carol = buddy.store.rows("contacts", BOB)
    assert len(alice_carol) == len(bob_carol) == 1
    assert alice_carol[0].id != bob_carol[0].id
    assert buddy.store.rows("contacts", CAROL) == []
