"""Pages and API of the regional network: overview, admin pages, clients, import and export."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from regiozorg.auth import Permission, ensure_allowed, scope
from regiozorg.errors import N_, DomainError, NotFoundError
from regiozorg.network import actions, exchange, queries
from regiozorg.network.rules import OrganisationKind, Profession, WardType
from regiozorg.network.schemas import (
    RECORD_KINDS,
    ClientIn,
    LocationIn,
    NetworkDocument,
    OrganisationIn,
    StaffIn,
    UnitIn,
)
from regiozorg.web.deps import CurrentActor, SessionDep, SettingsDep
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import render

router = APIRouter(route_class=PrivacyRoute)
pages = APIRouter(include_in_schema=False, route_class=PrivacyRoute)
api = APIRouter(prefix="/api/v1", tags=["network"], route_class=PrivacyRoute)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _form(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "")}


@pages.get("/")
def home(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NETWORK_VIEW)
    return render(request, "network/home.html", {"overview": queries.overview(session)})


@pages.get("/admin/organisations")
def organisations_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.ORGANISATION_MANAGE)
    return render(
        request,
        "network/organisations.html",
        {"organisations": queries.organisations(session), "kinds": list(OrganisationKind)},
    )


@pages.post("/admin/organisations")
def add_organisation(
    session: SessionDep,
    actor: CurrentActor,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    agb_code: Annotated[str, Form()] = "",
) -> Response:
    record = OrganisationIn.model_validate(
        _form({"name": name, "kind": kind, "agb_code": agb_code})
    )
    region_id = queries.region_id(session)
    if region_id is None:
        raise DomainError("Er is nog geen regio.")
    actions.create_organisation(session, actor, region_id=region_id, record=record)
    return RedirectResponse("/admin/organisations", status_code=303)


@pages.get("/admin/locations")
def locations_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.ORGANISATION_MANAGE)
    return render(
        request,
        "network/locations.html",
        {"locations": queries.locations(session), "organisations": _managed(session, actor)},
    )


def _managed(session: SessionDep, actor: CurrentActor) -> list[queries.OrganisationSummary]:
    allowed = scope(actor, Permission.ORGANISATION_MANAGE)
    return [o for o in queries.organisations(session) if allowed is None or o.id in allowed]


@pages.post("/admin/locations")
def add_location(
    session: SessionDep,
    actor: CurrentActor,
    organisation: Annotated[str, Form()],
    code: Annotated[str, Form()],
    name: Annotated[str, Form()],
    address: Annotated[str, Form()],
    postcode: Annotated[str, Form()],
    town: Annotated[str, Form()],
    latitude: Annotated[float, Form()],
    longitude: Annotated[float, Form()],
    care_offered: Annotated[str, Form()] = "",
) -> Response:
    fields = {
        "organisation": organisation, "code": code, "name": name, "address": address,
        "postcode": postcode, "town": town, "latitude": latitude, "longitude": longitude,
        "care_offered": care_offered,
    }  # fmt: skip
    record = LocationIn.model_validate(_form(fields))
    actions.create_location(session, actor, record=record)
    return RedirectResponse("/admin/locations", status_code=303)


@pages.get("/admin/units")
def units_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.ORGANISATION_MANAGE)
    allowed = scope(actor, Permission.ORGANISATION_MANAGE)
    own_locations = [
        loc
        for loc in queries.locations(session)
        if allowed is None or loc.organisation_id in allowed
    ]
    return render(
        request,
        "network/units.html",
        {"units": queries.units(session), "locations": own_locations, "ward_types": list(WardType)},
    )


@pages.post("/admin/units")
def add_unit(
    session: SessionDep,
    actor: CurrentActor,
    location: Annotated[str, Form()],
    name: Annotated[str, Form()],
    ward_type: Annotated[str, Form()],
) -> Response:
    record = UnitIn.model_validate({"location": location, "name": name, "ward_type": ward_type})
    actions.create_unit(session, actor, record=record)
    return RedirectResponse("/admin/units", status_code=303)


@pages.get("/admin/staff")
def staff_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.ORGANISATION_MANAGE)
    return render(
        request,
        "network/staff.html",
        {
            "staff": queries.staff(session),
            "organisations": _managed(session, actor),
            "professions": list(Profession),
        },
    )


@pages.post("/admin/staff")
def add_staff(
    session: SessionDep,
    actor: CurrentActor,
    organisation: Annotated[str, Form()],
    staff_number: Annotated[str, Form()],
    name: Annotated[str, Form()],
    profession: Annotated[str, Form()],
    fte: Annotated[float, Form()],
    base_location: Annotated[str, Form()] = "",
) -> Response:
    fields = {
        "organisation": organisation, "staff_number": staff_number, "name": name,
        "profession": profession, "fte": fte, "base_location": base_location,
    }  # fmt: skip
    record = StaffIn.model_validate(_form(fields))
    actions.create_staff_member(session, actor, record=record)
    return RedirectResponse("/admin/staff", status_code=303)


# What the import page calls each kind of record (the codes stay in file names and the API).
RECORD_KIND_LABELS = {
    "organisations": N_("organisaties"),
    "locations": N_("locaties"),
    "units": N_("afdelingen"),
    "staff": N_("medewerkers"),
    "travel_times": N_("reistijden"),
    "clients": N_("cliënten"),
    "regions": N_("regio's"),
}


@pages.get("/admin/import")
def import_page(request: Request, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NETWORK_MANAGE)
    context = {"kinds": list(RECORD_KINDS), "kind_labels": RECORD_KIND_LABELS}
    return render(request, "network/import.html", context)


@pages.post("/admin/import")
async def import_file(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    file: UploadFile,
    kind: Annotated[str, Form()] = "json",
) -> Response:
    ensure_allowed(actor, Permission.NETWORK_MANAGE)
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        if len(raw) > MAX_UPLOAD_BYTES:
            raise DomainError("Het bestand is groter dan 20 MB.")
        text = raw.decode("utf-8-sig")
        batch = exchange.parse_json(text) if kind == "json" else exchange.parse_csv(kind, text)
        summary = actions.import_network(session, actor, batch=batch)
    except UnicodeDecodeError:
        error: DomainError | None = DomainError("Het bestand is geen UTF-8-tekst.")
        summary = None
    except exchange.ImportRefusedError as refused:
        error, summary = refused, None
    else:
        error = None
    context = {
        "kinds": list(RECORD_KINDS),
        "kind_labels": RECORD_KIND_LABELS,
        "summary": summary,
        "error": error,
    }
    return render(request, "network/import.html", context, 422 if error else 200)


@pages.get("/admin/export.json")
@no_store
def export_json(session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NETWORK_MANAGE)
    return Response(
        exchange.to_json(queries.export_document(session)),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="netwerk.json"'},
    )


@pages.get("/admin/export/{kind}.csv")
@no_store
def export_csv(kind: str, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.NETWORK_MANAGE)
    if kind not in RECORD_KINDS:
        raise DomainError("Onbekend soort gegevens: {kind}.", kind=kind)
    records = getattr(queries.export_document(session), kind)
    return PlainTextResponse(
        exchange.to_csv(kind, records),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


@pages.get("/clients")
@no_store
def clients_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    ensure_allowed(actor, Permission.CLIENTS_READ)
    own = sorted(scope(actor, Permission.CLIENTS_READ) or [], key=str)
    names = {o.id: o.name for o in queries.organisations(session)}
    groups = [
        (names.get(org, "?"), actions.list_clients(session, actor, organisation_id=org))
        for org in own
    ]
    return render(request, "network/clients.html", {"groups": groups})


@pages.get("/clients/{client_id}")
@no_store
def client_page(
    request: Request, client_id: UUID, session: SessionDep, actor: CurrentActor
) -> Response:
    client = actions.view_client(session, actor, client_id=client_id)
    return render(request, "network/client.html", {"client": client})


@pages.post("/clients")
@no_store
def add_client(
    session: SessionDep,
    actor: CurrentActor,
    organisation_id: Annotated[UUID, Form()],
    location_id: Annotated[UUID, Form()],
    client_number: Annotated[str, Form()],
    name: Annotated[str, Form()],
    birth_date: Annotated[str, Form()],
) -> Response:
    record = ClientIn.model_validate(
        {
            "location_id": location_id,
            "client_number": client_number,
            "name": name,
            "birth_date": birth_date,
        }
    )
    client_id = actions.create_client(
        session, actor, organisation_id=organisation_id, record=record
    )
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


# --- JSON API -------------------------------------------------------------------------------


@api.get("/organisations")
def api_organisations(session: SessionDep, actor: CurrentActor) -> list[dict[str, Any]]:
    ensure_allowed(actor, Permission.NETWORK_VIEW)
    return [
        {
            "id": str(o.id),
            "name": o.name,
            "kind": o.kind,
            "agb_code": o.agb_code,
            "locations": o.locations,
            "staff": o.staff,
        }
        for o in queries.organisations(session)
    ]


@api.get("/locations")
def api_locations(
    session: SessionDep, actor: CurrentActor, organisation_id: UUID | None = None
) -> list[dict[str, Any]]:
    ensure_allowed(actor, Permission.NETWORK_VIEW)
    return [
        {
            "id": str(loc.id),
            "organisation_id": str(loc.organisation_id),
            "code": loc.code,
            "name": loc.name,
            "postcode": loc.postcode,
            "town": loc.town,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
        }
        for loc in queries.locations(session, organisation_id=organisation_id, limit=10_000)
    ]


@api.get("/clients/{client_id}")
@no_store
def api_client(client_id: UUID, session: SessionDep, actor: CurrentActor) -> dict[str, Any]:
    client = actions.view_client(session, actor, client_id=client_id)
    return {
        "id": str(client.id),
        "organisation_id": str(client.organisation_id),
        "client_number": client.client_number,
        "name": client.name,
        "birth_date": client.birth_date.isoformat(),
        "location": client.location,
    }


@api.get("/travel-time")
def api_travel_time(
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
    origin: Annotated[str, Query(max_length=32, description="location code or postcode")],
    destination: Annotated[str, Query(max_length=32, description="location code")],
) -> dict[str, Any]:
    ensure_allowed(actor, Permission.NETWORK_VIEW)
    minutes = queries.travel_minutes(
        session,
        settings,
        origin=origin.replace(" ", "")[:4] if origin[:1].isdigit() else origin,
        destination=destination,
    )
    if minutes is None:
        raise NotFoundError("Herkomst of bestemming onbekend.")
    return {"origin": origin, "destination": destination, "minutes": minutes}


@api.get("/network/export")
@no_store
def api_export(session: SessionDep, actor: CurrentActor) -> NetworkDocument:
    ensure_allowed(actor, Permission.NETWORK_MANAGE)
    return queries.export_document(session)


@api.post(
    "/network/import",
    # The body is read whole and checked record by record (every problem named), so it is
    # described here rather than parsed by FastAPI.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def api_import(request: Request, session: SessionDep, actor: CurrentActor) -> dict[str, Any]:
    ensure_allowed(actor, Permission.NETWORK_MANAGE)
    raw = await request.body()
    batch = exchange.parse_json(raw.decode("utf-8-sig", errors="replace"))
    summary = actions.import_network(session, actor, batch=batch)
    return {"imported": summary.counts}


router.include_router(pages)
router.include_router(api)
