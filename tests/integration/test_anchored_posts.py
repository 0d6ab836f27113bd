"""Channel posts kept under an anchor (an event's post): the first is posted and recorded,
every later one edits it, in order, on the real store; a failed first post holds the edits."""

from __future__ import annotations

from datetime import timedelta

from bot.core.effects import ChannelPost
from bot.core.errors import TransientDeliveryError
from bot.core.identity import Channel, Platform
from bot.core.message import Message, text_message
from tests.integration.test_delivery import GENERAL, ScriptedMessenger, World, world

__all__ = ["world"]


class EditingMessenger(ScriptedMessenger):
    """Posts get a reference; edits are recorded against it."""

    def __init__(self) -> None:
        super().__init__()
        self.edits: list[tuple[str, str]] = []  # (ref, text)

    async def post(self, channel: Channel, message: Message) -> str | None:
        self._arrive(channel.channel_id, message)
        return f"ref-{len(self.delivered)}"

    async def edit_post(self, channel: Channel, ref: str, message: Message) -> None:
        self._arrive(channel.channel_id, message)
        self.edits.append((ref, message.plain_text()))


async def test_later_posts_under_an_anchor_edit_the_first_even_when_it_failed_once(
    world: World,
) -> None:
    messenger = world.messenger = EditingMessenger()
    messenger.fail("0 going", TransientDeliveryError("HTTP 503"))
    for n in range(3):
        post = ChannelPost(GENERAL, text_message(f"{n} going"), anchor="event:1")
        world.add(post, key=f"event:1:{n}")
    world.add(ChannelPost(GENERAL, text_message("other event"), anchor="event:2"), key="e2")

    await world.deliver_everything(world.delivery())

    assert messenger.texts_to(GENERAL.channel_id) == [
        "0 going",
        "1 going",
        "2 going",
        "other event",
    ]
    assert messenger.edits == [("ref-1", "1 going"), ("ref-1", "2 going")]
    assert messenger.tries["0 going"] == 2  # posted once it recovered, never twice
    assert world.queue.posted(GENERAL, "event:1") == "ref-1"
    assert world.queue.posted(GENERAL, "event:2") == "ref-4"


async def test_a_worker_whose_claim_lapsed_cannot_record_the_post(world: World) -> None:
    world.add(ChannelPost(GENERAL, text_message("0 going"), anchor="event:1"), key="event:1:0")
    [mine] = world.queue.claim_due(
        platform=Platform.SLACK, now=world.clock.now(), limit=10, lease=timedelta(minutes=2)
    )
    world.clock.advance(timedelta(minutes=3))
    [theirs] = world.queue.claim_due(
        platform=Platform.SLACK, now=world.clock.now(), limit=10, lease=timedelta(minutes=2)
    )

    assert world.queue.record_post(mine, "ref-stale") is False
    assert world.queue.posted(GENERAL, "event:1") is None
    assert world.queue.record_post(theirs, "ref-2") is True
    assert world.queue.posted(GENERAL, "event:1") == "ref-2"
