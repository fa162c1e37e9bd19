"""The ``regiozorg`` command line: registers each feature's commands; no logic of its own."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import Progress
from sqlalchemy.orm import Session, sessionmaker

import regiozorg.schema  # noqa: F401 - every feature's tables, known before the first flush
from regiozorg import demo as demo_region
from regiozorg.accounts import actions as accounts
from regiozorg.accounts import queries as account_queries
from regiozorg.auth import SYSTEM, Role
from regiozorg.clock import local
from regiozorg.config import get_settings
from regiozorg.db import make_engine, make_sessionmaker
from regiozorg.errors import DomainError
from regiozorg.migrate import upgrade_database
from regiozorg.network import actions as network_actions
from regiozorg.network import exchange
from regiozorg.network import queries as network_queries
from regiozorg.night.cli import night_app

app = typer.Typer(
    help="regiozorg: shared beds, night care and on-call rosters for a region.",
    no_args_is_help=True,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for systems.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(night_app, name="night")
console = Console(stderr=True)


def _sessions() -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(get_settings().database_url))


def _fail(error: DomainError) -> typer.Exit:
    console.print(f"[red]{error}[/red]")
    for problem in error.details:
        console.print(f"  regel {problem['line']}, veld {problem['field']}: {problem['message']}")
    return typer.Exit(code=1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the latest migration, as its owner (REGIOZORG_MIGRATION_DATABASE_URL),
    and give the app's own role its rights (REGIOZORG_DATABASE_URL, when another role)."""
    app_role = upgrade_database(get_settings())
    console.print("database up to date" + (f"; rights of {app_role} granted" if app_role else ""))


SERVE_HOST = "127.0.0.1"
SERVE_PORT = 8000


def _address(host: str, port: int) -> str:
    return f"http://{host}:{port}/"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = SERVE_HOST,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = SERVE_PORT,
) -> None:
    """Run the web app."""
    from regiozorg.app import create_app  # noqa: PLC0415 - only the server needs it
    from regiozorg.web.serving import Server  # noqa: PLC0415

    console.print(f"regiozorg on {_address(host, port)}")
    Server(create_app(), host=host, port=port, proxy_headers=False, log_level="info").run()


@app.command()
def demo(
    scale: Annotated[demo_region.Scale, typer.Option(help="How big.")] = demo_region.Scale.SMALL,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same region.")] = 2026,
) -> None:
    """Create the demo region (after bringing the database to the latest migration)."""
    upgrade_database(get_settings())
    with Progress(console=console) as progress, _sessions()() as session:
        task = progress.add_task("demo region", total=None)

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = demo_region.seed(session, scale=scale, seed_value=seed, progress=step)
    if not summary.created:
        console.print("a region exists already: demo data left as it was")
    else:
        console.print(
            f"demo region: {summary.organisations} organisations, {summary.locations} "
            f"locations, {summary.units} units, {summary.beds} beds, {summary.staff} staff, "
            f"{summary.clients} clients ({summary.night_clients} in the night service)"
        )
    _print_demo_logins()


def _print_demo_logins() -> None:
    """Where to go and who to be: the address `regiozorg serve` answers on (what `make demo`
    starts next) and the demo logins per role (the README's table says the same)."""
    out = Console(stderr=True, highlight=False, soft_wrap=True)
    out.print(
        f"\nOpen {_address(SERVE_HOST, SERVE_PORT)} once `regiozorg serve` runs "
        f"(`make demo` starts it) and log in as one of these, "
        f"password {demo_region.DEMO_PASSWORD}:",
        markup=False,
    )
    logins = demo_region.demo_logins()
    width = max(len(login) for login, _what, _organisation in logins)
    for login, what, organisation in logins:
        out.print(f"  {login:<{width}}  {what}, {organisation}", markup=False)
    out.print("(the README's 'Demo logins' table says what each one shows)", markup=False)


