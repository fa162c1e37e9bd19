"""A refused step's reason is said in the reader's language, else in the configured one."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request

from regiozorg.config import Settings
from regiozorg.errors import DomainError
from regiozorg.web.pages import error_message, page_locale


def _request(default_locale: str) -> Request:
    app = FastAPI()
    app.state.settings = Settings(default_locale=default_locale)
    return Request({"type": "http", "app": app, "headers": [], "state": {}})


def test_a_refusal_is_said_in_the_configured_language_when_no_one_chose() -> None:
    refused = DomainError("Deze melding is al gesloten.")
    request = _request("en")
    assert page_locale(request) == "en"
    assert error_message(request, refused) == "This incident is already closed."
    assert error_message(_request("nl"), refused) == "Deze melding is al gesloten."


def test_the_readers_choice_wins_over_the_configured_language() -> None:
    request = _request("en")
    request.state.locale = "nl"
    refused = DomainError("Deze melding is al gesloten.")
    assert error_message(request, refused) == "Deze melding is al gesloten."
