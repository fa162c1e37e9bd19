"""The live stream every screen listens to (the bed board, the night console, the night API)."""

from __future__ import annotations

import asyncio

from regiozorg import events
from regiozorg.night import intake
from regiozorg.web import sse


def test_the_stream_keeps_the_line_open_and_ends_when_the_client_goes_away() -> None:
    class GoneAfterThreeLooks:
        looks = 0

        async def is_disconnected(self) -> bool:
            self.looks += 1
            return self.looks > 3

    async def drain() -> list[str]:
        stream = sse.event_stream(GoneAfterThreeLooks(), intake.NIGHT, keepalive=0.02, poll=0.01)
        return [chunk async for chunk in stream]

    chunks = asyncio.run(asyncio.wait_for(drain(), 5))
    assert chunks[0].startswith("retry:")
    assert ": keep-alive\n\n" in chunks
    assert events.BROKER.subscriber_count() == 0


def test_the_stream_hears_only_its_own_topic() -> None:
    class Connected:
        async def is_disconnected(self) -> bool:
            return False

    async def first_event() -> str:
        stream = sse.event_stream(Connected(), "beds", keepalive=60, poll=0.01)
        try:
            assert (await asyncio.wait_for(anext(stream), 5)).startswith("retry:")
            events.BROKER.publish(
                events.Event(topic=intake.NIGHT, kind="incident.changed", data={})
            )
            events.BROKER.publish(events.Event(topic="beds", kind="bed.held", data={"bed": "1"}))
            return await asyncio.wait_for(anext(stream), 5)
        finally:
            await stream.aclose()

    assert asyncio.run(first_event()).startswith("event: bed.held\n")
    assert events.BROKER.subscriber_count() == 0
