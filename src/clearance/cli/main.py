"""``clearance``: serve, db, demo, orgs, users, audit, totp, vetting; jobs, report, synth and the
offline audit checks are in ``cli.ops``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.main
from rich.table import Table

from clearance.bootstrap import AppContext, cli_subject
from clearance.cli import ops
from clearance.cli.common import context, err, fail, out, report_error
from clearance.cli.keys import keys_app
from clearance.domain.errors import ClearanceError
from clearance.domain.organisations import OrgKind, Role

app = typer.Typer(help="Clearance: Japan's CESI security clearance system.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations.", no_args_is_help=True)
vetting_app = typer.Typer(help="Vetting data retention.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="orgs")
app.add_typer(vetting_app, name="vetting")
app.add_typer(keys_app, name="keys")
ops.register(app, audit_app)  # jobs, report, synth, the offline audit checks

# -- serve, demo, db -------------------------------------------------------------------------------


def print_demo_accounts(host: str, port: int) -> None:
    from clearance.services.demo import DEMO_PASSWORD, demo_accounts

    out.print("[bold]Demo accounts[/] (demo data only; never use in production):")
    for acc in demo_accounts():
        out.print(
            f"  {acc.username:<18} {acc.role:<22} TOTP secret {acc.totp_secret}  ({acc.organisation})",
            highlight=False,
            soft_wrap=True,
        )
    out.print(
        f"Password for every demo account: [bold]{DEMO_PASSWORD}[/]\n"
        "Second factor: add the TOTP secret to an authenticator app, or print the current code with\n"
        "  [bold]clearance totp <TOTP secret>[/]\n"
        f"Log in at [bold]http://{host}:{port}/login[/] or via the API:\n"
        f"  curl -s http://{host}:{port}/api/v1/auth/login -H 'content-type: application/json' \\\n"
        '    -d \'{"username":"admin","password":"' + DEMO_PASSWORD + '","totp":"<code>"}\'',
        highlight=False,
    )


def seed_demo(ctx: AppContext) -> bool:
    from clearance.domain.errors import Conflict
    from clearance.services import demo

    try:
        demo.seed(ctx.deps, cli_subject())
        return True
    except Conflict:
        return False


@app.command()
def serve(
    demo: Annotated[bool, typer.Option("--demo", help="Seed demo data on first start and print the demo accounts.")] = False,
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes sharing the port (PostgreSQL).")] = 1,
    reuse_port: Annotated[bool, typer.Option(hidden=True)] = False,
) -> None:  # fmt: skip
    """Run the web service (API, browser pages)."""
    import uvicorn

    from clearance.web.app import create_app

    if workers > 1:
        from clearance.cli.ops import serve_workers

        serve_workers(workers, host, port, demo)
        return
    ctx = context()
    if demo:
        if ctx.settings.production:
            fail("--demo is refused in production mode")
        seeded = seed_demo(ctx)
        out.print("Demo data " + ("created." if seeded else "already present; reusing it."))
    host = host or ctx.settings.host
    port = port or ctx.settings.port
    if demo:
        print_demo_accounts(host, port)
    start_periodic_checkpoints(ctx)
    out.print(f"Clearance listening on http://{host}:{port} (database: {ctx.engine.url!r})")
    if not reuse_port:
        uvicorn.run(
            create_app(ctx),
            host=host,
            port=port,
            log_level="info",
            server_header=False,
            proxy_headers=False,
        )  # the application reads X-Forwarded-For itself
        return
    from clearance.cli.ops import listening_socket

    config = uvicorn.Config(
        create_app(ctx), log_level="info", server_header=False, proxy_headers=False
    )  # the application reads X-Forwarded-For itself
    uvicorn.Server(config).run(sockets=[listening_socket(host, port)])


def start_periodic_checkpoints(ctx: AppContext) -> None:
    """Sign a checkpoint every CLEARANCE_CHECKPOINT_INTERVAL_SECONDS while serving, if the log grew."""
    import threading

    from clearance.services import audit

    interval = ctx.settings.checkpoint_interval_seconds
    if interval <= 0:
        return
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                audit.checkpoint_if_grown(ctx.deps, cli_subject())
            except ClearanceError as exc:  # e.g. the log does not verify: say so, keep serving
                err.print(
                    f"[bold red]periodic checkpoint failed:[/] {exc.message}", highlight=False
                )

    threading.Thread(target=loop, name="clearance-checkpoints", daemon=True).start()


@app.command("demo")
def demo_cmd() -> None:
    """Seed demo organisations, people and one account per role into the configured database."""
    ctx = context()
    if ctx.settings.production:
        fail("demo data is refused in production mode")
    if not seed_demo(ctx):
        fail("the database already has accounts; demo data is only seeded into an empty database")
    print_demo_accounts(ctx.settings.host, ctx.settings.port)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    ctx = context(migrate=False)
    ctx.migrate()
    out.print("Database schema is up to date.")


@app.command()
def totp(secret: Annotated[str, typer.Argument(help="A base32 TOTP secret")]) -> None:
    """Print the current one-time code for a TOTP secret (for demo accounts and enrolment checks)."""
    import pyotp

    try:
        out.print(pyotp.TOTP(secret.strip().replace(" ", "")).now())
    except Exception:  # pyotp raises binascii errors for malformed secrets
        fail("that is not a base32 TOTP secret")


# -- organisations and users -----------------------------------------------------------------------


@orgs_app.command("create")
def orgs_create(
    kind: Annotated[OrgKind, typer.Option(help="Organisation kind")],
    code: Annotated[str, typer.Option(help="Short unique code, e.g. METI")],
    name_ja: Annotated[str, typer.Option(help="Japanese name")],
    name_en: Annotated[str, typer.Option(help="English name")],
) -> None:
    """Create an organisation."""
    from clearance.services import directory

    ctx = context()
    try:
        org = directory.create_organisation(
            ctx.deps, cli_subject(), kind=kind, code=code, name_ja=name_ja, name_en=name_en
        )
    except ClearanceError as exc:
        report_error(exc)
    out.print(f"Created {org.kind.value} {org.code} ({org.id}).")


@orgs_app.command("list")
def orgs_list() -> None:
    """List organisations."""
    from clearance.services import directory

    ctx = context()
    page = directory.list_organisations(ctx.deps, cli_subject(), limit=200)
    table = Table("code", "kind", "name (ja)", "name (en)", "id")
    for o in page.items:
        table.add_row(o.code, o.kind.value, o.name_ja, o.name_en, str(o.id))
    out.print(table)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option(help="Login name (lower case)")],
    display_name: Annotated[str, typer.Option(help="Name shown in the interface")],
    role: Annotated[list[Role], typer.Option(help="Role; repeat for several")],
    org: Annotated[str | None, typer.Option(help="Organisation code (staff accounts)")] = None,
    person_id: Annotated[str | None, typer.Option(help="Person id (portal accounts)")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input")] = False,
) -> None:  # fmt: skip
    """Create an account. Prints its TOTP secret once, to enrol in an authenticator app."""
    import uuid

    from clearance.services import directory

    ctx = context()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    org_id = None
    if org:
        with ctx.deps.uow() as uow:
            found = uow.orgs.by_code(org)
        if found is None:
            fail(f"no organisation has the code {org}")
        org_id = found.id
    try:
        pid = uuid.UUID(person_id) if person_id else None
    except ValueError:
        fail("--person-id is not a UUID")
    try:
        made = directory.create_account(
            ctx.deps, cli_subject(), username=username, display_name=display_name,
            password=password, roles=frozenset(role), org_id=org_id, person_id=pid,
        )  # fmt: skip
    except ClearanceError as exc:
        report_error(exc)
    out.print(f"Created account {made.account.username} ({made.account.id}).")
    out.print(
        f"TOTP secret (shown once): [bold]{made.totp_secret}[/]\n{made.totp_uri}", highlight=False
    )


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable an account: ends its sessions and revokes its API tokens."""
    from clearance.services import directory

    ctx = context()
    with ctx.deps.uow() as uow:
        rec = uow.accounts.by_username(username)
    if rec is None:
        fail(f"no account is called {username}")
    try:
        directory.set_account_disabled(ctx.deps, cli_subject(), rec.account.id, disabled=True)
    except ClearanceError as exc:
        report_error(exc)
    out.print(f"Disabled {username}; its sessions ended and its API tokens were revoked.")


