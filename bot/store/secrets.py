"""Secrets at rest: Fernet encryption keyed by BUDDY_SECRET_KEY, with key rotation."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TYPE_CHECKING

# `cryptography` is imported where a key is used: only multi-workspace Slack keeps tokens, and
# every other process (the console first) reads this module's settings without paying for it.
if TYPE_CHECKING:
    from cryptography.fernet import Fernet, MultiFernet

# Marks a stored value as ciphertext: anything without it is plaintext written before encryption.
SEALED = "fernet:"
MAKE_A_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class SecretKeyError(Exception):
    """A stored secret cannot be opened with any of the keys given (was a key removed?)."""


def parse_keys(value: str) -> list[str]:
    """BUDDY_SECRET_KEY: Fernet keys separated by commas; the first encrypts, all decrypt."""
    return [key.strip() for key in value.split(",") if key.strip()]


def check_keys(value: str) -> str:
    """The setting as given, or ValueError naming what is wrong (never echoing the key)."""
    keys = parse_keys(value)
    if not keys:
        return value
    for number, key in enumerate(keys, start=1):
        if not _is_fernet_key(key):
            raise ValueError(
                f"BUDDY_SECRET_KEY: key {number} is not a Fernet key (44 characters of url-safe "
                f"base64). Make one with: {MAKE_A_KEY}"
            ) from None
    return value


def _is_fernet_key(key: str) -> bool:
    """Fernet's own check (32 bytes of url-safe base64), without loading `cryptography`: a
    process that only signs links with the key never needs it."""
    try:
        return len(base64.urlsafe_b64decode(key)) == 32
    except ValueError:  # not base64 (binascii.Error), or not ASCII
        return False


class SecretBox:
    """Seals values with the first key and opens them with any key, so keys can rotate."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError(f"BUDDY_SECRET_KEY is not set. Make one with: {MAKE_A_KEY}")
        from cryptography.fernet import Fernet, MultiFernet

        self._primary: Fernet = Fernet(keys[0])
        self._all: MultiFernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, value: str | None) -> str | None:
        """Ciphertext for a value (None stays None; a sealed value is left as it is)."""
        if value is None or value.startswith(SEALED):
            return value
        return SEALED + self._primary.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        """The plaintext of a sealed value; plaintext from before encryption passes through."""
        if value is None or not value.startswith(SEALED):
            return value
        from cryptography.fernet import InvalidToken  # loaded already, by __init__

        try:
            return self._all.decrypt(value.removeprefix(SEALED).encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                "BUDDY_SECRET_KEY cannot decrypt a stored Slack token: keep the key it was "
                "encrypted with in the list (new key first, old key after) until "
                "`buddy rotate-secrets` has run."
            ) from None

    def is_current(self, value: str | None) -> bool:
        """True if the value needs no re-sealing: empty, or sealed under the first key."""
        if value is None:
            return True
        if not value.startswith(SEALED):
            return False
        from cryptography.fernet import InvalidToken  # loaded already, by __init__

        try:
            self._primary.decrypt(value.removeprefix(SEALED).encode())
        except InvalidToken:
            return False
        return True

    def reseal(self, value: str | None) -> str | None:
        """The value sealed under the first key (plaintext is sealed; old ciphertext rotated)."""
        return self.seal(self.open(value))