def _organisation_id(session: Session, name: str) -> UUID:
    ids = {o.name: o.id for o in network_queries.organisations(session)}
    if name not in ids:
        console.print(f"[red]unknown organisation {name!r}[/red]")
        raise typer.Exit(code=1)
    return ids[name]


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    organisation: Annotated[str, typer.Option(help="Organisation name.")],
    role: Annotated[Role, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create a user (the command line acts with full rights: it runs on the server)."""
    with _sessions()() as session:
        organisation_id = _organisation_id(session, organisation)
        try:
            accounts.create_user(
                session,
                SYSTEM,
                email=email,
                name=name,
                password=password,
                memberships=[(organisation_id, role)],
            )
        except DomainError as error:
            raise _fail(error) from None
    console.print(f"user {email} created")


@users_app.command("grant")
def users_grant(
    email: Annotated[str, typer.Option()],
    organisation: Annotated[str, typer.Option(help="Organisation name.")],
    role: Annotated[Role, typer.Option()],
) -> None:
    """Give an existing user a role in an organisation (audited as the command line)."""
    with _sessions()() as session:
        organisation_id = _organisation_id(session, organisation)
        try:
            accounts.add_membership(
                session, SYSTEM, email=email, organisation_id=organisation_id, role=role
            )
        except DomainError as error:
            raise _fail(error) from None
    console.print(f"{email}: {role} in {organisation}")


@users_app.command("revoke-role")
def users_revoke_role(
    email: Annotated[str, typer.Option()],
    organisation: Annotated[str, typer.Option(help="Organisation name.")],
    role: Annotated[Role, typer.Option()],
) -> None:
    """Take a role away; a user's last role stays (switch the account off instead)."""
    with _sessions()() as session:
        organisation_id = _organisation_id(session, organisation)
        user = account_queries.user_id(session, email)
        if user is None:
            console.print(f"[red]unknown user {email!r}[/red]")
            raise typer.Exit(code=1)
        try:
            accounts.remove_membership(
                session, SYSTEM, user_id=user, organisation_id=organisation_id, role=role
            )
        except DomainError as error:
            raise _fail(error) from None
    console.print(f"{email}: no longer {role} in {organisation}")


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Option(help="E-mail address of the user the system acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")],
) -> None:
    """Create an API token; it is printed once, as the last line, and stored only hashed."""
    with _sessions()() as session:
        try:
            token = accounts.create_api_token(session, SYSTEM, user_email=user, name=name)
        except DomainError as error:
            raise _fail(error) from None
    console.print("store this token now: it cannot be shown again")
    typer.echo(token)


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
) -> None:
    """API tokens, newest first: id, prefix, owner, name, created, last used, revoked."""
    with _sessions()() as session:
        rows = account_queries.api_tokens(session, SYSTEM, owner=user)

    def moment(value: datetime | None) -> str:
        return local(value).strftime("%Y-%m-%d %H:%M") if value else "-"

    for t in rows:
        typer.echo(
            "\t".join(
                (
                    str(t.id),
                    t.prefix,
                    t.owner,
                    t.name,
                    moment(t.created_at),
                    moment(t.last_used_at),
                    f"revoked {moment(t.revoked_at)}" if t.revoked_at else "active",
                )
            )
        )


@tokens_app.command("revoke")
def tokens_revoke(
    reference: Annotated[str, typer.Argument(help="The token's id or prefix (from list).")],
) -> None:
    """Revoke an API token: from the next request on it answers 401."""
    with _sessions()() as session:
        try:
            revoked = accounts.revoke_api_token(session, SYSTEM, reference=reference)
        except DomainError as error:
            raise _fail(error) from None
    console.print(f"token {revoked} revoked")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    kind: Annotated[
        str | None,
        typer.Option(help="For CSV: organisations, locations, units, staff or travel_times."),
    ] = None,
    new_region: Annotated[
        bool, typer.Option(help="Create the region the JSON document names if it is new.")
    ] = False,
) -> None:
    """Import master data from a JSON document or a CSV file (UTF-8); all or nothing."""
    with _sessions()() as session:
        try:
            text = exchange.decode(path.read_bytes())
            if path.suffix.lower() == ".json":
                batch = exchange.parse_json(text)
            else:
                batch = exchange.parse_csv(kind or path.stem, text)
            summary = network_actions.import_network(
                session, SYSTEM, batch=batch, create_region=new_region
            )
        except DomainError as error:
            failed = _fail(error)
            if isinstance(error, network_actions.UnknownRegionError):
                console.print("a new region is created only with --new-region")
            raise failed from None
    for line in _import_report(summary):
        console.print(line, soft_wrap=True)  # names stay whole, to grep or copy


def _import_report(summary: network_actions.ImportSummary) -> list[str]:
    """What the import did, in its own words: created, changed, and skipped as already there."""

    def named(keys: list[str]) -> str:
        shown = ", ".join(keys[:10])
        return f"{shown} and {len(keys) - 10} more" if len(keys) > 10 else shown

    created = ", ".join(f"{kind} {n}" for kind, n in summary.created.items() if n)
    lines = [f"created: {created or 'nothing'}"]
    lines += [f"updated {kind}: {named(keys)}" for kind, keys in summary.updated.items()]
    lines += [
        f"skipped {kind} (already there, unchanged): {named(keys)}"
        for kind, keys in summary.skipped.items()
    ]
    return lines


@app.command("export")
def export(
    kind: Annotated[str | None, typer.Option(help="CSV of one kind; JSON of all without.")] = None,
) -> None:
    """Export master data to standard output."""
    with _sessions()() as session:
        document = network_queries.export_document(session)
    if kind is None:
        sys.stdout.write(exchange.to_json(document) + "\n")
    else:
        sys.stdout.write(exchange.to_csv(kind, getattr(document, kind)))


def _register_roster() -> None:
    try:
        from regiozorg.roster.cli import roster_app  # noqa: PLC0415
    except ImportError:  # the rostering engine is optional while it is being built
        return
    app.add_typer(roster_app, name="roster")


_register_roster()


def main() -> None:
    app()
