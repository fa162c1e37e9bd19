"""A reason kept with a bed request is read in the reader's language: the rules' reasons are
translated, what a person typed stays as typed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.cast import COORDINATOR, PHYSICIAN
from tests.web.conftest import Login
from tests.web.test_beds_pages import _new_request

RULE_REASON_NL = "Patiënt heeft een Wlz-indicatie: ELV is uitgesloten."
RULE_REASON_EN = "The patient has a Wlz indication: ELV is excluded."


def test_a_rules_reason_is_shown_in_english_to_an_english_reader(
    login: Login, session: Session
) -> None:
    physician = login(PHYSICIAN)
    request_id = _new_request(physician, session, has_wlz_indication="true")
    assert RULE_REASON_NL in physician.page(f"/beds/requests/{request_id}")
    physician.submit("/settings/language", {"locale": "en"})
    page = physician.page(f"/beds/requests/{request_id}")
    assert RULE_REASON_EN in page
    assert RULE_REASON_NL not in page

    coordinator = login(COORDINATOR)
    coordinator.submit("/settings/language", {"locale": "en"})
    report = coordinator.page("/beds/reports")
    assert RULE_REASON_EN in report
    assert RULE_REASON_NL not in report


def test_a_typed_reason_stays_as_typed(login: Login, session: Session) -> None:
    coordinator = login(COORDINATOR)
    request_id = _new_request(coordinator, session)
    coordinator.page(f"/beds/requests/{request_id}")
    cancelled = coordinator.submit(
        f"/beds/requests/{request_id}/status",
        {"target": "cancelled", "note": "Familie neemt haar in huis"},
    )
    assert cancelled.status_code == 303
    coordinator.submit("/settings/language", {"locale": "en"})
    assert "Familie neemt haar in huis" in coordinator.page(f"/beds/requests/{request_id}")
