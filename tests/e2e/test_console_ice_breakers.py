"""Ice-breakers typed through the console: each member of a new introduction or pairing group
gets, by DM, what their own records say about the others, and never what the others logged."""

from __future__ import annotations

import re

from tests.e2e import test_console_intros
from tests.e2e.test_console_intros import Console

console = test_console_intros.console  # the same fixture: a console on a real SQLite file


def sent(output: str, heading: str) -> list[str]:
    """The messages under `heading` ("DM to @ana:", "#group-…:"), each as its indented lines."""
    found, current = [], None
    for line in output.splitlines():
        if not line.startswith(" "):
            current = [] if line == heading else None
            if current is not None:
                found.append(current)
        elif current is not None:
            current.append(line.strip())
    return ["\n".join(lines) for lines in found]


HISTORY = (
    "as @ana",
    "offer maps and GIS",
    "met @ben at PyCon — talked about Rust",
    "note @ben is hiring in January",
    "promise @ben the slides",
    "as @ben",
    "looking-for someone who knows GIS",
    "note @ana BENS-OWN-NOTE likes long walks",
    "give @ana BENS-OWN-GIVE a review of her talk",
    "as @carol",
)


async def test_an_intro_both_accept_brings_each_side_their_own_ice_breakers(
    console: Console,
) -> None:
    await console.script(*HISTORY, "intro @ana @ben you both care about maps")
    await console.script("as @ana", "click Accept")
    made = await console.script("as @ben", "click Accept")

    [to_ana] = [m for m in sent(made, "DM to @ana:") if m.startswith("🧊")]
    assert to_ana.splitlines()[:2] == [
        "🧊 Ice-breakers for your introduction, from your own records (only you see this):",
        "@ben:",
    ]
    assert re.search(r"• You promised “the slides” \(\w{3} \d+ \w{3}\), still open", to_ana)
    assert re.search(r"• Your note, \w{3} \d+ \w{3}: is hiring in January", to_ana)
    assert re.search(r"• You met \w{3} \d+ \w{3}: at PyCon — talked about Rust", to_ana)
    assert (
        "• Common ground: you offer “maps and GIS”; they're looking for “someone who knows GIS”"
        in to_ana
    )
    assert "BENS-OWN" not in to_ana  # Ben's note and give are his alone

    [to_ben] = [m for m in sent(made, "DM to @ben:") if m.startswith("🧊")]
    assert "BENS-OWN-NOTE likes long walks" in to_ben
    assert "You gave “BENS-OWN-GIVE a review of her talk”" in to_ben
    assert "hiring in January" not in to_ben and "the slides" not in to_ben
    assert "PyCon" not in to_ben  # Ana logged that meeting, Ben did not

    # The ice-breakers are private: the conversation for the three holds none of it.
    [group] = sent(made, "#group-ana-ben-carol:")
    assert "🧊" not in group and "hiring" not in group and "BENS-OWN" not in group
    assert group.splitlines()[-1].startswith("💡 ")  # one first-meeting tip
    assert "DM to @carol" not in made  # the introducer does not meet anyone


async def test_a_pairing_round_brings_each_member_their_own_ice_breakers(
    console: Console,
) -> None:
    await console.script(*HISTORY, "pairing on")
    await console.script(
        *(line for name in ("ana", "ben", "dee", "carol") for line in (f"as @{name}", "join"))
    )
    started = await console.script("pairing now")

    groups = [
        m
        for heading in re.findall(r"^#group-[\w-]+:$", started, re.M)
        for m in sent(started, heading)
    ]
    assert len(groups) == 2 and all(g.splitlines()[-1].startswith("💡 ") for g in groups)
    for name in ("ana", "ben", "carol", "dee"):
        [ice] = [m for m in sent(started, f"DM to @{name}:") if m.startswith("🧊")]
        assert ice.startswith("🧊 Ice-breakers for pairing round 1, from your own records")
        [partner] = re.findall(r"^@(\w+):$", ice, re.M)
        [group] = [g for g in groups if f"@{name}" in g.splitlines()[0]]
        assert f"@{partner}" in group.splitlines()[0]
        if {name, partner} == {"ana", "ben"}:  # each sees their own history, only theirs
            mine, theirs = (
                ("hiring in January", "BENS-OWN") if name == "ana" else ("BENS-OWN", "hiring")
            )
            assert mine in ice and theirs not in ice
        elif partner in ("carol", "dee"):  # no history, no profile: a first-meeting tip
            assert re.search(r"^• 💡 ", ice, re.M)
        elif partner == "ana":  # no shared history: her profile gives a question
            assert "• Ask @ana about “maps and GIS”: it's what they offer." in ice


async def test_with_no_shared_history_the_ice_breaker_is_a_question_from_their_profile(
    console: Console,
) -> None:
    await console.script("as @dee", "tips", *HISTORY, "intro @ana @dee you both like maps")
    await console.script("as @ana", "click Accept")
    made = await console.script("as @dee", "click Accept")

    [to_dee] = [m for m in sent(made, "DM to @dee:") if m.startswith("🧊")]
    assert to_dee.splitlines()[1:] == [
        "@ana:",
        "• Ask @ana about “maps and GIS”: it's what they offer.",
    ]
    [to_ana] = [m for m in sent(made, "DM to @ana:") if m.startswith("🧊")]
    assert to_ana.splitlines()[1] == "@dee:"
    assert to_ana.splitlines()[2].startswith("• 💡 ")  # Dee wrote no profile: a tip
