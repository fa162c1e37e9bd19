"""The demo region: fictional organisations at real Dutch towns, deterministic from a seed.

``small`` is Zuidwest-Drenthe, the named cast of the tests; ``region`` adds more of the same
around it; ``national`` spreads about 2,500 locations over the whole country for benchmarks.
No real person's data: names are drawn from common first names and surnames at random.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regiozorg import audit
from regiozorg.accounts.models import MembershipRow, User
from regiozorg.accounts.rules import hash_password
from regiozorg.auth import SYSTEM, Role
from regiozorg.beds.demo import seed_beds
from regiozorg.network.models import (
    Client,
    Location,
    Organisation,
    PostcodeArea,
    Region,
    StaffMember,
    Unit,
)
from regiozorg.network.rules import OrganisationKind, Profession, WardType
from regiozorg.night.demo import NIGHT_ROSTER, seed_night
from regiozorg.night.rules import DeskRole
from regiozorg.transaction import unit_of_work

DEMO_PASSWORD = "regiozorg-demo-2026"  # noqa: S105 - demo installs only; in the README
DEMO_DOMAIN = "demo.regiozorg.nl"
REGION_NAME = "Zuidwest-Drenthe (demo)"


class Scale(StrEnum):
    SMALL = "small"
    REGION = "region"
    NATIONAL = "national"


@dataclass(frozen=True)
class Town:
    name: str
    postcode: str  # four-digit area
    latitude: float
    longitude: float


DRENTHE = [
    Town("Meppel", "7941", 52.6958, 6.1944),
    Town("Havelte", "7971", 52.7697, 6.2375),
    Town("Nijeveen", "7948", 52.7250, 6.1667),
    Town("Hoogeveen", "7901", 52.7233, 6.4760),
    Town("Zuidwolde", "7921", 52.6706, 6.4300),
    Town("Ruinen", "7963", 52.7625, 6.3530),
    Town("Dwingeloo", "7991", 52.8344, 6.3697),
    Town("Diever", "7981", 52.8547, 6.3194),
    Town("Beilen", "9411", 52.8611, 6.5136),
    Town("Westerbork", "9431", 52.8500, 6.6083),
    Town("Steenwijk", "8331", 52.7875, 6.1208),
    Town("Vledder", "8381", 52.8597, 6.2100),
]
COUNTRY = [
    Town("Groningen", "9711", 53.2194, 6.5665),
    Town("Leeuwarden", "8911", 53.2012, 5.7999),
    Town("Assen", "9401", 52.9925, 6.5649),
    Town("Emmen", "7811", 52.7792, 6.9069),
    Town("Zwolle", "8011", 52.5168, 6.0830),
    Town("Enschede", "7511", 52.2215, 6.8937),
    Town("Deventer", "7411", 52.2550, 6.1639),
    Town("Apeldoorn", "7311", 52.2112, 5.9699),
    Town("Arnhem", "6811", 51.9851, 5.8987),
    Town("Nijmegen", "6511", 51.8426, 5.8546),
    Town("Utrecht", "3511", 52.0907, 5.1214),
    Town("Amersfoort", "3811", 52.1561, 5.3878),
    Town("Amsterdam", "1012", 52.3676, 4.9041),
    Town("Haarlem", "2011", 52.3874, 4.6462),
    Town("Alkmaar", "1811", 52.6324, 4.7534),
    Town("Den Helder", "1781", 52.9563, 4.7601),
    Town("Leiden", "2311", 52.1601, 4.4970),
    Town("Den Haag", "2511", 52.0705, 4.3007),
    Town("Rotterdam", "3011", 51.9244, 4.4777),
    Town("Dordrecht", "3311", 51.8133, 4.6901),
    Town("Gouda", "2801", 52.0115, 4.7105),
    Town("Middelburg", "4331", 51.4988, 3.6136),
    Town("Breda", "4811", 51.5719, 4.7683),
    Town("Tilburg", "5038", 51.5555, 5.0913),
    Town("Den Bosch", "5211", 51.6978, 5.3037),
    Town("Eindhoven", "5611", 51.4416, 5.4697),
    Town("Helmond", "5701", 51.4793, 5.6570),
    Town("Venlo", "5911", 51.3704, 6.1724),
    Town("Roermond", "6041", 51.1942, 5.9870),
    Town("Maastricht", "6211", 50.8514, 5.6910),
    Town("Heerlen", "6411", 50.8882, 5.9795),
    Town("Lelystad", "8232", 52.5185, 5.4714),
    Town("Almere", "1315", 52.3508, 5.2647),
    Town("Hilversum", "1211", 52.2292, 5.1669),
    Town("Ede", "6711", 52.0402, 5.6649),
    Town("Doetinchem", "7001", 51.9654, 6.2886),
    Town("Zutphen", "7201", 52.1383, 6.2014),
    Town("Hengelo", "7551", 52.2658, 6.7931),
    Town("Almelo", "7607", 52.3570, 6.6625),
    Town("Drachten", "9201", 53.1046, 6.0988),
    Town("Sneek", "8601", 53.0327, 5.6589),
    Town("Heerenveen", "8441", 52.9597, 5.9192),
    Town("Kampen", "8261", 52.5551, 5.9114),
    Town("Harderwijk", "3841", 52.3506, 5.6206),
    Town("Gorinchem", "4201", 51.8306, 4.9742),
    Town("Oss", "5341", 51.7650, 5.5181),
    Town("Bergen op Zoom", "4611", 51.4950, 4.2917),
    Town("Roosendaal", "4701", 51.5308, 4.4653),
    Town("Terneuzen", "4531", 51.3358, 3.8275),
    Town("Zaandam", "1506", 52.4420, 4.8292),
    Town("Hoorn", "1621", 52.6425, 5.0597),
    Town("Purmerend", "1441", 52.5050, 4.9597),
    Town("Delft", "2611", 52.0116, 4.3571),
    Town("Zoetermeer", "2711", 52.0607, 4.4940),
    Town("Veenendaal", "3901", 52.0286, 5.5589),
    Town("Tiel", "4001", 51.8860, 5.4290),
    Town("Weert", "6001", 51.2517, 5.7061),
    Town("Sittard", "6131", 51.0000, 5.8694),
    Town("Winterswijk", "7101", 51.9725, 6.7194),
    Town("Coevorden", "7741", 52.6611, 6.7406),
]

FIRST_NAMES = [
    "Anna",
    "Bram",
    "Carla",
    "Daan",
    "Els",
    "Fenna",
    "Gerrit",
    "Hanna",
    "Ilse",
    "Jan",
    "Karin",
    "Lars",
    "Marieke",
    "Noor",
    "Otto",
    "Petra",
    "Quinten",
    "Roos",
    "Sander",
    "Tineke",
    "Ursula",
    "Vera",
    "Wim",
    "Yara",
    "Zeger",
    "Aaltje",
    "Berend",
    "Dirkje",
    "Geesje",
    "Harm",
    "Jantje",
]
SURNAMES = [
    "Bakker",
    "Bos",
    "Brouwer",
    "Dijkstra",
    "Hoekstra",
    "Jansen",
    "Kok",
    "Kuiper",
    "Meijer",
    "Mulder",
    "Postma",
    "Smit",
    "Veenstra",
    "Visser",
    "de Boer",
    "de Graaf",
    "de Jong",
    "de Vries",
    "Hofman",
    "Koster",
    "Lubbers",
    "Oosting",
    "Pol",
    "Schuurman",
    "Timmer",
]
STREETS = [
    "Lindelaan",
    "Heideweg",
    "Brink",
    "Esweg",
    "Kerkstraat",
    "Molenweg",
    "Veenlaan",
    "Zorgpad",
    "Hofstraat",
    "Markeweg",
]
CARE_PROFESSIONS = [
    (Profession.SO, 2),
    (Profession.VS, 1),
    (Profession.PA, 1),
    (Profession.BASISARTS, 1),
    (Profession.VERPLEEGKUNDIGE, 6),
    (Profession.VERZORGENDE_IG, 10),
]


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: OrganisationKind
    towns: tuple[str, ...]
    wards: tuple[WardType, ...] = ()


ZUIDWEST_DRENTHE = [
    DemoOrganisation("Netwerkbureau Zuidwest-Drenthe", OrganisationKind.MUNICIPALITY, ("Meppel",)),
    DemoOrganisation(
        "Zorggroep Lindehof",
        OrganisationKind.VVT,
        ("Meppel", "Havelte", "Nijeveen"),
        (WardType.PG, WardType.SOMATIEK, WardType.ELV),
    ),
    DemoOrganisation(
        "Stichting Heidezicht",
        OrganisationKind.VVT,
        ("Hoogeveen", "Zuidwolde", "Ruinen"),
        (WardType.KLEINSCHALIG_PG, WardType.GRZ, WardType.SOMATIEK),
    ),
    DemoOrganisation(
        "Woonzorg Dwingelderveld",
        OrganisationKind.VVT,
        ("Dwingeloo", "Diever", "Beilen"),
        (WardType.PG, WardType.KLEINSCHALIG_SOMATIEK),
    ),
    DemoOrganisation(
        "Zorgcentrum Steenwijkerhof",
        OrganisationKind.VVT,
        ("Steenwijk", "Vledder"),
        (WardType.PG, WardType.ELV, WardType.SOMATIEK),
    ),
    DemoOrganisation(
        "Stichting Eikenrode",
        OrganisationKind.DISABILITY_CARE,
        ("Westerbork", "Beilen", "Hoogeveen"),
        (WardType.GEHANDICAPTENZORG,),
    ),
    DemoOrganisation(
        "Thuiszorg Drentse Wijken", OrganisationKind.HOME_CARE, ("Meppel", "Hoogeveen")
    ),
    DemoOrganisation("Huisartsenpraktijk Brinkzicht", OrganisationKind.GP_PRACTICE, ("Meppel",)),
    DemoOrganisation("Huisartsenpost Zuidwest", OrganisationKind.GP_POST, ("Hoogeveen",)),
    DemoOrganisation("Ziekenhuis Wolderhof", OrganisationKind.HOSPITAL, ("Hoogeveen",)),
]

HOME_ORGANISATION = "Zorggroep Lindehof"
NETWORK_OFFICE = "Netwerkbureau Zuidwest-Drenthe"
DEMO_USERS = [
    ("networkadmin", Role.NETWORK_ADMIN, NETWORK_OFFICE),
    ("orgadmin", Role.ORG_ADMIN, HOME_ORGANISATION),
    ("coordinator", Role.COORDINATOR, HOME_ORGANISATION),
    ("nightcarer", Role.NIGHT_CARER, HOME_ORGANISATION),
    ("physician", Role.PHYSICIAN, HOME_ORGANISATION),
    ("planner", Role.PLANNER, HOME_ORGANISATION),
    ("viewer", Role.VIEWER, HOME_ORGANISATION),
    # a second organisation's people, to show what stays private between organisations
    ("orgadmin.heidezicht", Role.ORG_ADMIN, "Stichting Heidezicht"),
    ("physician.heidezicht", Role.PHYSICIAN, "Stichting Heidezicht"),
    # the shared night service: two mobile night carers, and the account an alarm platform
    # posts with (its API token is made with `regiozorg tokens create`)
    ("mobiel.meppel", Role.NIGHT_CARER, HOME_ORGANISATION),
    ("mobiel.hoogeveen", Role.NIGHT_CARER, "Stichting Heidezicht"),
    ("alarmplatform", Role.NIGHT_CARER, NETWORK_OFFICE),
]


def demo_email(handle: str) -> str:
    return f"{handle}@{DEMO_DOMAIN}"


ROLE_NAMES = {
    Role.NETWORK_ADMIN: "network admin",
    Role.ORG_ADMIN: "organisation admin",
    Role.COORDINATOR: "bed coordinator",
    Role.NIGHT_CARER: "night carer",
    Role.PHYSICIAN: "physician",
    Role.PLANNER: "planner",
    Role.VIEWER: "viewer",
}


def demo_logins() -> list[tuple[str, str, str]]:
    """(login, role, organisation) of every demo account, for the terminal after ``demo``: the
    night carers say where the roster puts them."""
    places = {handle: place for handle, place, _town in NIGHT_ROSTER}
    logins = []
    for handle, role, organisation in DEMO_USERS:
        what = ROLE_NAMES[role]
        if handle in places:
            what += " at the desk" if places[handle] is DeskRole.DESK else " (mobile)"
        elif role is Role.NIGHT_CARER:
            what += ", not on the roster: the alarm platform's account"
        logins.append((demo_email(handle), what, organisation))
    return logins


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    organisations: int
    locations: int
    units: int
    staff: int
    clients: int
    beds: int
    night_clients: int


class _Builder:
    """Adds rows for the demo with ids drawn from the seeded generator, so runs repeat."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        self.counts = {
            "organisations": 0,
            "locations": 0,
            "units": 0,
            "staff": 0,
            "clients": 0,
            "beds": 0,
            "night_clients": 0,
        }

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def organisation(self, region: Region, spec: DemoOrganisation, towns: dict[str, Town]) -> None:
        organisation = Organisation(
            id=self.uid(), region_id=region.id, name=spec.name, kind=spec.kind
        )
        self.session.add(organisation)
        self.session.flush()  # parents first: no relationships tell the flush the order
        self.counts["organisations"] += 1
        for index, town_name in enumerate(spec.towns):
            self.location(organisation, spec, towns[town_name], index)

    def location(
        self, organisation: Organisation, spec: DemoOrganisation, town: Town, index: int
    ) -> None:
        jitter = 0.0 if index == 0 else 0.004
        code = f"{''.join(w[0] for w in spec.name.split()).upper()}-{town.name[:4].upper()}"
        code = f"{code}-{self.counts['locations'] + 1}"
        location = Location(
            id=self.uid(),
            organisation_id=organisation.id,
            code=code,
            name=f"{spec.name.split()[-1]} {town.name}",
            address=f"{self.rng.choice(STREETS)} {self.rng.randint(1, 180)}",
            postcode=f"{town.postcode} {self.rng.choice('ABCDEGHJKLMNPRST')}"
            f"{self.rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
            town=town.name,
            latitude=round(town.latitude + self.rng.uniform(-jitter, jitter), 5),
            longitude=round(town.longitude + self.rng.uniform(-jitter, jitter), 5),
            care_offered=[w.value for w in spec.wards],
        )
        self.session.add(location)
        self.session.flush()
        self.counts["locations"] += 1
        for ward in spec.wards:
            self.session.add(
                Unit(
                    id=self.uid(),
                    location_id=location.id,
                    name=f"{ward.value.upper()} {town.name}",
                    ward_type=ward,
                )
            )
            self.counts["units"] += 1
        if spec.wards:
            for profession, count in CARE_PROFESSIONS:
                for _ in range(count):
                    self.session.add(
                        StaffMember(
                            id=self.uid(),
                            organisation_id=organisation.id,
                            staff_number=f"{code}-P{self.counts['staff'] + 1:05d}",
                            name=self.person(),
                            profession=profession,
                            fte=self.rng.choice((0.56, 0.67, 0.78, 0.89, 1.0)),
                            base_location_id=location.id,
                        )
                    )
                    self.counts["staff"] += 1
            for number in range(self.rng.randint(6, 12)):
                self.session.add(
                    Client(
                        id=self.uid(),
                        organisation_id=organisation.id,
                        location_id=location.id,
                        client_number=f"{code}-{number + 1:03d}",
                        name=self.person(),
                        birth_date=date(1930, 1, 1) + timedelta(days=self.rng.randint(0, 30 * 365)),
                    )
                )
                self.counts["clients"] += 1


