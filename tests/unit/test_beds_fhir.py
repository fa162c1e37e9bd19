"""Beds as FHIR: what another system reads must parse as R4B and carry the standard codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.measurereport import MeasureReport
from fhir.resources.R4B.resource import Resource

from regiozorg.beds import fhir
from regiozorg.beds.queries import BedRow, BoardLine
from regiozorg.beds.rules import BedStatus

AT = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
BED = UUID("00000000-0000-0000-0000-0000000000b1")
SITE = UUID("00000000-0000-0000-0000-0000000000a1")
WARD = UUID("00000000-0000-0000-0000-0000000000c1")
ORGANISATION = UUID("00000000-0000-0000-0000-0000000000d1")
BASE = "https://regio.example/api/v1/fhir"


def _published(resource: Resource) -> dict[str, Any]:
    """The JSON a client receives, after checking that it parses back as the same model."""
    text = resource.model_dump_json()
    assert type(resource).model_validate_json(text) == resource
    published: dict[str, Any] = json.loads(text)
    return published


def _bed(status: BedStatus = BedStatus.FREE, bed_id: UUID = BED) -> BedRow:
    return BedRow(
        id=bed_id,
        location_id=SITE,
        unit_id=WARD,
        organisation_id=ORGANISATION,
        label="ELV 03",
        status=str(status),
        care_types=["ELV_HIGH", "ELV_LOW"],
        capabilities=["oxygen"],
        status_updated_at=AT,
    )


def test_a_bed_is_a_location_of_physical_type_bd_part_of_its_ward() -> None:
    location = _published(fhir.bed_location(_bed()))
    assert (location["resourceType"], location["id"], location["name"]) == (
        "Location",
        str(BED),
        "ELV 03",
    )
    assert location["physicalType"]["coding"] == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/location-physical-type",
            "code": "bd",
            "display": "Bed",
        }
    ]
    assert location["partOf"] == {"reference": f"Location/{WARD}"}
    assert location["managingOrganization"] == {"reference": f"Organization/{ORGANISATION}"}
    assert [care["coding"][0]["code"] for care in location["type"]] == ["ELV_HIGH", "ELV_LOW"]
    assert location["meta"]["lastUpdated"] == "2026-11-24T20:00:00Z"


@pytest.mark.parametrize(
    ("status", "display", "fhir_status"),
    [
        (BedStatus.FREE, "Unoccupied", "active"),
        (BedStatus.OCCUPIED, "Occupied", "active"),
        (BedStatus.HOUSEKEEPING, "Housekeeping", "active"),
        (BedStatus.ISOLATED, "Isolated", "active"),
        (BedStatus.CONTAMINATED, "Contaminated", "active"),
        (BedStatus.CLOSED, "Closed", "inactive"),
    ],
)
def test_the_bed_status_is_the_hl7_table_0116_code(
    status: BedStatus, display: str, fhir_status: str
) -> None:
    location = _published(fhir.bed_location(_bed(status)))
    assert location["operationalStatus"] == {
        "system": "http://terminology.hl7.org/CodeSystem/v2-0116",
        "code": status.value,
        "display": display,
    }
    assert location["status"] == fhir_status


def test_a_search_is_a_searchset_bundle_whose_total_is_left_out_when_cut_off() -> None:
    beds = [_bed(), _bed(bed_id=UUID(int=2))]
    made = fhir.location_bundle(
        beds, base_url=BASE + "/", self_url=BASE + "/Location?_count=2", complete=True
    )
    assert isinstance(made, Bundle)
    whole = _published(made)
    assert (whole["type"], whole["total"]) == ("searchset", 2)
    assert whole["link"] == [{"relation": "self", "url": BASE + "/Location?_count=2"}]
    first = whole["entry"][0]
    assert first["fullUrl"] == f"{BASE}/Location/{BED}"
    assert first["search"] == {"mode": "match"}
    assert first["resource"]["resourceType"] == "Location"
    cut = _published(fhir.location_bundle(beds, base_url=BASE, self_url=BASE, complete=False))
    assert "total" not in cut
    assert len(cut["entry"]) == 2
    nothing = _published(fhir.location_bundle([], base_url=BASE, self_url=BASE, complete=True))
    assert (nothing["total"], "entry" in nothing) == (0, False)


def test_a_bed_without_care_types_has_no_type() -> None:
    bed = _bed()
    untyped = BedRow(**(vars(bed) | {"care_types": []}))
    assert "type" not in _published(fhir.bed_location(untyped))


def _line(care_type: str, free: int, held: int, occupied: int, other: int) -> BoardLine:
    return BoardLine(
        location_id=SITE,
        location="Lindehof Meppel",
        town="Meppel",
        organisation="Zorggroep Lindehof",
        care_type=care_type,
        free=free,
        held=held,
        occupied=occupied,
        other=other,
        updated_at=AT,
        stale=False,
    )


def _counts(group: dict[str, Any]) -> dict[tuple[str, str], int]:
    """Population counts by (SANER measured value, population role)."""
    counts = {}
    for population in group["population"]:
        measured, role = population["code"]["coding"]
        assert measured["system"] == "http://hl7.org/fhir/uv/saner/CodeSystem/MeasuredValues"
        counts[(measured["code"], role["code"])] = population["count"]
    return counts


def test_capacity_is_a_saner_measure_report_with_a_group_per_care_type() -> None:
    lines = [_line("GRZ", 1, 0, 7, 0), _line("ELV_LOW", 2, 1, 5, 1)]
    made = fhir.capacity_report(lines, location_id=SITE, location_name="Lindehof Meppel", at=AT)
    assert isinstance(made, MeasureReport)
    report = _published(made)
    assert (report["status"], report["type"]) == ("complete", "summary")
    assert report["subject"] == {"reference": f"Location/{SITE}", "display": "Lindehof Meppel"}
    assert report["period"] == {"start": "2026-11-24T20:00:00Z", "end": "2026-11-24T20:00:00Z"}
    elv, grz = report["group"]
    assert [elv["code"]["coding"][0]["code"], grz["code"]["coding"][0]["code"]] == [
        "ELV_LOW",
        "GRZ",
    ]
    # held beds are promised, so occupied; the closed bed counts in the total only
    assert _counts(elv) == {
        ("numTotBeds", "denominator"): 9,
        ("numTotBedsOcc", "numerator"): 6,
        ("numTotBedsAvail", "numerator-complement"): 2,
    }
    assert _counts(grz)[("numTotBedsAvail", "numerator-complement")] == 1
    assert {p["code"]["coding"][1]["system"] for p in elv["population"]} == {
        "http://terminology.hl7.org/CodeSystem/measure-population",
        "http://hl7.org/fhir/uv/saner/CodeSystem/MeasurePopulationSystem",
    }


def test_a_report_search_without_a_report_is_an_empty_searchset() -> None:
    assert _published(fhir.report_bundle(None, base_url=BASE)) == {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 0,
    }


def test_a_location_parses_as_a_location_not_any_resource() -> None:
    text = fhir.bed_location(_bed()).model_dump_json()
    assert isinstance(Location.model_validate_json(text), Location)
