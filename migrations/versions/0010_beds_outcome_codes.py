"""bed requests: why a request is not suitable, kept as the rules' codes

Until now the eligibility rules' Dutch sentences were stored joined in ``outcome_reason``, so
English readers read Dutch and the reports counted by free text. ``outcome_codes`` keeps the
rules' reasons as codes with parameters (JSON, as ``beds.rules.stored_reasons`` writes it);
``outcome_reason`` keeps only what a person typed. Rows whose every line is one of the rules'
sentences are converted; any other row stays as it was and is shown as before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 01:20:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The eligibility rules' sentences as they were stored, and their codes (frozen here: the
# migration must not change when the rules do).
CODES = {
    "Patiënt heeft een Wlz-indicatie: ELV is uitgesloten.": "elv_excluded_by_wlz",
    "Palliatief ELV vraagt een levensverwachting korter dan drie maanden.": (
        "palliative_needs_short_life_expectancy"
    ),
    "ELV laag/hoog-complex vraagt de verwachting dat de patiënt weer naar huis gaat.": (
        "elv_needs_expected_return_home"
    ),
    "Wlz-crisis vraagt instemming van de cliënt met een bed buiten de regio of buiten de "
    "voorkeur.": "crisis_needs_consent_to_any_bed",
}

requests = sa.table(
    "bed_requests",
    sa.column("id", sa.Uuid()),
    sa.column("status", sa.String()),
    sa.column("outcome_reason", sa.String()),
    sa.column("outcome_codes", sa.Text()),
)


def _stored(codes: list[str]) -> str:
    return json.dumps([[code, {}] for code in codes], sort_keys=True)


def upgrade() -> None:
    op.add_column("bed_requests", sa.Column("outcome_codes", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(requests.c.id, requests.c.outcome_reason).where(
            requests.c.status == "not_eligible", requests.c.outcome_reason.is_not(None)
        )
    ).all()
    for request_id, text in rows:
        lines = text.splitlines()
        if lines and all(line in CODES for line in lines):
            connection.execute(
                requests.update()
                .where(requests.c.id == request_id)
                .values(outcome_codes=_stored([CODES[line] for line in lines]), outcome_reason=None)
            )


def downgrade() -> None:
    sentences = {code: sentence for sentence, code in CODES.items()}
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(requests.c.id, requests.c.outcome_codes).where(
            requests.c.outcome_codes.is_not(None)
        )
    ).all()
    for request_id, stored in rows:
        text = "\n".join(sentences.get(code, code) for code, _ in json.loads(stored))
        connection.execute(
            requests.update().where(requests.c.id == request_id).values(outcome_reason=text[:500])
        )
    op.drop_column("bed_requests", "outcome_codes")
