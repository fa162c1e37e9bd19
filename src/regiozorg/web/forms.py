"""A form's one step, the same way on every page: run it and go on; refused, the form's page
again with the reason in the reader's language and the refusal's status."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from regiozorg.errors import DomainError
from regiozorg.web.pages import error_message

PageAgain = Callable[[str, int], Response]
"""The form's page once more, given the reason (in the reader's words) and the status."""


def run_form_step(
    request: Request, step: Callable[[], object], *, then: Response, again: PageAgain
) -> Response:
    """``then`` when ``step`` went through; when a domain rule refused it, ``again`` with the
    reason, so the person sees why on the page they were on (what they typed kept, where the
    page shows it)."""
    try:
        step()
    except DomainError as refused:
        return again(error_message(request, refused), refused.status_code)
    return then
