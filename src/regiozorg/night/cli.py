"""`regiozorg night ...`: set up the shared night service from the command line.

The command line runs on the server and acts as SYSTEM, like the other commands; refusals are
printed as the message the pages would show, with exit code 1."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from regiozorg.auth import SYSTEM
from regiozorg.clock import local
from regiozorg.config import get_settings
from regiozorg.db import make_engine, make_sessionmaker
from regiozorg.errors import DomainError
from regiozorg.night.rules import DeskRole, EscalationTarget
from regiozorg.night.setup import actions as setup

night_app = typer.Typer(help="Shared night service: locations, roster, devices, escalation.")
console = Console(stderr=True)


@night_app.callback()
def night() -> None:
    """Shared night service: locations, roster, devices, escalation."""


def _sessions() -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(get_settings().database_url))


def _fail(error: DomainError) -> typer.Exit:
    console.print(f"[red]{error}[/red]")
    return typer.Exit(code=1)


@night_app.command("enrol")
def enrol(
    location_code: Annotated[str, typer.Argument(help="Code of the location, e.g. ZL-MEPP-2.")],
    answer_seconds: Annotated[int, typer.Option(help="Answer norm in seconds.")] = 60,
    on_site_minutes: Annotated[int, typer.Option(help="On-site norm in minutes.")] = 30,
    phone: Annotated[str | None, typer.Option(help="The location's own night phone.")] = None,
) -> None:
    """Let a location take part in the night service, or change its norms."""
    with _sessions()() as session:
        try:
            setup.enrol_location(
                session,
                SYSTEM,
                location_id=setup.location_by_code(session, location_code),
                answer_norm_seconds=answer_seconds,
                on_site_norm_minutes=on_site_minutes,
                staff_phone=phone,
            )
        except DomainError as error:
            raise _fail(error) from None
    console.print(
        f"{location_code} takes part: answer {answer_seconds} s, on site {on_site_minutes} min"
    )


@night_app.command("shift")
def shift(
    user: Annotated[str, typer.Option(help="E-mail address of the night carer.")],
    role: Annotated[DeskRole, typer.Option(help="At the desk or mobile.")],
    starts: Annotated[
        str, typer.Option("--from", help="Start, ISO; without offset Europe/Amsterdam time.")
    ],
    ends: Annotated[str, typer.Option("--to", help="End, ISO; without offset Amsterdam time.")],
    base: Annotated[str | None, typer.Option(help="Code of the base location.")] = None,
    phone: Annotated[str, typer.Option(help="Phone number during the shift.")] = "",
) -> None:
    """Put a night carer on the night roster."""
    with _sessions()() as session:
        try:
            starts_at = setup.parse_local_time(starts)
            ends_at = setup.parse_local_time(ends)
            setup.add_shift(
                session,
                SYSTEM,
                user_id=setup.user_by_email(session, user),
                role=role,
                starts_at=starts_at,
                ends_at=ends_at,
                base_location_id=setup.location_by_code(session, base) if base else None,
                phone=phone,
            )
        except DomainError as error:
            raise _fail(error) from None
    when = f"{local(starts_at):%Y-%m-%d %H:%M} to {local(ends_at):%Y-%m-%d %H:%M} Amsterdam time"
    console.print(f"{user} on the roster ({role}) from {when}")


@night_app.command("device")
def device(
    controller: Annotated[str, typer.Option(help="Controller id (SCAIP cid), digits.")],
    device_id: Annotated[str, typer.Option("--device", help="Device id (SCAIP did).")] = "",
    device_type: Annotated[str, typer.Option("--type", help="EN 50134-9 device type.")] = "0003",
    client_number: Annotated[str | None, typer.Option(help="The client it belongs to.")] = None,
    room: Annotated[str, typer.Option(help="Room, as the night carer finds it.")] = "",
    location: Annotated[
        str | None, typer.Option(help="Location code, for a controller not registered yet.")
    ] = None,
) -> None:
    """Register a sensor or call button, and the client it belongs to."""
    with _sessions()() as session:
        try:
            setup.register_device(
                session,
                SYSTEM,
                controller_id=controller,
                device_id=device_id,
                device_type=device_type,
                client_id=setup.client_by_number(session, SYSTEM, client_number)
                if client_number
                else None,
                location_id=setup.location_by_code(session, location) if location else None,
                room=room,
            )
        except DomainError as error:
            raise _fail(error) from None
    console.print(f"device {device_id or '-'} on controller {controller} registered")


def _step(text: str) -> tuple[int, EscalationTarget, str | None]:
    """ "30:second_handler", "60:location_staff" or "120:phone:0522-000000"."""
    seconds, _, rest = text.partition(":")
    target, _, phone = rest.partition(":")
    try:
        return int(seconds), EscalationTarget(target), phone or None
    except ValueError:
        targets = ", ".join(t.value for t in EscalationTarget)
        console.print(f"[red]step {text!r}: write SECONDS:TARGET[:PHONE], TARGET one of {targets}")
        raise typer.Exit(code=1) from None


@night_app.command("escalation")
def escalation(
    priority: Annotated[int, typer.Option(help="Priority 1 (most urgent) to 5.")],
    step: Annotated[
        list[str], typer.Option(help="SECONDS:TARGET[:PHONE], e.g. 120:phone:0522-000000.")
    ],
) -> None:
    """Replace the escalation steps of one priority."""
    steps = [_step(text) for text in step]
    with _sessions()() as session:
        try:
            setup.set_escalation_steps(session, SYSTEM, priority=priority, steps=steps)
        except DomainError as error:
            raise _fail(error) from None
    console.print(f"priority {priority}: " + ", ".join(f"{s} s {t}" for s, t, _ in steps))
