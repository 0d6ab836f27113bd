"""Each adapter is split by concern: no module of one is over 400 lines (the web pages too)."""

from __future__ import annotations

from pathlib import Path

import bot.adapters
import bot.web

ADAPTERS = Path(bot.adapters.__file__).parent
WEB = Path(bot.web.__file__).parent
MOST_LINES = 400


def test_no_adapter_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(root.parent)): lines
        for root in (ADAPTERS, WEB)
        for path in sorted(root.rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MOST_LINES
    }

    assert long == {}
