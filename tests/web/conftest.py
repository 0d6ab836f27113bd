"""The seeded community on SQLite (seeded once, copied per test), and its pages served over
real HTTP (aiohttp's test server)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.web.community import Community, community


@pytest.fixture(scope="session")
def seeded_database(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "community.sqlite3"
    shutil.copyfile(sqlite_template, path)
    world = community(f"sqlite:///{path}")
    world.buddy.engine.dispose()  # checkpoints the write-ahead log into the file
    return path


@pytest.fixture
def world(seeded_database: Path, tmp_path: Path) -> Community:
    path = tmp_path / "buddy.sqlite3"
    shutil.copyfile(seeded_database, path)
    return community(f"sqlite:///{path}", seeded=True)


@pytest.fixture
async def client(world: Community) -> AsyncIterator[TestClient[object, object]]:
    pages = world.buddy.web_pages()
    assert pages is not None
    async with TestClient(TestServer(pages.web_app())) as test_client:
        yield test_client
    world.buddy.engine.dispose()
