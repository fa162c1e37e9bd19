"""Pure rules of the regional network: kinds, professions, ward types, travel-time estimates."""

from __future__ import annotations

import math
import re
from enum import StrEnum


class OrganisationKind(StrEnum):
    VVT = "vvt"  # nursing home, care home and home care organisation
    DISABILITY_CARE = "disability_care"
    HOME_CARE = "home_care"
    GP_PRACTICE = "gp_practice"
    GP_POST = "gp_post"  # huisartsenpost, out of hours
    HOSPITAL = "hospital"
    MUNICIPALITY = "municipality"  # municipality or welfare


class WardType(StrEnum):
    PG = "pg"
    SOMATIEK = "somatiek"
    GRZ = "grz"
    ELV = "elv"
    KLEINSCHALIG_PG = "kleinschalig_pg"
    KLEINSCHALIG_SOMATIEK = "kleinschalig_somatiek"
    GEHANDICAPTENZORG = "gehandicaptenzorg"


class Profession(StrEnum):
    SO = "so"  # specialist ouderengeneeskunde
    VS = "vs"  # verpleegkundig specialist
    PA = "pa"  # physician assistant
    BASISARTS = "basisarts"
    VERPLEEGKUNDIGE = "verpleegkundige"
    VERZORGENDE_IG = "verzorgende_ig"
    BEGELEIDER = "begeleider"
    PLANNER = "planner"
    COORDINATOR = "coordinator"


POSTCODE = re.compile(r"^(?P<digits>[1-9][0-9]{3}) ?(?P<letters>[A-Z]{2})?$")
AGB_CODE = re.compile(r"^[0-9]{8}$")
EARTH_RADIUS_KM = 6371.0088


def normalise_postcode(text: str) -> str | None:
    """A Dutch postcode as ``1234 AB`` (or the four digits alone), or None if it is not one."""
    match = POSTCODE.match(text.strip().upper())
    if match is None:
        return None
    letters = match.group("letters")
    return f"{match.group('digits')} {letters}" if letters else match.group("digits")


def postcode_area(postcode: str) -> str:
    """The four-digit area (PC4) of a normalised postcode."""
    return postcode[:4]


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance over the earth's surface (haversine), in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def estimated_travel_minutes(
    origin: tuple[float, float],
    destination: tuple[float, float],
    *,
    detour_factor: float,
    speed_kmh: float,
) -> int:
    """Driving minutes estimated as straight-line distance x detour factor / speed, rounded up.

    Roads are never straight; a detour factor around 1.3 is usual for Dutch rural roads.
    """
    km = great_circle_km(*origin, *destination) * detour_factor
    return math.ceil(km / speed_kmh * 60)


def valid_coordinates(latitude: float, longitude: float) -> bool:
    """Inside the Netherlands' bounding box (Caribbean parts are out of scope for now)."""
    return 50.7 <= latitude <= 53.7 and 3.2 <= longitude <= 7.3
