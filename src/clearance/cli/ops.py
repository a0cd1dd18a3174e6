"""``clearance jobs run`` (cron-safe scheduled work), and the operations commands of issue 6."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from clearance.bootstrap import cli_subject
from clearance.cli.common import context, err, fail, out, report_error
from clearance.domain.errors import ClearanceError

jobs_app = typer.Typer(help="Scheduled work (safe to run from cron at any frequency).",
                       no_args_is_help=True)  # fmt: skip


def register(app: typer.Typer, audit_app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")
    app.command("synth")(synth)
    app.command("backup")(backup)
    app.command("restore")(restore)
    audit_app.command("consistency")(audit_consistency)
    audit_app.command("check-inclusion")(audit_check_inclusion)


def _key(key: str | None, directory: Path) -> str:
    """The verifier keys: given (text or a file), or published with the checkpoints:
    ``verifier-keys.txt`` (current and retired keys) or, before any rotation, ``verifier-key.txt``."""
    if key:
        path = Path(key)
        return path.read_text("utf-8").strip() if path.is_file() else key.strip()
    for name in ("verifier-keys.txt", "verifier-key.txt"):
        published = directory / name
        if published.is_file():
            return published.read_text("utf-8").strip()
    fail("Give the log's verifier key with --key (text or a file).")


def audit_consistency(
    old: Annotated[Path, typer.Argument(help="The older checkpoint file", exists=True)],
    new: Annotated[Path, typer.Argument(help="The newer checkpoint file", exists=True)],
    key: Annotated[str | None, typer.Option(help="Verifier key(s) (text or file); default: verifier-keys.txt beside NEW")] = None,
) -> None:  # fmt: skip
    """Offline: verify that NEW extends OLD, with only the public key and the copied directory
    (signatures, then the chain of consistency proofs). Exit 1 naming what failed."""
    from clearance.audit.offline import OfflineCheckFailed, consistency

    try:
        sizes = consistency(new.parent, old.read_text("utf-8"), new.read_text("utf-8"),
                            _key(key, new.parent))  # fmt: skip
    except (OfflineCheckFailed, ValueError) as exc:
        err.print(f"[bold red]FAILED[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    out.print(f"OK: the log of {sizes[-1]} entries extends the log of {sizes[0]} entries "
              f"(checked through {len(sizes) - 1} proof(s)).", highlight=False)  # fmt: skip


def audit_check_inclusion(
    proof: Annotated[Path, typer.Argument(help="Output of 'clearance audit prove'", exists=True)],
    checkpoint: Annotated[Path, typer.Argument(help="A signed checkpoint file", exists=True)],
    key: Annotated[str | None, typer.Option(help="Verifier key(s) (text or file); default: verifier-keys.txt beside the checkpoint")] = None,
) -> None:  # fmt: skip
    """Offline: verify that an entry is in the signed tree of a checkpoint."""
    from clearance.audit.offline import OfflineCheckFailed, inclusion

    try:
        cp = inclusion(proof.read_text("utf-8"), checkpoint.read_text("utf-8"),
                       _key(key, checkpoint.parent))  # fmt: skip
    except (OfflineCheckFailed, ValueError, KeyError) as exc:
        err.print(f"[bold red]FAILED[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    out.print(f"OK: the entry is in the signed tree of {cp.size} entries.", highlight=False)


@jobs_app.command("run")
def jobs_run() -> None:
    """Send expiry notices and reminders that are due, deliver the outbox, write a checkpoint."""
    from clearance.services.oversight import jobs

    ctx = context()
    try:
        report = jobs.run(ctx.deps, cli_subject())
    except ClearanceError as exc:
        report_error(exc)
    notices = "skipped (another job holds the lease)" if report.expiry_notices is None \
        else str(report.expiry_notices)  # fmt: skip
    out.print(f"Expiry notices: {notices}\nReminders added: {report.reminders_added}\n"
              f"Reminders sent: {report.reminders_sent}\n"
              f"Checkpoint: {report.checkpoint_size or 'not needed'}", highlight=False)  # fmt: skip


def synth(
    persons: Annotated[int, typer.Option(min=10, max=20_000_000, help="How many persons")] = 10_000,
    audit_entries: Annotated[int | None, typer.Option(min=0, help="Audit entries (default: 10 per person)")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (the same seed, the same world)")] = 2025,
) -> None:  # fmt: skip
    """Generate a realistic national-scale world (after the demo data) for benchmarks and demos:
    1,000,000 persons, 100,000 designations, 1,000,000 materials and 10,000,000 audit entries at
    --persons 1000000 (PostgreSQL recommended)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from clearance.services import demo
    from clearance.tools.synth import Size, generate

    ctx = context()
    with contextlib.suppress(ClearanceError):  # already seeded: the world goes beside it
        demo.seed(ctx.deps, cli_subject())
    size = Size.for_persons(persons, audit_entries)
    tasks: dict[str, Any] = {}
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=out) as bar:  # fmt: skip

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        counts = generate(ctx.engine, size, categories=[c.code for c in ctx.deps.regime.categories],
                          now=ctx.deps.clock.now(), seed=seed, progress=progress)  # fmt: skip
    out.print("Generated: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), highlight=False)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP listener shared by several processes (SO_REUSEPORT: the kernel spreads connections).
    Created with ``IPPROTO_TCP`` so accepted connections get TCP_NODELAY; uvicorn's own
    ``--workers`` loses it and every keep-alive request then waits ~40 ms for a delayed ACK
    (uvicorn issue #3149)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_workers(workers: int, host: str | None, port: int | None, demo: bool) -> None:
    """Start ``workers`` server processes on one port and stop them together."""
    ctx = context()  # migrate (and seed the demo) once, before the workers start
    host, port = host or ctx.settings.host, port or ctx.settings.port
    if demo:
        from clearance.cli.main import seed_demo

        seed_demo(ctx)
    ctx.close()
    cmd = [sys.executable, "-m", "clearance.cli.main", "serve", "--host", host, "--port",
           str(port), "--reuse-port"]  # fmt: skip
    procs = [subprocess.Popen(cmd) for _ in range(workers)]  # noqa: S603 - our own command
    out.print(f"Clearance: {workers} processes on http://{host}:{port}", highlight=False)

    def stop(*_: object) -> None:
        for p in procs:
            p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for p in procs:
        p.wait()


def _passphrase(path: Path | None) -> bytes:
    if path is not None:
        return path.read_bytes().strip()
    value = os.environ.get("CLEARANCE_BACKUP_PASSPHRASE", "")
    if not value:
        fail("Give the passphrase with --passphrase-file or CLEARANCE_BACKUP_PASSPHRASE.")
    return value.encode()


def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the encrypted backup")],
    passphrase_file: Annotated[Path | None, typer.Option(help="File holding the passphrase (>= 12 characters)")] = None,
) -> None:  # fmt: skip
    """An online, consistent, encrypted backup of the database and the keys and checkpoints."""
    from clearance.authz.model import Action
    from clearance.services import audit
    from clearance.tools import backup as b

    secret = _passphrase(passphrase_file)
    ctx = context()
    try:
        audit.record_operation(ctx.deps, cli_subject(), Action.BACKUP_CREATE, {"file": file.name})
        files = b.data_files(ctx.settings.data_dir, ctx.settings.effective_checkpoint_key_file,
                             ctx.settings.effective_checkpoint_dir)  # fmt: skip
        tmp = file.with_suffix(file.suffix + ".partial")
        with tmp.open("wb") as fh:
            counts = b.write(ctx.engine, fh, secret, files)
        os.replace(tmp, file)
    except (ClearanceError, b.BackupError) as exc:
        fail(str(getattr(exc, "message", exc)))
    out.print(f"Backup written to {file}: {sum(counts.values()):,} rows in {len(counts)} tables, "
              f"{len(files)} files.", highlight=False)  # fmt: skip


def restore(
    file: Annotated[Path, typer.Argument(help="An encrypted backup", exists=True)],
    passphrase_file: Annotated[Path | None, typer.Option(help="File holding the passphrase")] = None,
) -> None:  # fmt: skip
    """Restore a backup into an empty database (the configured one) and its data directory."""
    from clearance.authz.model import Action
    from clearance.services import audit
    from clearance.tools import backup as b

    secret = _passphrase(passphrase_file)
    from clearance.config import load_settings

    try:
        with file.open("rb") as fh:
            b.check(fh, secret)  # before anything is created or touched
    except b.BackupError as exc:
        fail(str(exc))

    settings = load_settings()
    key_paths = (settings.data_dir / "keys" / "secret.key", settings.effective_checkpoint_key_file)
    existed = {p for p in key_paths if p.exists()}  # keys made now by a fresh start may be replaced
    ctx = context()
    try:
        with file.open("rb") as fh:
            files, counts = b.restore(ctx.engine, fh, secret)
    except b.BackupError as exc:
        fail(str(exc))
    data = ctx.settings.data_dir
    for name, content in files.items():
        target = (ctx.settings.effective_checkpoint_dir / name.split("/", 1)[1]
                  if name.startswith("checkpoints/") else data / name)  # fmt: skip
        if name.startswith("keys/checkpoint-ed25519.pem"):  # the key and its ``.retired`` list
            key_file = ctx.settings.effective_checkpoint_key_file
            target = key_file.with_name(key_file.name + name[len("keys/checkpoint-ed25519.pem") :])
        target.parent.mkdir(parents=True, exist_ok=True)
        if target in existed and target.read_bytes() != content:
            fail(f"{target} exists and differs from the backup's; move it away first.")
        target.write_bytes(content)
        if name.startswith("keys/"):
            target.chmod(0o600)
    ctx.close()
    ctx = context()  # the restored keys
    try:
        audit.record_operation(ctx.deps, cli_subject(), Action.BACKUP_RESTORE, {"file": file.name})
    except ClearanceError as exc:
        report_error(exc)
    out.print(f"Restored {sum(counts.values()):,} rows in {len(counts)} tables and {len(files)} "
              "files. Check it: clearance audit verify --checkpoint <your latest checkpoint>",
              highlight=False)  # fmt: skip
