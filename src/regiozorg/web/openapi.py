"""The API's refusals, documented once for every route that can give them.

Each route documents what it does; the answers that come from the shared layers (no token, a
role that may not, a malformed request, an id that is not there or not yours) are added here,
derived from what the route depends on, so the OpenAPI document says what the API really
answers and a new route cannot forget them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from regiozorg.web.deps import current_actor


class Problem(BaseModel):
    """Every refusal: one message, in the user's language (Dutch unless they chose English);
    ``problems`` names each field that was wrong, where the request was malformed."""

    detail: str
    problems: list[dict[str, Any]] | None = None


PROBLEM_REF = "#/components/schemas/Problem"


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": PROBLEM_REF}}},
    }


NOT_SIGNED_IN = _problem("No valid session or bearer token")
FORBIDDEN = _problem("Not allowed for your roles")
NOT_FOUND = _problem("Not found, or not yours to see")
MALFORMED = _problem("The request's parameters or body are malformed; each problem is named")
UNREADABLE = _problem("The body could not be read (not UTF-8, or not the declared format)")


def _signed_in(dependant: Dependant) -> bool:
    return any(sub.call is current_actor or _signed_in(sub) for sub in dependant.dependencies)


def refusals(route: APIRoute, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The refusals ``route`` can give from the shared layers: 401 and 403 where it needs
    someone signed in; 422 where it takes parameters or a body; 400 for a body that cannot be
    read at all; 404 where the request names something (by id, in the path, the query or the
    body) that may not be there, or not be the asker's to see."""
    found: dict[str, dict[str, Any]] = {}
    if _signed_in(route.dependant):
        found |= {"401": NOT_SIGNED_IN, "403": FORBIDDEN}
    if operation.get("parameters") or "requestBody" in operation:
        found["422"] = MALFORMED
    if "requestBody" in operation:
        found["400"] = UNREADABLE
    if operation.get("parameters") or "requestBody" in operation:
        found["404"] = NOT_FOUND
    return found


def _documented(route: APIRoute, operation: dict[str, Any]) -> dict[str, Any]:
    """The route's own answers with the shared refusals; a refusal is always JSON (also on a
    FHIR route), and FastAPI's default 422 body, which this app never sends, is replaced."""
    merged = refusals(route, operation)
    for status, answer in operation["responses"].items():
        if PROBLEM_REF in str(answer):
            merged[status] = _problem(answer["description"])
        elif status != "422":
            merged[status] = answer
    return dict(sorted(merged.items()))


def document_refusals(app: FastAPI) -> None:
    """Let the app's OpenAPI document name the shared refusals of every API route; what a
    route documents itself (a more precise 404, say) wins."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = Problem.model_json_schema()
            for context in iter_route_contexts(app.routes):
                route = context.original_route
                if not (isinstance(route, APIRoute) and route.include_in_schema):
                    continue
                for method in context.methods or ():
                    operation = document["paths"][context.path_format][method.lower()]
                    operation["responses"] = _documented(route, operation)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented extension point
