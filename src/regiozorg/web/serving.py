"""uvicorn's server, told to end the app's live streams first when it stops.

uvicorn stops by closing its sockets, then waiting for every open response to finish, and only
then running the app's lifespan shutdown: a shutdown event set in the lifespan comes too late,
and nothing in ASGI tells a streaming response that the server is going. So the server itself
says so (``sse.stop_streams``) before it waits; each stream ends within a second and the
browsers reconnect to the next server. ``regiozorg serve`` and the browser tests run this one.
"""

from __future__ import annotations

import socket

import uvicorn
from starlette.applications import Starlette

from regiozorg.web import sse


class Server(uvicorn.Server):
    def __init__(self, app: Starlette, **options: object) -> None:
        super().__init__(uvicorn.Config(app, **options))  # type: ignore[arg-type]
        self.app = app

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        sse.stop_streams(self.app, stopping=False)  # the same app may be served again
        await super().startup(sockets)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        sse.stop_streams(self.app)
        await super().shutdown(sockets)
