"""An event's whole life typed into the console, on a real SQLite file: announce, answers, the
.ics, reminders, people suggested to meet there, "who did you meet?" and the follow-up after."""

from __future__ import annotations

from tests.e2e.test_console_intros import Console, console

__all__ = ["console"]


async def test_the_whole_event_flow_from_announcement_to_the_follow_up_three_days_later(
    console: Console,
) -> None:
    out = await console.script(
        "in #rust",
        'event "Rust night" friday 6pm for 2 hours at Café Lisboa',
        "as @ana",
        "offer Rust mentoring",
        "click going 1",
        "as @ben",
        "looking-for Rust mentoring",
        "click going 1",
        "as @cat",
        "click going 1",
        "as @dan",
        "block @ana",
        "click going 1",
        "as @eve",
        "click maybe 1",
    )
    assert "DM to @ana:\n  🗓️ For your calendar: “Rust night”" in out
    out = await console.script("wait until 7pm")
    assert out.count("⏰ Coming up tomorrow: “Rust night”") == 4  # those going, not a maybe
    for name in ("ana", "ben", "dan"):
        out = await console.script(f"as @{name}", "click suggest people to meet there")
        assert "Noted — I'll suggest a few people going to “Rust night”" in out

    # Three hours before: only those who asked, never across a block, each side privately.
    out = await console.script("wait until friday 4pm")
    assert (
        "DM to @ana:\n  🤝 People to meet at “Rust night”, who asked for suggestions too: @ben."
    ) in out
    # Each side's own ice-breaker (the tips' function): common ground seen from each side.
    assert "you offer “Rust mentoring”; they're looking for “Rust mentoring”" in out
    assert "DM to @ben:\n  🤝 People to meet at “Rust night”" in out
    assert "they offer “Rust mentoring”; you're looking for “Rust mentoring”" in out
    assert "@cat" not in out  # did not ask
    ana = out[out.index("DM to @ana") :].split("DM to")[1]
    assert "@dan" not in ana  # Dan blocked Ana: neither is suggested to the other
    assert "DM to @dan:\n  🤝 People to meet at “Rust night”" in out  # Ben, who asked too

    # Once it is over: "who did you meet?" to each member who was going, once.
    out = await console.script("wait until 9pm")
    assert out.count("👋 Who did you meet at “Rust night”?") == 4
    assert "DM to @eve" not in out
    out = await console.script("as @ana", "pick 1 2")
    assert "🤝 Noted: you met @ben and @cat at “Rust night”." in out
    out = await console.script("pick 1 2")
    assert "That's what you had logged already." in out
    out = await console.script("people @ben")
    assert "at Rust night (Fri 27 Nov)" in out
    assert "Who did you meet" not in await console.script("wait 1 day")

    # Organisers see each event in figures, under five as "<5"; members don't.
    out = await console.script("as @carol", "stats")
    assert "Events in #rust:\n    • 1 · “Rust night” (Fri 27 Nov): going <5 · maybe <5 · " in out
    assert "attended <5 · meetings logged there <5" in out
    assert "Events in" not in await console.script("as @ana", "stats")

    out = await console.script("wait 3 days")
    assert "DM to @ana:\n  👋 You met @ben" in out and "at Rust night (Fri 27 Nov)" in out


async def test_people_from_outside_are_named_in_the_same_answer_and_followed_up(
    console: Console,
) -> None:
    await console.script(
        "in #rust",
        'event "Rust night" friday 6pm for 2 hours at Café Lisboa',
        "as @ana",
        "click going 1",
        "as @ben",
        "click going 1",
    )
    out = await console.script("wait until friday 9pm")
    assert "(Someone from outside: pick on " in out and " + Ana Lima, Jo Silva)" in out

    refusals = {
        "pick +": "Type the name of someone you met there",
        "pick 1 + @here": "Write their names without @",
        "pick + " + ", ".join(f"Guest {n}" for n in range(200)): "That's 200 names",
        "pick + " + "x" * 2001: "That's 2,001 characters",
        "pick + " + "x" * 101: "A name here fits in 100 characters",
    }
    for line, refused in refusals.items():
        out = await console.script("as @ana", line)
        assert f"⚠️ {refused}" in out, (line, out)
    assert "@ben" not in await console.script("people")  # `pick 1 + @here` logged nobody

    out = await console.script("as @ana", 'pick 1 + "Zoe from Acme", Jo Silva; zoe from acme')
    assert (
        "🤝 Noted: you met @ben at “Rust night”.\n"
        "  🤝 Noted: you met Zoe from Acme and Jo Silva at “Rust night”.\n"
        "  If nothing follows by Mon 30 Nov, I'll ask"
    ) in out  # one answer, one reply
    out = await console.script("people")
    assert "Zoe from Acme" in out and "Jo Silva" in out and "@here" not in out
    out = await console.script("pick + jo silva")  # the same name again: logged once
    assert "That's what you had logged already." in out
    assert "Who did you meet" not in await console.script("wait 1 day")

    out = await console.script("wait 3 days")
    assert "DM to @ana:\n  👋 You met" in out and "Jo Silva" in out
    assert "at Rust night (Fri 27 Nov)" in out
