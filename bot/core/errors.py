"""The one exception a member is meant to read."""

from __future__ import annotations


class UserError(Exception):
    """Bad input, explained kindly; the command changes nothing."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class DeliveryError(Exception):
    """A platform refused or failed to take a message; the outbox decides what happens next."""


class RateLimited(DeliveryError):
    def __init__(self, retry_after: float, detail: str = "rate limited") -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class TransientDeliveryError(DeliveryError):
    """A 5xx, a timeout, a dropped connection: worth retrying later."""


class PermanentDeliveryError(DeliveryError):
    """The member is gone or their DMs are closed: retrying would never help."""
