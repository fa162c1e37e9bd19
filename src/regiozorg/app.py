"""The FastAPI application factory: mounts each feature's routes and maps errors to HTTP once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from sqlalchemy import Engine, text
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import regiozorg.schema  # noqa: F401 - every feature's tables, known before the first flush
from regiozorg import events, workers
from regiozorg.accounts.web import router as accounts_router
from regiozorg.auth import AccessDeniedError, Decision
from regiozorg.beds import worker as beds_worker
from regiozorg.beds.api import router as beds_api_router
from regiozorg.beds.web import router as beds_router
from regiozorg.config import Settings, get_settings
from regiozorg.db import make_engine, make_sessionmaker
from regiozorg.errors import DomainError
from regiozorg.i18n import translate
from regiozorg.network.web import router as network_router
from regiozorg.night import worker as night_worker
from regiozorg.night.console.api import router as night_console_api_router
from regiozorg.night.console.web import router as night_router
from regiozorg.night.incidents.api import router as night_incidents_api_router
from regiozorg.night.incidents.web import router as night_incidents_router
from regiozorg.night.intake.api import router as night_intake_api_router
from regiozorg.night.reports.api import router as night_figures_api_router
from regiozorg.night.reports.web import router as night_reports_router
from regiozorg.night.setup.web import router as night_setup_router
from regiozorg.web.audit_routes import router as audit_router
from regiozorg.web.deps import NotSignedInError, csrf_protect
from regiozorg.web.favicon import router as favicon_router
from regiozorg.web.input import CleanInput
from regiozorg.web.openapi import document_refusals
from regiozorg.web.pages import PACKAGE, render
from regiozorg.web.vendor import router as vendor_router

log = logging.getLogger("regiozorg")

HTTP_MESSAGES = {
    400: "Het verzoek kon niet worden gelezen.",
    404: "Niet gevonden.",
    405: "Methode niet toegestaan.",
    500: "Er ging iets mis.",
}
# A malformed request is answered with what was wrong, never with what was sent: the input
# can be megabytes, or someone's health data.
MAX_PROBLEMS = 20
MAX_PROBLEM_TEXT = 200
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
}


class SecurityHeaders:
    """Adds the security headers to every HTTP response. Plain ASGI rather than
    ``@app.middleware``: it does not wrap the body, so live streams stay unbuffered, and it
    costs each request far less (measured on the health check)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = app.state.settings
    # Every feature's background worker, each a task of the loop (regiozorg.workers).
    app.state.workers = [
        beds_worker.start(app.state.sessions, settings.bed_hold_expiry_seconds),
        night_worker.start(app.state.sessions, settings.night_worker_seconds),
    ]
    try:
        async with app.state.fanout.serving():
            yield
    finally:
        for task in app.state.workers:
            await workers.stop(task)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="regiozorg",
        version="0.1.0",
        description="Shared beds, night care and on-call rosters for regional care networks.",
        dependencies=[Depends(csrf_protect)],
        lifespan=_lifespan,
        # Swagger UI and ReDoc load their assets from a CDN and run inline scripts, which the
        # content-security policy refuses; /openapi.json opens in any OpenAPI viewer instead.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_sessionmaker(engine)
    # Live screens hear every app process's events, through PostgreSQL when the app runs on it.
    app.state.fanout = events.Fanout(engine)

    app.mount("/static", StaticFiles(directory=PACKAGE / "web" / "static"), name="static")

    app.include_router(accounts_router)
    app.include_router(network_router)
    app.include_router(beds_router)
    app.include_router(night_router)
    app.include_router(night_incidents_router)
    app.include_router(beds_api_router)
    app.include_router(night_intake_api_router)
    app.include_router(night_console_api_router)
    app.include_router(night_incidents_api_router)
    app.include_router(night_reports_router)
    app.include_router(night_figures_api_router)
    app.include_router(night_setup_router)
    app.include_router(audit_router)
    app.include_router(vendor_router)
    app.include_router(favicon_router)

    @app.get("/api/v1/health", tags=["system"])
    def health() -> JSONResponse:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            log.exception("health check: database unreachable")
            return JSONResponse({"status": "degraded", "database": "error"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    # Every string from outside is cleaned before a route sees it (web/input.py).
    app.add_middleware(CleanInput, default_locale=settings.default_locale)
    app.add_middleware(SecurityHeaders)
    document_refusals(app)

    _map_errors(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def _error(
    request: Request,
    status: int,
    message: str,
    details: list[dict[str, object]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if _wants_json(request):
        body: dict[str, object] = {"detail": message}
        if details:
            body["problems"] = details
        return JSONResponse(body, status_code=status, headers=headers)
    response = render(request, "error.html", {"status": status, "message": message}, status)
    response.headers.update(headers or {})
    return response


def _allowed_methods(app: FastAPI, request: Request) -> str:
    """Every method some route of the app answers on the request's path."""
    methods: set[str] = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match is not Match.NONE:
                methods |= route.methods
    return ", ".join(sorted(methods))


def _problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    """What was wrong with a request, field by field, without the input itself."""
    return [
        {
            "loc": [str(part) for part in error["loc"]],
            "msg": str(error["msg"])[:MAX_PROBLEM_TEXT],
            "type": str(error["type"]),
        }
        for error in exc.errors()[:MAX_PROBLEMS]
    ]


def _map_errors(app: FastAPI) -> None:
    def locale(request: Request) -> str:
        chosen: str = getattr(request.state, "locale", None) or app.state.settings.default_locale
        return chosen

    @app.exception_handler(NotSignedInError)
    async def not_signed_in(request: Request, _exc: NotSignedInError) -> Response:
        if _wants_json(request):
            message = translate(locale(request), "Niet ingelogd.")
            return JSONResponse(
                {"detail": message}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(AccessDeniedError)
    async def denied(request: Request, exc: AccessDeniedError) -> Response:
        log.info("access denied: %s", exc)
        if exc.decision is Decision.NOT_FOUND:
            return _error(request, 404, translate(locale(request), "Niet gevonden."))
        return _error(request, 403, translate(locale(request), "Geen toegang."))

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        log.info("refused: %s", exc)
        message = translate(locale(request), exc.message, **exc.params)
        return _error(request, exc.status_code, message, exc.details)

    @app.exception_handler(ValidationError)
    async def invalid_input(request: Request, exc: ValidationError) -> Response:
        errors = exc.errors(include_input=False, include_url=False)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:MAX_PROBLEMS]
        )
        message = translate(locale(request), "Ongeldige invoer: {problems}", problems=problems)
        return _error(request, 422, message)

    @app.exception_handler(RequestValidationError)
    async def malformed_request(request: Request, exc: RequestValidationError) -> Response:
        problems = _problems(exc)
        summary = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems)
        message = translate(locale(request), "Ongeldige invoer: {problems}", problems=summary)
        return _error(request, 422, message, problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        text_ = translate(locale(request), HTTP_MESSAGES.get(exc.status_code, HTTP_MESSAGES[500]))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the methods of the first route on the path; say them all.
            headers["Allow"] = _allowed_methods(app, request)
        return _error(request, exc.status_code, text_, headers=headers)
