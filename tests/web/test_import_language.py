"""An import that is refused says every problem in the reader's language, line and field."""

from __future__ import annotations

import html

import pytest

from tests.cast import LINDEHOF, NETWORK_ADMIN
from tests.web.conftest import Login

BAD_LOCATIONS = (
    "organisation,code,name,address,postcode,town,latitude,longitude,colour\n"
    f"{LINDEHOF},NEW-1,Nieuw,Weg 1,7941 AB,Meppel,52.69,6.19,blauw\n"
    f"{LINDEHOF},NEW-2,Nieuw 2,Weg 2,99999,Meppel,oost,6.19,rood\n"
)


@pytest.mark.parametrize(
    ("locale", "expected", "foreign"),
    [
        (
            "nl",
            [
                "Bestand niet ingelezen, niets is opgeslagen",
                "regel 1, veld 'colour': onbekende kolom",
            ],
            ["line ", "unknown column"],
        ),
        (
            "en",
            [
                "File not imported, nothing was saved",
                "line 1, field 'colour': unknown column",
            ],
            ["regel ", "onbekende kolom", "niets is opgeslagen"],
        ),
    ],
)
def test_import_problems_in_the_readers_language(
    login: Login, locale: str, expected: list[str], foreign: list[str]
) -> None:
    admin = login(NETWORK_ADMIN)
    admin.submit("/settings/language", {"locale": locale})
    admin.page("/admin/import")
    response = admin.post(
        "/admin/import",
        data={"csrf_token": admin.csrf, "kind": "locations"},
        files={"file": ("locations.csv", BAD_LOCATIONS.encode(), "text/csv")},
    )
    assert response.status_code == 422
    alert = html.unescape(response.text.split('role="alert"', 1)[1].split("</p>", 1)[0])
    for text in expected:
        assert text in alert
    for text in foreign:
        assert text not in alert


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("nl", ["regel 3, veld 'postcode': geen Nederlandse postcode (1234 AB)",
                "regel 3, veld 'latitude': geen getal"]),
        ("en", ["line 3, field 'postcode': not a Dutch postcode (1234 AB)",
                "line 3, field 'latitude': not a number"]),
    ],
)  # fmt: skip
def test_field_problems_in_the_readers_language(
    login: Login, locale: str, expected: list[str]
) -> None:
    admin = login(NETWORK_ADMIN)
    admin.submit("/settings/language", {"locale": locale})
    admin.page("/admin/import")
    good_header = BAD_LOCATIONS.replace(",colour", "").replace(",blauw", "").replace(",rood", "")
    response = admin.post(
        "/admin/import",
        data={"csrf_token": admin.csrf, "kind": "locations"},
        files={"file": ("locations.csv", good_header.encode(), "text/csv")},
    )
    assert response.status_code == 422
    alert = html.unescape(response.text.split('role="alert"', 1)[1].split("</p>", 1)[0])
    for text in expected:
        assert text in alert


@pytest.mark.parametrize(
    ("locale", "imported", "option"),
    [("nl", "locaties 1", "CSV: reistijden"), ("en", "locations 1", "CSV: travel times")],
)
def test_the_kinds_of_record_are_words_in_the_readers_language(
    login: Login, locale: str, imported: str, option: str
) -> None:
    admin = login(NETWORK_ADMIN)
    admin.submit("/settings/language", {"locale": locale})
    page = admin.page("/admin/import")
    assert option in page and "CSV: travel_times" not in page
    one_location = "\n".join(BAD_LOCATIONS.splitlines()[:2]).replace(",colour", "")
    response = admin.post(
        "/admin/import",
        data={"csrf_token": admin.csrf, "kind": "locations"},
        files={"file": ("locations.csv", one_location.replace(",blauw", "").encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    status = html.unescape(response.text.split('role="status"', 1)[1].split("</p>", 1)[0])
    assert imported in status
