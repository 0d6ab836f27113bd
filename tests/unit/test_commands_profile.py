"""Your profile and preferences: `offer`, `looking-for`, `settings`."""

from __future__ import annotations

from datetime import time

import pytest

from bot.core.records import Profile
from tests.unit.harness import ALICE, BOB, GENERAL, Buddy

EXAMPLE = "timezone Europe/Paris quiet 22:00-08:00 digest monday 9am intros on profile visible"


def profile(buddy: Buddy) -> Profile:
    found = buddy.store.profile(ALICE)
    assert found is not None
    return found


# --- offer and looking-for -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "field", "label"),
    [("offer", "offer", "what you can help with"),
     ("looking-for", "looking_for", "what you are looking for")],
)  # fmt: skip
def test_a_profile_line_can_be_set_shown_and_cleared(
    buddy: Buddy, command: str, field: str, label: str
) -> None:
    assert buddy.say(command).startswith(f"You haven't said {label} yet.")

    reply = buddy.say(f"{command} code reviews in Python")
    assert reply.startswith(f"Saved {label}: “code reviews in Python”.")
    assert getattr(profile(buddy), field) == "code reviews in Python"
    assert buddy.say(command) == f"{label.capitalize()}: “code reviews in Python”."

    assert buddy.say(f"{command} -") == f"Cleared {label}."
    assert getattr(profile(buddy), field) == ""
    assert buddy.say(command).startswith(f"You haven't said {label} yet.")


def test_offer_and_looking_for_are_independent(buddy: Buddy) -> None:
    buddy.say("offer intros to Lisbon founders")
    buddy.say("looking-for a co-organiser")
    buddy.say("offer -")
    assert (profile(buddy).offer, profile(buddy).looking_for) == ("", "a co-organiser")


def test_an_offer_over_2000_characters_is_refused(buddy: Buddy) -> None:
    buddy.say("offer help")
    assert "2,001 characters" in buddy.refused("offer " + "x" * 2001)
    assert profile(buddy).offer == "help"


# --- settings ----------------------------------------------------------------------------------


def test_settings_alone_shows_the_defaults_and_how_to_change_them(buddy: Buddy) -> None:
    assert buddy.say("settings").splitlines() == [
        "Your settings:",
        "• Time zone: UTC (from your platform; set it to pin it)",
        "• Quiet hours: off",
        "• Weekly digest: Monday 09:00",
        "• Open to intros: yes",
        "• Looking-for in matching members' give ideas: visible",
        f"For example: settings {EXAMPLE}",
    ]


def test_settings_profile_hides_and_shows_the_looking_for_in_give_ideas(buddy: Buddy) -> None:
    reply = buddy.say("settings profile hidden")
    assert "• Looking-for in matching members' give ideas: hidden" in reply
    assert not profile(buddy).profile_visible
    saved = buddy.say("looking-for a Rust mentor")
    assert "Your profile is hidden, so this stays out of everyone's give ideas" in saved
    assert buddy.export()["profile"]["profile_visible"] is False
    buddy.say("settings profile visible")
    assert profile(buddy).profile_visible
    saved = buddy.say("looking-for a Rust mentor")
    assert "members whose offer matches may see it in their give ideas" in saved
    assert "settings profile hidden keeps it out of give ideas" in saved
    assert "profile is visible or hidden" in buddy.refused("settings profile public")


def test_settings_timezone_pins_a_valid_zone(buddy: Buddy) -> None:
    reply = buddy.say("settings timezone Europe/Paris")
    assert reply.splitlines()[:2] == ["Settings saved:", "• Time zone: Europe/Paris"]
    assert (profile(buddy).timezone, profile(buddy).timezone_chosen) == ("Europe/Paris", True)


def test_settings_timezone_is_read_in_any_case(buddy: Buddy) -> None:
    buddy.say("settings tz america/new_york")
    assert profile(buddy).timezone == "America/New_York"


def test_a_pinned_timezone_wins_over_the_platforms(buddy: Buddy) -> None:
    buddy.say("settings timezone Europe/Paris")
    buddy.say("settings", platform_timezone="Asia/Tokyo")
    assert profile(buddy).timezone == "Europe/Paris"


def test_the_platform_timezone_is_followed_until_one_is_pinned(buddy: Buddy) -> None:
    reply = buddy.say("settings", platform_timezone="Asia/Tokyo")
    assert "• Time zone: Asia/Tokyo (from your platform; set it to pin it)" in reply
    assert profile(buddy).timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [("Europe/Pariss", "Europe/Paris"), ("paris", "Europe/Paris"), ("Mars/Olympus", "")],
)
def test_a_timezone_that_is_not_an_iana_name_is_refused_with_a_suggestion(
    buddy: Buddy, typed: str, suggestion: str
) -> None:
    buddy.say("settings timezone Asia/Tokyo")
    reply = buddy.refused(f"settings timezone {typed}")
    assert f"I don't know the time zone “{typed}”." in reply
    assert f"Did you mean {suggestion}" in reply if suggestion else "IANA" in reply
    assert profile(buddy).timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("typed", "zone"), [("paris", "Europe/Paris"), ("sydney", "Australia/Sydney")]
)
def test_a_city_alone_suggests_its_zone_and_nothing_else(
    buddy: Buddy, typed: str, zone: str
) -> None:
    reply = buddy.refused(f"settings timezone {typed}")
    assert f"Did you mean {zone}? " in reply  # not "Europe/Paris or Antarctica/Davis"


