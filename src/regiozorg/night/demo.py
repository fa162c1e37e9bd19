"""The demo's shared night service: Lindehof (Meppel, Havelte), Heidezicht and Eikenrode
(Hoogeveen) share one desk and two mobile carers. Every client of those locations is enrolled
with a generated night plan and a call button or bed mat; the night roster covers the two
weeks after seeding around the clock, so the demo works whatever time it is tried.

Reads the demo region's ``network`` tables (organisations, locations, clients) to seed the
night service's own; it writes only night tables."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.clock import utcnow
from regiozorg.network.models import Client, Location, Organisation
from regiozorg.night.models import (
    AlarmController,
    AlarmDevice,
    EscalationStepRow,
    NightContact,
    NightLocation,
    NightPlan,
    NightShift,
)
from regiozorg.night.rules import ContactMode, DeskRole, EscalationTarget, Risk
from regiozorg.night.setup.actions import DEFAULT_STEPS

NIGHT_LOCATIONS = (
    ("Zorggroep Lindehof", "Meppel"),
    ("Zorggroep Lindehof", "Havelte"),
    ("Stichting Heidezicht", "Hoogeveen"),
    ("Stichting Eikenrode", "Hoogeveen"),
)
# (demo handle, place on the roster, town of the base location)
NIGHT_ROSTER = (
    ("nightcarer", DeskRole.DESK, "Meppel"),
    ("mobiel.meppel", DeskRole.MOBILE, "Meppel"),
    ("mobiel.hoogeveen", DeskRole.MOBILE, "Hoogeveen"),
)
FALLBACK_PHONE = "0522-000000"
DEMO_WEEKS = 2
DEMO_SHIFT = timedelta(hours=12)
DEMO_LEAD = timedelta(hours=1)  # the roster starts this long before seeding
INSTRUCTIONS = (
    "Eerst bellen; bij geen reactie gaat er iemand kijken.",
    "Wil 's nachts graag even gerustgesteld worden; beeldbellen werkt goed.",
    "Valt vaker bij het opstaan: bij een bedmatalarm altijd bellen en zo nodig gaan.",
    "Dwaalt soms: bij een deursensor direct iemand sturen.",
)


# Invented people to call for a client (names common enough to point at nobody), and numbers
# made from a counter in ranges no subscriber has: the demo calls no real person.
DEMO_CONTACTS = (
    ("Anna de Wit", "dochter"),
    ("Peter Smit", "zoon"),
    ("Els van Dam", "partner"),
    ("Mark Bos", "buurman, heeft een sleutel"),
)


def demo_phone(prefix: str, number: int) -> str:
    """A fictional number: ``prefix`` then the counter, eight or seven digits in all."""
    digits = 10 - len(prefix.replace("-", ""))
    return f"{prefix}{number % 10**digits:0{digits}d}"


def demo_contacts(index: int) -> tuple[tuple[str, str], ...]:
    """One or two contacts per client, taken in turn from ``DEMO_CONTACTS``."""
    first = DEMO_CONTACTS[index % len(DEMO_CONTACTS)]
    second = DEMO_CONTACTS[(index + 1) % len(DEMO_CONTACTS)]
    return (first, second) if index % 3 else (first,)


def controller_id_for(index: int) -> str:
    return f"{7100 + index}"


def seed_night(
    session: Session,
    rng: random.Random,
    uid: Callable[[], uuid.UUID],
    users: dict[str, uuid.UUID],
) -> int:
    """Set up the demo night service; returns the number of enrolled clients."""
    now = utcnow()
    enrolled = 0
    bases: dict[str, uuid.UUID] = {}
    for index, (organisation, town) in enumerate(NIGHT_LOCATIONS):
        location = session.scalar(
            select(Location)
            .join(Organisation, Organisation.id == Location.organisation_id)
            .where(Organisation.name == organisation, Location.town == town)
            .order_by(Location.code)
            .limit(1)
        )
        if location is None:
            continue
        bases.setdefault(town, location.id)
        session.add(
            NightLocation(
                location_id=location.id,
                answer_norm_seconds=60,
                on_site_norm_minutes=15 if organisation == "Stichting Eikenrode" else 30,
                staff_phone=f"0{rng.randint(500, 599)}-{rng.randint(100000, 999999)}",
            )
        )
        controller = controller_id_for(index)
        session.add(
            AlarmController(
                controller_id=controller,
                location_id=location.id,
                heartbeat_interval_seconds=300,
                link_down=False,
            )
        )
        session.flush()
        clients = session.scalars(
            select(Client).where(Client.location_id == location.id).order_by(Client.client_number)
        ).all()
        for number, client in enumerate(clients, start=1):
            risks = sorted(rng.sample(list(Risk)[:3], rng.randint(0, 2)))
            session.add(
                NightPlan(
                    client_id=client.id,
                    enrolled=True,
                    instructions=rng.choice(INSTRUCTIONS),
                    risks=[str(r) for r in risks],
                    epilepsy_protocol="Na 5 minuten aanval: noodmedicatie volgens protocol en 112."
                    if Risk.EPILEPSY in risks
                    else "",
                    monitoring_consent=rng.random() < 0.8,
                    contact_mode=rng.choice([ContactMode.PHONE, ContactMode.VIDEO]),
                    key_information=f"Sleutelkluis bij de voordeur, code {rng.randint(1000, 9999)}",
                    phone=demo_phone("085-0", enrolled),
                )
            )
            session.flush()  # the contacts below refer to the plan
            for position, (name, relation) in enumerate(demo_contacts(enrolled), start=1):
                session.add(
                    NightContact(
                        client_id=client.id,
                        position=position,
                        name=name,
                        relation=relation,
                        phone=demo_phone("06-00", 10 * enrolled + position),
                    )
                )
            session.add(
                AlarmDevice(
                    controller_id=controller,
                    device_id=f"D{number:03d}",
                    device_type="0013" if Risk.FALL in risks else "0003",
                    client_id=client.id,
                    room=f"kamer {number}",
                )
            )
            enrolled += 1
    for priority in range(1, 6):
        # The most urgent alarms escalate twice as fast.
        factor = 0.5 if priority == 1 else 1.0
        for number, (seconds, target) in enumerate(DEFAULT_STEPS, start=1):
            session.add(
                EscalationStepRow(
                    priority=priority,
                    number=number,
                    after_seconds=int(seconds * factor),
                    target=target,
                    phone=FALLBACK_PHONE if target is EscalationTarget.PHONE else None,
                )
            )
    # The demo is shown at any hour, so its roster runs round the clock: back-to-back shifts of
    # DEMO_SHIFT (a shift gives access only for its own length) from an hour before seeding to
    # past DEMO_WEEKS after it: whole shifts, rounded up, so the last hour is covered too.
    first = now - DEMO_LEAD
    shifts = -(-(DEMO_LEAD + DEMO_WEEKS * timedelta(weeks=1)) // DEMO_SHIFT) + 1
    for handle, role, town in NIGHT_ROSTER:
        if handle not in users:
            continue
        phone = f"06-{rng.randint(10000000, 99999999)}"
        for number in range(shifts):
            starts_at = first + number * DEMO_SHIFT
            session.add(
                NightShift(
                    id=uid(),
                    user_id=users[handle],
                    role=role,
                    base_location_id=bases.get(town),
                    phone=phone,
                    starts_at=starts_at,
                    ends_at=starts_at + DEMO_SHIFT,
                )
            )
    return enrolled
