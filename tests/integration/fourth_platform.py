"""A second made-up platform's plugin, beside test_plugins.py's: the same, with no command."""

from __future__ import annotations

import dataclasses

from tests.integration.test_plugins import PLUGIN as THIRD

PLUGIN = dataclasses.replace(THIRD, name="Fourth", add_commands=lambda commands: None)
