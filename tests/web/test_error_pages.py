"""A page that is not there says so in the reader's language, with the reader's own menu."""

from __future__ import annotations

from tests.cast import VIEWER
from tests.web.conftest import Browser, Login


def test_404_in_dutch_by_default(app_client: Browser) -> None:
    response = app_client.get("/no-such-page")
    assert response.status_code == 404
    assert '<html lang="nl">' in response.text
    assert "Niet gevonden." in response.text
    assert "Terug naar het overzicht" in response.text


def test_404_in_english_for_a_reader_who_chose_english(app_client: Browser) -> None:
    app_client.cookies.set("rz_lang", "en")
    response = app_client.get("/no-such-page")
    assert response.status_code == 404
    assert '<html lang="en">' in response.text
    assert "Not found." in response.text
    assert "Back to the overview" in response.text
    assert "Niet gevonden" not in response.text


def test_404_for_a_signed_in_reader_speaks_their_language_and_keeps_their_menu(
    login: Login,
) -> None:
    viewer = login(VIEWER)
    viewer.submit("/settings/language", {"locale": "en"})
    viewer.cookies.delete("rz_lang")  # the person's own choice, not only the cookie
    response = viewer.get("/no-such-page")
    assert response.status_code == 404
    assert '<html lang="en">' in response.text
    assert "Not found." in response.text
    assert "Log out" in response.text  # signed in: their menu, not the login page's
