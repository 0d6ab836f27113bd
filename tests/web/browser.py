"""Headless Chromium (Debian's package) driven by Playwright: skipped where it is missing,
unless BUDDY_REQUIRE_BROWSER=1 (CI), where a missing browser fails the tests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("BUDDY_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",  # as root, Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not found (apt-get install -y chromium)"
    if os.environ.get("BUDDY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"BUDDY_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


async def launched() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()