def test_settings_quiet_hours_and_off(buddy: Buddy) -> None:
    assert "• Quiet hours: 22:00–08:00" in buddy.say("settings quiet 22:00-08:00")
    assert (profile(buddy).quiet_start, profile(buddy).quiet_end) == (time(22), time(8))
    assert "• Quiet hours: off" in buddy.say("settings quiet off")
    assert (profile(buddy).quiet_start, profile(buddy).quiet_end) == (None, None)


def test_settings_quiet_hours_need_a_range(buddy: Buddy) -> None:
    assert "from-to" in buddy.refused("settings quiet 22:00")


def test_settings_digest_day_and_time(buddy: Buddy) -> None:
    assert "• Weekly digest: Friday 16:00" in buddy.say("settings digest friday 4pm")
    assert (profile(buddy).digest_weekday, profile(buddy).digest_time) == (4, time(16))


def test_settings_digest_off_and_on_again_keeps_the_day_and_time(buddy: Buddy) -> None:
    buddy.say("settings digest friday 4pm")
    assert "• Weekly digest: off" in buddy.say("settings digest off").splitlines()
    assert not profile(buddy).digest_on
    assert buddy.export()["profile"]["digest"] == {"weekday": 4, "time": "16:00:00", "on": False}
    assert "• Weekly digest: Friday 16:00" in buddy.say("settings digest on").splitlines()
    assert profile(buddy).digest_on


def test_setting_a_digest_day_and_time_turns_it_back_on(buddy: Buddy) -> None:
    buddy.say("settings digest off timezone Europe/Paris")
    assert (profile(buddy).digest_on, profile(buddy).timezone) == (False, "Europe/Paris")
    buddy.say("settings digest monday 8am")
    assert profile(buddy).digest_on


def test_settings_digest_off_with_more_words_is_refused(buddy: Buddy) -> None:
    assert "I don't have a setting called “now”" in buddy.refused("settings digest off now")


def test_settings_digest_with_a_bad_day_is_refused(buddy: Buddy) -> None:
    assert "day of the week" in buddy.refused("settings digest someday 4pm")


def test_settings_intros_off_and_on(buddy: Buddy) -> None:
    assert "• Open to intros: no" in buddy.say("settings intros off")
    assert profile(buddy).open_to_intros is False
    buddy.say("settings intros on")
    assert profile(buddy).open_to_intros is True


def test_settings_intros_only_on_or_off(buddy: Buddy) -> None:
    assert "intros is on or off" in buddy.refused("settings intros maybe")


def test_several_settings_at_once(buddy: Buddy) -> None:
    buddy.say("settings timezone Europe/Lisbon quiet 23:00-07:30 digest sun 18:00 intros off")
    p = profile(buddy)
    assert (p.timezone, p.quiet_start, p.quiet_end) == ("Europe/Lisbon", time(23), time(7, 30))
    assert (p.digest_weekday, p.digest_time, p.open_to_intros) == (6, time(18), False)


def test_one_bad_setting_among_several_changes_none_of_them(buddy: Buddy) -> None:
    buddy.say("settings")
    reply = buddy.refused("settings timezone Europe/Paris quiet 22:00-08:00 colour blue")
    assert "I don't have a setting called “colour”." in reply
    assert profile(buddy).timezone == "UTC"
    assert profile(buddy).quiet_start is None


def test_an_unknown_setting_is_refused_with_an_example(buddy: Buddy) -> None:
    reply = buddy.refused("settings colour blue")
    assert "I don't have a setting called “colour”." in reply
    assert "settings timezone Europe/Paris" in reply


def test_a_setting_without_its_value_is_refused(buddy: Buddy) -> None:
    assert "Which time zone?" in buddy.refused("settings timezone")


def test_settings_are_per_member(buddy: Buddy) -> None:
    buddy.say("settings timezone Europe/Paris")
    assert "Time zone: UTC" in buddy.say("settings", by=BOB)


def test_settings_show_the_pairing_rounds_you_take_part_in(buddy: Buddy) -> None:
    buddy.say("settings timezone Europe/Paris")
    buddy.say("pairing on every 2 weeks", by=BOB, channel=GENERAL, is_organiser=True)
    buddy.say("join", channel=GENERAL)

    # The organiser's rounds are at 10:00 in their zone (UTC); Alice reads them in hers.
    assert "Pairing in #CGENERAL: next round Mon 30 Nov 2026, 11:00 Europe/Paris" in buddy.say(
        "settings"
    )

    buddy.say("leave", channel=GENERAL)
    assert "Pairing in" not in buddy.say("settings")