# -- audit -----------------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[Path | None, typer.Option(help="A signed checkpoint to check against (detects truncation and rollback)")] = None,
) -> None:  # fmt: skip
    """Recompute the Merkle tree over the whole log. Exit 0 when intact, 1 naming the first bad entry."""
    from clearance.services import audit

    ctx = context(migrate=False)
    text = None
    if checkpoint is not None:
        try:
            text = checkpoint.read_text("utf-8")
        except OSError as exc:
            fail(f"cannot read {checkpoint}: {exc.strerror}")
    try:
        report = audit.verify_log(ctx.deps, cli_subject(), checkpoint_text=text)
    except ClearanceError as exc:
        report_error(exc)
    root = audit.b64(report.root)
    if report.ok:
        against = (
            f", consistent with the checkpoint of size {report.checked_against}"
            if report.checked_against is not None
            else ""
        )
        out.print(
            f"[green]OK[/] audit log intact: {report.size} entries, root {root}{against}.",
            highlight=False,
        )
        return
    err.print(
        f"[bold red]FAILED[/] at entry {report.first_bad_seq}: {report.problem}", highlight=False
    )
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Write a signed checkpoint (C2SP tlog-checkpoint, Ed25519) to the checkpoint directory."""
    from clearance.services import audit

    ctx = context()
    try:
        written = audit.write_checkpoint(ctx.deps, cli_subject())
    except ClearanceError as exc:
        report_error(exc)
    out.print(f"Wrote {written.path}\n{written.text}", highlight=False)
    out.print(f"Verifier key: {ctx.deps.signer.verifier_key()}", highlight=False)


@audit_app.command("prove")
def audit_prove(
    seq: Annotated[int, typer.Argument(help="Sequence number of the entry")],
    size: Annotated[int | None, typer.Option(help="Tree size to prove against (default: latest checkpoint)")] = None,
) -> None:  # fmt: skip
    """Print an RFC 9162 inclusion proof (JSON) that an independent verifier can check."""
    from clearance.services import audit

    ctx = context(migrate=False)
    try:
        proof = audit.prove_inclusion(ctx.deps, cli_subject(), seq, size=size)
    except ClearanceError as exc:
        report_error(exc)
    print(json.dumps(proof, ensure_ascii=False, indent=2))


@vetting_app.command("purge")
def vetting_purge() -> None:
    """Destroy vetting data past the retention period (per-person key destroyed; audited)."""
    from clearance.services.assessments import vetting

    ctx = context()
    try:
        purged = vetting.purge(ctx.deps, cli_subject())
    except ClearanceError as exc:
        report_error(exc)
    years = ctx.deps.regime.years("vetting_retention_years")
    out.print(f"Purged the vetting data of {purged} person(s) (retention {years} years).")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
