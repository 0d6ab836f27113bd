"""Commands by name or alias, and the nearest name to a mistyped one: one look-up for all."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from bot.commands.base import AnySpec
from bot.commands.replies import echo
from bot.core.errors import UserError
from bot.core.message import command


def by_name(specs: Iterable[AnySpec]) -> dict[str, AnySpec]:
    """Each command under its name and under each of its aliases."""
    return {name: spec for spec in specs for name in (spec.name, *spec.aliases)}


def find_command(commands: Mapping[str, AnySpec], name: str, *, unknown: str) -> AnySpec:
    """The command called `name`; otherwise a refusal (`unknown`, then the name) that suggests
    the nearest name there is."""
    spec = commands.get(name)
    if spec is not None:
        return spec
    # Only names `help` lists: an alias ("kept") is a way to type a command, not one to learn.
    listed = sorted({spec.name for spec in commands.values()})
    nearest = difflib.get_close_matches(name, listed, n=1, cutoff=0.6)
    guess = (" Did you mean ", command(nearest[0]), "?") if nearest else ()
    raise UserError(
        (f"{unknown} {echo(name)}.", *guess), hint=(command("help"), " lists everything I can do.")
    )
