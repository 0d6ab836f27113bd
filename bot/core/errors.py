"""The one exception a member is meant to read."""

from __future__ import annotations

from bot.core.message import Text, text_plain


class UserError(Exception):
    """Bad input, explained kindly; the command changes nothing. The message and hint may hold
    parts (a command to type, a channel), which each adapter renders its own way. `field` names
    the typed argument it is about, where a form can show it beside that field."""

    def __init__(self, message: Text, *, hint: Text = "", field: str = "") -> None:
        super().__init__(text_plain(message))
        self.message = message
        self.hint = hint
        self.field = field

    def about(self, field: str) -> UserError:
        """This refusal, now about `field` (unless it already names one)."""
        self.field = self.field or field
        return self


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


class Withheld(Exception):
    """An unexpected error as logged: its kind and where it happened, not its message, which
    may quote what a member typed (a database's "Key (…)=(…)", a parser's "bad value …")."""


def withheld(error: BaseException) -> Withheld:
    """`error` for `exc_info=`: the same traceback, named by its class, without its message."""
    kind = type(error)
    cause = error.__cause__ or error.__context__
    underneath = f" from {type(cause).__module__}.{type(cause).__qualname__}" if cause else ""
    safe = Withheld(f"{kind.__module__}.{kind.__qualname__}{underneath} (message withheld)")
    return safe.with_traceback(error.__traceback__)
