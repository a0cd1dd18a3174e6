"""What every ``clearance`` command shares: the consoles, failing with a message, and the
application context (built once per command, closed when it ends)."""

from __future__ import annotations

from typing import NoReturn

import typer
import typer.main
from rich.console import Console

from clearance.bootstrap import AppContext, build_context
from clearance.config import load_settings
from clearance.domain.errors import ClearanceError, ValidationFailed

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def context(*, migrate: bool = True) -> AppContext:
    """Settings are read here, once per command; the schema is brought up to date when asked."""
    try:
        ctx = build_context(load_settings())
    except ClearanceError as exc:
        fail(exc.message)
    # typer vendors click and does not re-export get_current_context in its type stubs
    typer.main.get_current_context().call_on_close(ctx.close)  # type: ignore[attr-defined]
    try:
        if migrate and not ctx.schema_ready():
            ctx.migrate()
    except ClearanceError as exc:
        fail(exc.message)
    return ctx


def report_error(exc: ClearanceError) -> NoReturn:
    if isinstance(exc, ValidationFailed) and exc.problems:
        lines = "\n".join(f"  {p.field}: {p.message}" for p in exc.problems)
        fail(f"{exc.message}\n{lines}")
    fail(exc.message)
