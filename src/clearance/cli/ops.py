"""``clearance jobs run`` (cron-safe scheduled work), and the operations commands of issue 6."""

from __future__ import annotations

import typer

from clearance.bootstrap import cli_subject
from clearance.cli.common import context, out, report_error
from clearance.domain.errors import ClearanceError

jobs_app = typer.Typer(help="Scheduled work (safe to run from cron at any frequency).",
                       no_args_is_help=True)  # fmt: skip


def register(app: typer.Typer, audit_app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")
    _ = audit_app


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
