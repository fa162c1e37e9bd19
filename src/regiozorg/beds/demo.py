"""Beds for the demo region: every care unit gets beds whose care types follow its ward type.

Bulk inserts: the national demo has about 120,000 beds. Reads the network's ``locations`` and
``units`` (the demo network is seeded first).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from regiozorg.beds.models import Bed, BedCareType
from regiozorg.beds.rules import BedStatus, CareType
from regiozorg.clock import utcnow
from regiozorg.network.models import Location, Unit
from regiozorg.network.rules import WardType

CARE_BY_WARD = {
    WardType.ELV: (CareType.ELV_LOW, CareType.ELV_HIGH, CareType.ELV_PALLIATIVE),
    WardType.PG: (CareType.WLZ_CRISIS_VV, CareType.WLZ_RESPITE),
    WardType.SOMATIEK: (CareType.WLZ_CRISIS_VV, CareType.WLZ_RESPITE, CareType.ELV_LOW),
    WardType.GRZ: (CareType.GRZ,),
    WardType.KLEINSCHALIG_PG: (CareType.WLZ_RESPITE,),
    WardType.KLEINSCHALIG_SOMATIEK: (CareType.WLZ_RESPITE,),
    WardType.GEHANDICAPTENZORG: (CareType.WLZ_CRISIS_GZ, CareType.WLZ_RESPITE),
}
EXTRAS = (("oxygen", 0.3), ("hoist", 0.4), ("isolation", 0.1), ("bariatric", 0.05))
CHUNK = 5000


def seed_beds(
    session: Session,
    rng: random.Random,
    uid: Callable[[], uuid.UUID],
    *,
    beds_per_unit: int,
) -> int:
    now = utcnow()
    units = session.execute(
        select(Unit.id, Unit.name, Unit.ward_type, Location.id, Location.organisation_id)
        .join(Location, Location.id == Unit.location_id)
        .order_by(Location.code, Unit.name)
    ).all()
    beds: list[dict[str, Any]] = []
    care_types: list[dict[str, Any]] = []
    for unit_id, unit_name, ward, location_id, organisation_id in units:
        for number in range(1, beds_per_unit + 1):
            bed_id = uid()
            capabilities = ["pg"] if ward in (WardType.PG, WardType.KLEINSCHALIG_PG) else []
            capabilities += [name for name, share in EXTRAS if rng.random() < share]
            draw = rng.random()
            status = (
                BedStatus.OCCUPIED
                if draw < 0.84
                else BedStatus.FREE
                if draw < 0.97
                else rng.choice([BedStatus.CLOSED, BedStatus.HOUSEKEEPING, BedStatus.ISOLATED])
            )
            expected_free = (
                now + timedelta(days=rng.randint(1, 30))
                if status is BedStatus.OCCUPIED and rng.random() < 0.3
                else None
            )
            beds.append(
                {
                    "id": bed_id,
                    "unit_id": unit_id,
                    "location_id": location_id,
                    "organisation_id": organisation_id,
                    "label": f"{unit_name} {number:02d}",
                    "status": status,
                    "capabilities": capabilities,
                    "expected_free_at": expected_free,
                    "status_updated_at": now - timedelta(minutes=rng.randint(0, 600)),
                }
            )
            care_types += [{"bed_id": bed_id, "care_type": c} for c in CARE_BY_WARD[ward]]
    for start in range(0, len(beds), CHUNK):
        session.execute(insert(Bed), beds[start : start + CHUNK])
    for start in range(0, len(care_types), CHUNK):
        session.execute(insert(BedCareType), care_types[start : start + CHUNK])
    return len(beds)