def _national(rng: random.Random, organisations: int) -> list[DemoOrganisation]:
    prefixes = ["Zorggroep", "Stichting", "Woonzorg", "Zorgcentrum", "Zorgkring"]
    names = [
        "Eikenhof",
        "Veldzicht",
        "Beukenrode",
        "Waterkant",
        "Dijkzicht",
        "Zonnehoeve",
        "Lindeborg",
        "Heemhof",
        "Marehorst",
        "Esdoorn",
    ]
    wards = list(WardType)
    specs = []
    for index in range(organisations):
        towns = tuple(rng.sample([t.name for t in COUNTRY], 6))
        kind = OrganisationKind.DISABILITY_CARE if index % 7 == 0 else OrganisationKind.VVT
        chosen = (
            (WardType.GEHANDICAPTENZORG,)
            if kind is OrganisationKind.DISABILITY_CARE
            else (tuple(rng.sample(wards[:6], 3)))
        )
        name = f"{rng.choice(prefixes)} {rng.choice(names)} {index + 1}"
        specs.append(DemoOrganisation(name, kind, towns, chosen))
    return specs


def seed(
    session: Session,
    *,
    scale: Scale = Scale.SMALL,
    seed_value: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Create the demo region unless a region already exists (then change nothing)."""
    with unit_of_work(session):
        if session.scalar(select(func.count(Region.id))):
            return DemoSummary(False, 0, 0, 0, 0, 0, 0, 0)
        rng = random.Random(seed_value)
        builder = _Builder(session, rng)
        region = Region(id=builder.uid(), name=REGION_NAME)
        session.add(region)
        session.flush()
        towns = {t.name: t for t in DRENTHE + COUNTRY}
        session.add_all(
            PostcodeArea(
                postcode=t.postcode, town=t.name, latitude=t.latitude, longitude=t.longitude
            )
            for t in towns.values()
        )
        specs = list(ZUIDWEST_DRENTHE)
        if scale is Scale.REGION:
            specs += _national(rng, 25)
        elif scale is Scale.NATIONAL:
            specs += _national(rng, 415)
        for done, spec in enumerate(specs, start=1):
            builder.organisation(region, spec, towns)
            if done % 25 == 0:
                session.flush()
            if progress:
                progress(done, len(specs))
        session.flush()
        per_unit = {Scale.SMALL: 10, Scale.REGION: 12, Scale.NATIONAL: 18}[scale]
        builder.counts["beds"] = seed_beds(session, rng, builder.uid, beds_per_unit=per_unit)
        ids = dict(session.execute(select(Organisation.name, Organisation.id)).all())
        password_hash = hash_password(DEMO_PASSWORD)
        users: dict[str, uuid.UUID] = {}
        for handle, role, organisation_name in DEMO_USERS:
            user = User(
                id=builder.uid(),
                email=demo_email(handle),
                name=f"Demo {handle}",
                password_hash=password_hash,
            )
            session.add(user)
            session.flush()
            users[handle] = user.id
            session.add(
                MembershipRow(
                    id=builder.uid(),
                    user_id=user.id,
                    organisation_id=ids[organisation_name],
                    role=role,
                )
            )
        builder.counts["night_clients"] = seed_night(session, rng, builder.uid, users)
        counts = builder.counts
        audit.record(
            session,
            SYSTEM,
            "demo.seed",
            obj=("region", region.id),
            detail=f"{scale} seed={seed_value} {counts}",
        )
    return DemoSummary(True, **counts)
