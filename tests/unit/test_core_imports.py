"""bot/core imports the standard library only, checked against `sys.stdlib_module_names`."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import bot.core

CORE = Path(bot.core.__file__).parent


def beyond_the_standard_library(source: str) -> set[str]:
    """What `source` imports that is neither the standard library nor bot.core itself."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue  # a relative import stays inside the package
        for name in names:
            own = name == "bot.core" or name.startswith("bot.core.")
            if not own and name.split(".")[0] not in sys.stdlib_module_names:
                found.add(name)
    return found


def test_the_core_imports_nothing_but_the_standard_library_and_itself() -> None:
    found = {
        str(path.relative_to(CORE)): outside
        for path in sorted(CORE.rglob("*.py"))
        if (outside := beyond_the_standard_library(path.read_text()))
    }

    assert found == {}


def test_a_third_party_import_in_the_core_is_caught_wherever_it_hides() -> None:
    source = (
        "import json\nimport pydantic\nfrom bot.store import models\n"
        "def later():\n    from dateparser import parse\n"
        "if TYPE_CHECKING:\n    import discord.ui\n"
    )

    assert beyond_the_standard_library(source) == {
        "pydantic",
        "bot.store",
        "dateparser",
        "discord.ui",
    }
