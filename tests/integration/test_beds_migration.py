"""Migration 0010: the eligibility reasons stored as Dutch sentences become the rules'
codes; a reason a person typed stays as it was."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import Connection, create_engine, text

from regiozorg.beds import rules
from regiozorg.migrate import upgrade

WLZ = "Patiënt heeft een Wlz-indicatie: ELV is uitgesloten."
CRISIS = (
    "Wlz-crisis vraagt instemming van de cliënt met een bed buiten de regio of buiten de voorkeur."
)


def _insert(connection: Connection, status: str, reason: str) -> str:
    request_id = uuid.uuid4().hex
    connection.execute(
        text(
            "INSERT INTO bed_requests (id, care_type, status, urgent, wanted_from, patient_key, "
            "patient_initials, patient_birth_year, patient_sex, patient_postcode, needs, "
            "has_wlz_indication, life_expectancy_under_3_months, consents_outside_region, "
            "expects_return_home, referrer_kind, referrer_name, referrer_phone, outcome_reason, "
            "created_at, updated_at) VALUES (:id, 'ELV_LOW', :status, 0, '2026-12-01 10:00:00', "
            ":key, 'AB', 1940, 'F', '7901AB', '[]', 1, 0, 0, 1, 'gp', 'Dokter', '0528-123456', "
            ":reason, '2026-12-01 10:00:00', '2026-12-01 10:00:00')"
        ),
        {"id": request_id, "status": status, "key": request_id, "reason": reason},
    )
    return request_id


def test_stored_sentences_become_codes_and_typed_reasons_stay(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0009")
    engine = create_engine(url)
    with engine.begin() as connection:
        both = _insert(connection, "not_eligible", f"{WLZ}\n{CRISIS}")
        unknown = _insert(connection, "not_eligible", "Iets anders")
        typed = _insert(connection, "cancelled", WLZ)
    upgrade(url, "0010")
    with engine.connect() as connection:
        rows = {
            row[0]: (row[1], row[2])
            for row in connection.execute(
                text("SELECT id, outcome_codes, outcome_reason FROM bed_requests")
            )
        }
    engine.dispose()
    codes, reason = rows[both]
    assert reason is None
    assert rules.reasons_from(codes) == [
        rules.Reason("elv_excluded_by_wlz"),
        rules.Reason("crisis_needs_consent_to_any_bed"),
    ]
    assert rows[unknown] == (None, "Iets anders")
    assert rows[typed] == (None, WLZ)  # a cancellation's reason is a person's words
