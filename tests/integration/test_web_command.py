"""`buddy web`: the pages served on their own (Discord-only and console deployments)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "buddy.sqlite3"
    shutil.copyfile(sqlite_template, path)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("BUDDY_SECRET_KEY", raising=False)
    return f"sqlite:///{path}"


def test_without_a_secret_key_buddy_web_says_what_to_set(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database)
    assert main(["web"]) == 2
    error = capsys.readouterr().err
    assert "BUDDY_SECRET_KEY" in error and "Fernet.generate_key()" in error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return refused.code
    except OSError:
        return None  # not listening yet


def test_buddy_web_serves_the_pages_until_sigterm(database: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "BUDDY_SECRET_KEY": Fernet.generate_key().decode(),
        "PORT": str(port),
        "BUDDY_HOST": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"], env=env, cwd=tmp_path, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts slowly
        status = None
        while status is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            status = status_of(f"http://127.0.0.1:{port}/dashboard?t=forged")
        assert status == 403, process.stderr.read() if process.poll() is not None else status
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
