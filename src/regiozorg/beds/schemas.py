"""Pydantic models of the coordination point's API and forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from regiozorg.beds.rules import CAPABILITIES, BedStatus, CareType
from regiozorg.network.rules import normalise_postcode


class BedRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    care_type: CareType
    urgent: bool = False
    wanted_from: AwareDatetime | None = Field(
        default=None, description="When the bed is needed; now if left out."
    )
    patient_initials: Annotated[str, Field(min_length=1, max_length=12, pattern=r"^[A-Za-z. ]+$")]
    patient_birth_year: Annotated[int, Field(ge=1900, le=2026)]
    patient_sex: Literal["F", "M", "X"]
    # The pattern documents what the check below accepts (1234 AB, 1234AB, or 1234); the check
    # itself says what is wrong in words.
    patient_postcode: Annotated[
        str, Field(json_schema_extra={"pattern": r"^\s*[1-9][0-9]{3} ?([A-Za-z]{2})?\s*$"})
    ]
    needs: list[str] = []
    has_wlz_indication: bool = False
    life_expectancy_under_3_months: bool = False
    consents_outside_region: bool = False
    expects_return_home: bool = True
    preferred_location_id: UUID | None = None
    referrer_kind: Literal["gp", "hospital", "gp_post", "coordinator"]
    referrer_name: Annotated[str, Field(min_length=1, max_length=160)]
    referrer_phone: Annotated[str, Field(min_length=6, max_length=40)]

    @field_validator("patient_postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        normalised = normalise_postcode(value)
        if normalised is None:
            msg = "not a Dutch postcode (1234 AB)"
            raise ValueError(msg)
        return normalised

    @field_validator("needs")
    @classmethod
    def _needs(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CAPABILITIES))
        if unknown:
            msg = f"unknown needs {unknown}; known: {', '.join(CAPABILITIES)}"
            raise ValueError(msg)
        return sorted(set(value))


class BedRequestCreated(BaseModel):
    id: UUID
    status: str


class HoldIn(BaseModel):
    bed_id: UUID


class HoldCreated(BaseModel):
    hold_id: UUID
    expires_at: datetime


class BedStatusIn(BaseModel):
    code: BedStatus
    expected_free_at: AwareDatetime | None = None


class MatchOut(BaseModel):
    bed_id: UUID
    location_id: UUID
    score: float
    travel_minutes: int
    reasons: list[str]


class BedOut(BaseModel):
    id: UUID
    location_id: UUID
    unit_id: UUID
    status: str
    care_types: list[str]
    capabilities: list[str]
