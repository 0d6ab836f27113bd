"""Typed arguments (Discord options, Slack form fields) and mentions of any id shape, as the
command service receives them from any adapter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.base import Args, CommandInput, Mentioned, PersonRef
from bot.commands.parsing import clean_input
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.identity import Member, Platform
from bot.core.records import Contact, Promise
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import ALICE, NOW, Buddy

SAM = PersonRef("USAM", "Sam")
FRIDAY_9AM = datetime(2026, 11, 27, 9, tzinfo=UTC)  # the harness's now is Thursday 26 Nov


def typed(buddy: Buddy, command: str, args: Args, *, by: Member = ALICE) -> str:
    return buddy.service.run(CommandInput(text=command, invoker=by, args=args)).plain_text()


def promises(buddy: Buddy, owner: Member = ALICE) -> list[Promise]:
    return buddy.store.rows("promises", owner)


def contacts(buddy: Buddy, owner: Member = ALICE) -> list[Contact]:
    return buddy.store.rows("contacts", owner)


@pytest.mark.parametrize(
    "what",
    [
        "a talk by Ana",
        "slides for the meeting on friday",
        "the notes from monday at noon",
        "an intro in 2 days",
    ],
)
def test_time_words_inside_a_typed_what_stay_in_the_promise_without_a_date(
    buddy: Buddy, what: str
) -> None:
    reply = typed(buddy, "promise", {"person": SAM, "what": what})

    assert reply.startswith(f"✅ Promise #1: send @USAM “{what}”"), reply
    assert "No date given, so no reminder" in reply
    [promise] = promises(buddy)
    assert (promise.what, promise.due_at) == (what, None)


def test_a_typed_when_is_read_whole_and_the_typed_what_kept_whole(buddy: Buddy) -> None:
    reply = typed(buddy, "promise", {"person": SAM, "what": "a talk by Ana", "when": "by friday"})

    assert reply.startswith("✅ Promise #1: send @USAM “a talk by Ana”"), reply
    [promise] = promises(buddy)
    assert (promise.what, promise.due_at) == ("a talk by Ana", FRIDAY_9AM)


@pytest.mark.parametrize("when", ["in 2 days on friday", "friday at the bar", "Ana"])
def test_a_typed_when_only_partly_a_time_is_refused_and_nothing_is_saved(
    buddy: Buddy, when: str
) -> None:
    before = buddy.snapshot()

    reply = typed(buddy, "promise", {"person": SAM, "what": "the slides", "when": when})

    assert reply.startswith(f"⚠️ I couldn't read “{when}” as a date or time."), reply
    assert buddy.snapshot() == before


def test_an_instant_the_platform_picked_is_the_due_time(buddy: Buddy) -> None:
    due = datetime(2026, 11, 30, 12, tzinfo=UTC)

    typed(buddy, "promise", {"person": SAM, "what": "the deck", "when": due})

    [promise] = promises(buddy)
    assert promise.due_at == due


def test_a_typed_person_must_be_someone_else_and_someone(buddy: Buddy) -> None:
    before = buddy.snapshot()

    yourself = typed(buddy, "promise", {"person": PersonRef("UALICE", "Alice"), "what": "x"})
    nobody = typed(buddy, "promise", {"what": "the slides"})

    assert yourself.startswith("⚠️ That's you! Name someone else.")
    assert nobody.startswith("⚠️ I need to know who you promised.")
    assert buddy.snapshot() == before


def test_a_typed_outside_name_keeps_its_quotes(buddy: Buddy) -> None:
    typed(buddy, "met", {"person": PersonRef(None, 'Ana "the director" Lima'), "context": "x"})

    assert [c.name for c in contacts(buddy)] == ['Ana "the director" Lima']


def test_a_typed_number_closes_that_promise(buddy: Buddy) -> None:
    typed(buddy, "promise", {"person": SAM, "what": "the slides"})

    reply = typed(buddy, "done", {"number": 1})

    assert reply.startswith("🎉 Kept: “the slides” for @USAM.")


# --- mentions: any platform's id shape ------------------------------------------------------------

MATRIX = Member(Platform.CONSOLE, "local", "@alice:example.org")
TEAMS = Member(Platform.CONSOLE, "local", "29:1a2b3c4d5e6f-7a8b_9c0d.EXAMPLE")
INVOKER = Member(Platform.CONSOLE, "local", "@me:example.org")


@pytest.mark.parametrize(
    ("key", "member"),
    [
        ("1", MATRIX),  # a neutral placeholder key, the id in the map
        ("@alice:example.org", MATRIX),  # or the id itself as the key
        ("2", TEAMS),
        ("29:1a2b3c4d5e6f-7a8b_9c0d.EXAMPLE", TEAMS),
    ],
)
def test_a_mentioned_member_of_any_id_shape_is_who_the_line_names(
    buddy: Buddy, key: str, member: Member
) -> None:
    line = f"promise <@{key}> the slides by friday"
    mentions = {key: Mentioned(member, "Ali")}

    reply = buddy.service.run(CommandInput(text=line, invoker=INVOKER, mentions=mentions))

    assert reply.plain_text().startswith(f"✅ Promise #1: send @{member.user_id} “the slides”")
    [contact] = contacts(buddy, INVOKER)
    assert (contact.member, contact.name) == (member, "Ali")
    [promise] = promises(buddy, INVOKER)
    assert (promise.what, promise.due_at) == ("the slides", FRIDAY_9AM)


def test_a_placeholder_no_adapter_resolved_is_refused_not_guessed(buddy: Buddy) -> None:
    before = buddy.snapshot()

    reply = buddy.service.run(
        CommandInput(text="promise <@UNKNOWN> the slides", invoker=ALICE, mentions={})
    ).plain_text()

    assert reply.startswith("⚠️ I couldn't find “<@UNKNOWN>” here."), reply
    assert buddy.snapshot() == before


def test_two_members_of_matrix_and_teams_are_introduced_by_their_ids(buddy: Buddy) -> None:
    mentions = {"a": Mentioned(MATRIX, "Alice"), "b": Mentioned(TEAMS, "Tom")}

    reply = buddy.service.run(
        CommandInput(
            text="intro <@a> <@b> you both run Rust meetups", invoker=INVOKER, mentions=mentions
        )
    ).plain_text()

    assert "@alice:example.org" in reply and "@29:1a2b3c4d5e6f-7a8b_9c0d.EXAMPLE" in reply, reply


# --- a property: whatever is typed in "what", it is kept whole or refused, never split ------------

WORDS = ["by", "on", "in", "at", "before", "friday", "tomorrow 9am", "2 days", "Ana", "the", "\n"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(what=st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=8).map(" ".join))
def test_a_typed_what_without_a_when_is_kept_whole_or_refused(what: str) -> None:
    store = InMemoryStore()
    service = CommandService(
        uow_factory=store, clock=ManualClock(NOW), commands=COMMANDS, actions=ACTIONS
    )
    before = store.snapshot()

    reply = service.run(
        CommandInput(text="promise", invoker=ALICE, args={"person": SAM, "what": what})
    )

    made = store.rows("promises", ALICE)
    if reply.plain_text().startswith("⚠️"):
        assert store.snapshot() == before
        assert not clean_input(what).strip()
    else:
        [promise] = made
        assert (promise.what, promise.due_at) == (clean_input(what).strip(), None)


# --- every command: its declared arguments are the contract ---------------------------------------


def test_every_command_that_declares_arguments_builds_its_request_from_them() -> None:
    assert [spec.name for spec in COMMANDS if spec.args and spec.build is None] == []


def test_typed_settings_are_read_each_from_its_own_field(buddy: Buddy) -> None:
    reply = typed(
        buddy, "settings", {"timezone": "Europe/Paris", "digest": "friday 4pm", "intros": "off"}
    )

    assert "Time zone: Europe/Paris" in reply
    assert "Weekly digest: Friday 16:00" in reply
    assert "Open to intros: no" in reply


def test_words_left_over_in_a_typed_setting_are_refused_and_nothing_changes(buddy: Buddy) -> None:
    before = buddy.snapshot()

    reply = typed(buddy, "settings", {"digest": "friday 4pm intros off"})

    assert reply.startswith("⚠️ I didn't understand “intros off” after digest."), reply
    assert buddy.snapshot() == before
