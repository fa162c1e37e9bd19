"""Answers that carry client data are kept by no browser cache or proxy: ``no-store``.

A route marks itself with ``@no_store`` (under its route decorator); the routers of the
features use ``PrivacyRoute``, which adds ``Cache-Control: no-store`` to every answer of a
marked route, whether the handler returns a page, a model or a file. One mechanism, visible at
the route, instead of headers set by hand in each handler.

Why not every page: the bed board, the overview and the reports hold no client, and a shared
ward computer going back to them should not refetch what it may show from cache. Pages with a
client, a patient or an incident, the API answers with them, and every CSV export are marked.
Refusals carry no client data and are not marked.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.routing import APIRoute

NO_STORE = "no-store"
_MARK = "_regiozorg_no_store"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def no_store(endpoint: Endpoint) -> Endpoint:
    """Mark a route whose answer holds client data (or is an export)."""
    setattr(endpoint, _MARK, True)
    return endpoint


def is_no_store(endpoint: Callable[..., Any]) -> bool:
    return bool(getattr(endpoint, _MARK, False))


class PrivacyRoute(APIRoute):
    """A route that sends ``Cache-Control: no-store`` when its endpoint is marked."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not is_no_store(self.endpoint):
            return handler

        async def handle(request: Request) -> Response:
            response = await handler(request)
            response.headers["Cache-Control"] = NO_STORE
            return response

        return handle
