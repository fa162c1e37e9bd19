"""The one place where text from HTTP requests is made storable, before any route sees it.

An ASGI layer rather than a pydantic type or a form hook: it reaches every route the same way,
JSON bodies, HTML forms and query strings alike, including routes that read their body
themselves, and no feature has to remember to use it. Each string is cleaned by
:func:`regiozorg.edge_text.clean` (C0 controls removed, lone surrogates replaced, NFC); a body
or query string that needed no cleaning is passed on byte for byte.

We clean rather than refuse: a NUL or a stray control character in a note or a name carries no
meaning anyone could act on, and refusing it would cost a night carer an alarm, or a form
typed again. Routes learn what was cleaned from ``request.state.cleaned_input`` (the dotted
paths, e.g. ``"text"``); the alarm intake marks such an alarm on its timeline.

Refused here, with a 400: a JSON body nested deeper than :data:`edge_text.MAX_DEPTH` levels,
which no form of ours produces and which would exhaust a recursive reader's stack further on.
Multipart bodies (file uploads) pass unchanged: the import reads its file through the same
cleaning (``network.exchange``).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from regiozorg.edge_text import MAX_DEPTH, TooDeepError, clean, clean_document
from regiozorg.errors import N_
from regiozorg.i18n import translate
from regiozorg.web.deps import LANGUAGE_COOKIE

log = logging.getLogger("regiozorg.input")

CLEANED = "cleaned_input"
"""The key in ``request.state``: the dotted paths of the values that were cleaned."""
TOO_DEEP = N_("De invoer is te diep genest (hoogstens {levels} niveaus).")


def clean_pairs(text: str) -> tuple[str | None, list[str]]:
    """A query string or urlencoded form with its names and values cleaned, and the names of
    those that were; None when nothing had to change (the original is kept byte for byte)."""
    pairs = parse_qsl(text, keep_blank_values=True)
    cleaned, paths = [], []
    for name, value in pairs:
        new_name, name_changed = clean(name)
        new_value, value_changed = clean(value)
        if name_changed or value_changed:
            paths.append(new_name)
        cleaned.append((new_name, new_value))
    return (urlencode(cleaned) if cleaned != pairs else None), paths


NEEDS_A_LOOK = re.compile(rb"[^\t\n\r\x20-\x5b\x5d-\x7e]")
"""A byte that may hide text to clean: anything but printable ASCII and JSON's whitespace, or
a backslash (an escape such as ``\\u0000`` or a lone ``\\ud800``)."""


def nothing_to_clean(body: bytes) -> bool:
    """Whether a JSON body certainly needs no cleaning, seen without parsing it: printable
    ASCII without an escape holds no control character, no surrogate and nothing NFC changes,
    and with at most :data:`MAX_DEPTH` brackets it cannot nest deeper than that. Almost every
    alarm and heartbeat is such a body; parsing and walking it cost a tenth of a heartbeat."""
    if NEEDS_A_LOOK.search(body):
        return False
    return body.count(b"[") + body.count(b"{") <= MAX_DEPTH


def clean_json(body: bytes) -> tuple[bytes | None, list[str]]:
    """A JSON body with every string cleaned; None when nothing had to change or when it is
    not JSON at all (FastAPI then answers its own 422 on the original). Bytes that are not
    UTF-8 are replaced too: an alarm platform's broken encoding must not lose the alarm."""
    if nothing_to_clean(body):
        return None, []
    try:
        text, paths = body.decode("utf-8"), []
    except UnicodeDecodeError:
        text, paths = body.decode("utf-8", errors="replace"), ["-"]
    try:
        document = json.loads(text)
    except RecursionError:
        raise TooDeepError(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        return None, []
    cleaned, found = clean_document(document)
    paths += found
    if not paths and cleaned == document:  # NFC alone may change a string: still rewritten
        return None, []
    return json.dumps(cleaned, ensure_ascii=False).encode(), paths


def _kind(headers: Headers) -> str:
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        return "json"
    if content_type == "application/x-www-form-urlencoded":
        return "form"
    return ""


async def _whole_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away: the route will notice on its own receive
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class CleanInput:
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app: ASGIApp, default_locale: str = "nl") -> None:
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cleaned: list[str] = []
        query: bytes = scope.get("query_string", b"")
        if query and (b"%" in query or not query.isascii()):
            new_query, paths = clean_pairs(query.decode("latin-1"))
            if new_query is not None:
                scope = dict(scope, query_string=new_query.encode("ascii"))
                cleaned += [f"query.{path}" for path in paths]
        headers = Headers(scope=scope)
        kind = _kind(headers)
        if kind and scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            body = await _whole_body(receive)
            try:
                if kind == "json":
                    new_body, paths = clean_json(body)
                else:
                    new_form, paths = clean_pairs(body.decode("latin-1"))
                    new_body = new_form.encode("ascii") if new_form is not None else None
            except TooDeepError:
                log.info("refused: a JSON body nested deeper than %d levels", MAX_DEPTH)
                await self._too_deep(headers)(scope, receive, send)
                return
            if new_body is not None:
                body = new_body
                scope = dict(scope, headers=_with_length(scope["headers"], len(body)))
                cleaned += paths
            receive = _replay(body, receive)
        if cleaned:
            log.warning("input cleaned at %s: %s", scope.get("path"), ", ".join(cleaned[:20]))
        scope.setdefault("state", {})[CLEANED] = cleaned
        await self.app(scope, receive, send)

    def _too_deep(self, headers: Headers) -> JSONResponse:
        chosen = _language(headers) or self.default_locale
        message = translate(chosen, TOO_DEEP, levels=MAX_DEPTH)
        return JSONResponse({"detail": message}, status_code=400)


def _language(headers: Headers) -> str | None:
    """The language cookie's choice: this layer answers before any dependency has run."""
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == LANGUAGE_COOKIE and value in ("nl", "en"):
            return value
    return None


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    return [*kept, (b"content-length", str(length).encode())]


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the (cleaned) body over once, then listens to the client again."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: Any = await receive()
        return message  # type: ignore[no-any-return]

    return replayed
