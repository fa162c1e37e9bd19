"""The coordination point's beds as FHIR R4(B) resources, for other systems to read.

Pure mappings, rows in and resources out: a bed is a ``Location`` with physical type ``bd``
and its HL7 v2-0116 status as ``operationalStatus``; the capacity of a site is a SANER-style
``MeasureReport`` with one group per care type. Building them with the ``fhir.resources``
models means every view is checked against the specification's structure when it is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.measurereport import (
    MeasureReport,
    MeasureReportGroup,
    MeasureReportGroupPopulation,
)
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from regiozorg.beds.queries import BedRow, BoardLine
from regiozorg.beds.rules import BedStatus

MEDIA_TYPE = "application/fhir+json"
PHYSICAL_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/location-physical-type"
BED_STATUS_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0116"
MEASURED_VALUES_SYSTEM = "http://hl7.org/fhir/uv/saner/CodeSystem/MeasuredValues"
MEASURE_POPULATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-population"
SANER_POPULATION_SYSTEM = "http://hl7.org/fhir/uv/saner/CodeSystem/MeasurePopulationSystem"
# Our own code system and measure: no national code system for these care types was found.
CARE_TYPE_SYSTEM = "https://regiozorg.nl/fhir/CodeSystem/care-type"
CAPACITY_MEASURE = "https://regiozorg.nl/fhir/Measure/bed-capacity"

# The displays of HL7 table 0116 (English, as the code system has them).
BED_STATUS_DISPLAY = {
    BedStatus.CLOSED: "Closed",
    BedStatus.HOUSEKEEPING: "Housekeeping",
    BedStatus.ISOLATED: "Isolated",
    BedStatus.CONTAMINATED: "Contaminated",
    BedStatus.OCCUPIED: "Occupied",
    BedStatus.FREE: "Unoccupied",
}


def bed_location(bed: BedRow) -> Location:
    """A bed as a FHIR Location, part of its ward. A closed bed is ``inactive``; a bed being
    cleaned or isolated stays ``active``: its operational status says why it cannot be used."""
    status = BedStatus(bed.status)
    return Location(
        id=str(bed.id),
        meta=Meta(lastUpdated=bed.status_updated_at),
        status="inactive" if status is BedStatus.CLOSED else "active",
        operationalStatus=Coding(
            system=BED_STATUS_SYSTEM, code=status.value, display=BED_STATUS_DISPLAY[status]
        ),
        name=bed.label,
        mode="instance",
        type=[
            CodeableConcept(coding=[Coding(system=CARE_TYPE_SYSTEM, code=care)])
            for care in bed.care_types
        ]
        or None,
        physicalType=CodeableConcept(
            coding=[Coding(system=PHYSICAL_TYPE_SYSTEM, code="bd", display="Bed")]
        ),
        managingOrganization=Reference(reference=f"Organization/{bed.organisation_id}"),
        partOf=Reference(reference=f"Location/{bed.unit_id}"),
    )


def location_bundle(
    beds: Sequence[BedRow], *, base_url: str, self_url: str, complete: bool
) -> Bundle:
    """A search result of beds. ``complete`` is False when the search was cut off at its
    limit: then the total is unknown and left out, as FHIR allows."""
    base = base_url.rstrip("/")
    return Bundle(
        type="searchset",
        total=len(beds) if complete else None,
        link=[BundleLink(relation="self", url=self_url)],
        entry=[
            BundleEntry(
                fullUrl=f"{base}/Location/{bed.id}",
                resource=bed_location(bed),
                search=BundleEntrySearch(mode="match"),
            )
            for bed in beds
        ]
        or None,
    )


def _population(
    measured: str, role_system: str, role: str, count: int
) -> MeasureReportGroupPopulation:
    return MeasureReportGroupPopulation(
        code=CodeableConcept(
            coding=[
                Coding(system=MEASURED_VALUES_SYSTEM, code=measured),
                Coding(system=role_system, code=role),
            ]
        ),
        count=count,
    )


def capacity_report(
    lines: Sequence[BoardLine], *, location_id: UUID, location_name: str, at: datetime
) -> MeasureReport:
    """Bed capacity of one site at ``at``, one group per care type.

    Occupied counts held beds too (they are promised to a patient); available is the free
    beds. Beds closed, being cleaned or isolated count in the total only, so available can be
    less than total minus occupied.
    """
    groups = []
    for line in sorted(lines, key=lambda line: line.care_type):
        total = line.free + line.held + line.occupied + line.other
        groups.append(
            MeasureReportGroup(
                code=CodeableConcept(coding=[Coding(system=CARE_TYPE_SYSTEM, code=line.care_type)]),
                population=[
                    _population("numTotBeds", MEASURE_POPULATION_SYSTEM, "denominator", total),
                    _population(
                        "numTotBedsOcc",
                        MEASURE_POPULATION_SYSTEM,
                        "numerator",
                        line.occupied + line.held,
                    ),
                    _population(
                        "numTotBedsAvail",
                        SANER_POPULATION_SYSTEM,
                        "numerator-complement",
                        line.free,
                    ),
                ],
            )
        )
    return MeasureReport(
        id=f"capacity-{location_id}",
        status="complete",
        type="summary",
        measure=CAPACITY_MEASURE,
        subject=Reference(reference=f"Location/{location_id}", display=location_name),
        date=at,
        period=Period(start=at, end=at),
        group=groups,
    )


def report_bundle(report: MeasureReport | None, *, base_url: str) -> Bundle:
    """A FHIR search always answers with a Bundle: here the one report, or none."""
    base = base_url.rstrip("/")
    entries = (
        []
        if report is None
        else [
            BundleEntry(
                fullUrl=f"{base}/MeasureReport/{report.id}",
                resource=report,
                search=BundleEntrySearch(mode="match"),
            )
        ]
    )
    # FHIR has no empty lists: no entry at all rather than an empty one.
    return Bundle(type="searchset", total=len(entries), entry=entries or None)
