"""Pydantic models of the coordination point's API and forms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from regiozorg.beds.rules import CAPABILITIES, BedStatus, CareType
from regiozorg.clock import local, utcnow
from regiozorg.network.rules import normalise_postcode

Hour = Annotated[int, Field(ge=0, le=24)]


class BedRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    care_type: CareType
    urgent: bool = False
    wanted_from: AwareDatetime | None = Field(
        default=None, description="When the bed is needed; now if left out."
    )
    # Stored as typed ("J.v.d.B."); the open-request check compares the letters alone.
    patient_initials: Annotated[
        str, Field(min_length=1, max_length=12, pattern=r"^[A-Za-z.'\- ]+$")
    ]
    patient_birth_year: Annotated[int, Field(ge=1900, le=2026)] | None = Field(
        default=None, description="Needed unless patient_birth_date is given."
    )
    patient_birth_date: date | None = Field(
        default=None, description="Date of birth, when known: the age is then exact."
    )
    patient_sex: Literal["F", "M", "X"]
    # The pattern documents what the check below accepts (1234 AB, 1234AB, or 1234); the check
    # itself says what is wrong in words.
    patient_postcode: Annotated[
        str, Field(json_schema_extra={"pattern": r"^\s*[1-9][0-9]{3} ?([A-Za-z]{2})?\s*$"})
    ]
    needs: list[str] = []
    medical_reason: Annotated[str, Field(max_length=200)] = Field(
        default="", description='Why a bed is needed, in words ("heupfractuur").'
    )
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
        return _known_needs(value)

    @field_validator("patient_birth_date")
    @classmethod
    def _birth_date(cls, value: date | None) -> date | None:
        if value is not None and not date(1900, 1, 1) <= value <= local(utcnow()).date():
            msg = "date of birth must lie between 1900 and today"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _birth_year_from_date(self) -> BedRequestIn:
        if self.patient_birth_date is not None:
            if self.patient_birth_year not in (None, self.patient_birth_date.year):
                msg = "patient_birth_year differs from patient_birth_date"
                raise ValueError(msg)
            self.patient_birth_year = self.patient_birth_date.year
        elif self.patient_birth_year is None:
            msg = "give patient_birth_date or patient_birth_year"
            raise ValueError(msg)
        return self

    @property
    def birth_year(self) -> int:
        assert self.patient_birth_year is not None  # the validator above sees to it
        return self.patient_birth_year


def _known_needs(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(CAPABILITIES))
    if unknown:
        msg = f"unknown needs {unknown}; known: {', '.join(CAPABILITIES)}"
        raise ValueError(msg)
    return sorted(set(value))


class RequestCorrectionIn(BaseModel):
    """What the coordinator may correct on a request found not suitable, before triaging it
    again: the care asked for and the triage facts. The patient stays the same patient."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    care_type: CareType
    needs: list[str] = []
    medical_reason: Annotated[str, Field(max_length=200)] = ""
    has_wlz_indication: bool = False
    life_expectancy_under_3_months: bool = False
    consents_outside_region: bool = False
    expects_return_home: bool = True
    preferred_location_id: UUID | None = None

    @field_validator("needs")
    @classmethod
    def _needs(cls, value: list[str]) -> list[str]:
        return _known_needs(value)


class DeclineIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


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
    reason: Annotated[str, Field(max_length=500)] = Field(
        default="",
        description="Required when the bed has a patient in it and is set to anything but "
        "occupied; giving it confirms the change.",
    )


class MatchOut(BaseModel):
    bed_id: UUID
    location_id: UUID
    score: float
    travel_minutes: int
    reasons: list[str]


# One of a location's terms (``rules.Acceptance``), for one care type or all of them.
class AcceptanceRuleIn(BaseModel):
    care_type: CareType | None = Field(default=None, description="None: every care type")
    max_age: Annotated[int, Field(ge=0, le=130)] | None = None
    admits_from_hour: Hour | None = None
    admits_until_hour: Hour | None = None


class CapacityIn(BaseModel):
    location_id: UUID
    care_type: CareType
    total: Annotated[int, Field(ge=0, le=10_000)]
    occupied: Annotated[int, Field(ge=0, le=10_000)]

    @model_validator(mode="after")
    def _occupied_within_total(self) -> CapacityIn:
        if self.occupied > self.total:
            msg = "occupied cannot exceed total"
            raise ValueError(msg)
        return self


class CapacityOut(BaseModel):
    location_id: UUID
    care_type: str
    total: int
    occupied: int
    at: datetime


class HoldDecided(BaseModel):
    hold_id: UUID
    status: str


class BedStatusSet(BaseModel):
    bed_id: UUID
    status: BedStatus
    expected_free_at: AwareDatetime | None
    change_id: UUID | None = Field(
        default=None,
        description="Set when the bed had a patient in it: the change to undo, if it was wrong.",
    )


class BedOut(BaseModel):
    id: UUID
    location_id: UUID
    unit_id: UUID
    status: str
    care_types: list[str]
    capabilities: list[str]
