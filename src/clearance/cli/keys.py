"""``clearance keys``: rotate the installation secret and the checkpoint signing key.

The procedure is in docs/operations.md (key rotation). May import: cli.common, bootstrap, services.
"""

from __future__ import annotations

import typer
from rich.table import Table

from clearance.bootstrap import cli_subject
from clearance.cli.common import context, fail, out, report_error
from clearance.domain.errors import ClearanceError

keys_app = typer.Typer(help="Key rotation (installation secret, checkpoint signing key).",
                       no_args_is_help=True)  # fmt: skip


@keys_app.command("status")
def keys_status() -> None:
    """How many sealed values are under each key; the current key is marked."""
    from clearance.services import keys

    ctx = context()
    try:
        counts = keys.status(ctx.deps, cli_subject())
    except ClearanceError as exc:
        report_error(exc)
    current = ctx.deps.box.current_key_id
    table = Table("kind", "key", "values")
    for kind, per_key in counts.items():
        for kid, n in sorted(per_key.items()):
            table.add_row(kind, kid + (" (current)" if kid == current else ""), f"{n:,}")
    out.print(table)
    out.print(f"Current secret key id: {current}", highlight=False)
    out.print(f"Checkpoint verifier key: {ctx.deps.signer.verifier_key()}", highlight=False)
    stale = sum(n for per_key in counts.values() for k, n in per_key.items() if k != current)
    if stale:
        out.print(f"{stale:,} value(s) under an older key: run 'clearance keys rewrap'.")


@keys_app.command("rewrap")
def keys_rewrap() -> None:
    """Re-seal every value under the current secret (after CLEARANCE_SECRET_KEY changed and the
    old one is in CLEARANCE_PREVIOUS_SECRET_KEYS). Resumable; one audit entry per batch."""
    from clearance.services import keys

    ctx = context()
    try:
        done = keys.rewrap(ctx.deps, cli_subject())
    except ClearanceError as exc:
        report_error(exc)
    summary = ", ".join(f"{kind} {n:,}" for kind, n in done.items())
    out.print(f"Re-sealed under key {ctx.deps.box.current_key_id}: {summary}.", highlight=False)


@keys_app.command("rotate-secret")
def keys_rotate_secret() -> None:
    """Development only: a new generated secret, the old one kept as a previous secret; then
    re-seal. In production set the variables yourself (docs/operations.md)."""
    from clearance.bootstrap import rotate_development_secret
    from clearance.domain.errors import ConfigurationError

    ctx = context()
    ctx.close()
    try:
        rotate_development_secret(ctx.settings)
    except ConfigurationError:
        fail("The secret comes from CLEARANCE_SECRET_KEY: set a new one, move the old one to "
             "CLEARANCE_PREVIOUS_SECRET_KEYS, restart, then run 'clearance keys rewrap'.")  # fmt: skip
    keys_rewrap()


@keys_app.command("rotate-signing")
def keys_rotate_signing() -> None:
    """Replace the checkpoint signing key. The handover checkpoint is signed by both keys; old
    checkpoints stay verifiable (verifier-keys.txt lists the retired key with its last size)."""
    from clearance.services import keys

    ctx = context()
    try:
        written = keys.rotate_signing_key(ctx.deps, cli_subject())
    except ClearanceError as exc:
        report_error(exc)
    out.print(f"Wrote the handover checkpoint {written.path} (signed by the old and new keys).\n"
              f"New verifier key: {ctx.deps.signer.verifier_key()}", highlight=False)  # fmt: skip
