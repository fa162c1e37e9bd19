"""Validated records of the network's master data, shared by forms, the API and import files."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from regiozorg.network.rules import (
    AGB_CODE,
    OrganisationKind,
    Profession,
    WardType,
    normalise_postcode,
    valid_coordinates,
)


def _split_list(value: Any) -> Any:
    """CSV cells carry lists as ``a;b;c``."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Text = Annotated[str, Field(min_length=1, max_length=160)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class OrganisationIn(Record):
    name: Text
    kind: OrganisationKind
    agb_code: Annotated[str | None, BeforeValidator(_blank_to_none)] = None

    @field_validator("agb_code")
    @classmethod
    def _agb(cls, value: str | None) -> str | None:
        if value is not None and not AGB_CODE.match(value):
            msg = "an AGB code has 8 digits"
            raise ValueError(msg)
        return value


class LocationIn(Record):
    organisation: Text
    code: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]
    name: Text
    address: Annotated[str, Field(min_length=1, max_length=200)]
    postcode: str
    town: Annotated[str, Field(min_length=1, max_length=80)]
    latitude: float
    longitude: float
    care_offered: Annotated[list[str], BeforeValidator(_split_list)] = []

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        normalised = normalise_postcode(value)
        if normalised is None:
            msg = "not a Dutch postcode (1234 AB)"
            raise ValueError(msg)
        return normalised

    @field_validator("longitude")
    @classmethod
    def _in_netherlands(cls, value: float, info: Any) -> float:
        latitude = info.data.get("latitude")
        if latitude is not None and not valid_coordinates(latitude, value):
            msg = "coordinates lie outside the Netherlands"
            raise ValueError(msg)
        return value


class UnitIn(Record):
    location: Annotated[str, Field(min_length=1, max_length=32)]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    ward_type: WardType


class StaffIn(Record):
    organisation: Text
    staff_number: Annotated[str, Field(min_length=1, max_length=32)]
    name: Text
    profession: Profession
    fte: Annotated[float, Field(gt=0, le=1.5)]
    base_location: Annotated[str | None, BeforeValidator(_blank_to_none)] = None


class TravelTimeIn(Record):
    origin: Annotated[str, Field(min_length=1, max_length=32)]
    destination: Annotated[str, Field(min_length=1, max_length=32)]
    minutes: Annotated[int, Field(ge=0, le=600)]


class NetworkDocument(Record):
    """The whole of a region's master data, as one JSON file."""

    region: Text
    organisations: list[OrganisationIn] = []
    locations: list[LocationIn] = []
    units: list[UnitIn] = []
    staff: list[StaffIn] = []
    travel_times: list[TravelTimeIn] = []


RECORD_KINDS: dict[str, type[Record]] = {
    "organisations": OrganisationIn,
    "locations": LocationIn,
    "units": UnitIn,
    "staff": StaffIn,
    "travel_times": TravelTimeIn,
}


class ClientIn(Record):
    location_id: UUID
    client_number: Annotated[str, Field(min_length=1, max_length=32)]
    name: Text
    birth_date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
