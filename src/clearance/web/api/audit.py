"""/api/v1/audit and /api/v1/regime."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from clearance.authz.model import Action, Resource
from clearance.services import audit
from clearance.services.guard import authorize
from clearance.web import schemas as s
from clearance.web.deps import CurrentSubject, DepsDep

router = APIRouter()


@router.get(
    "/audit/entries", response_model=list[s.AuditEntryOut], tags=["audit"], responses=s.ERRORS
)
def list_entries(
    subject: CurrentSubject, deps: DepsDep,
    limit: s.Limit = 50,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,  # a database integer
) -> list[s.AuditEntryOut]:  # fmt: skip
    return [
        s.AuditEntryOut(**{**dataclasses.asdict(e), "payload": json.loads(e.payload)})
        for e in audit.recent_entries(deps, subject, limit=limit, before=before)
    ]


@router.post(
    "/audit/verify", response_model=s.VerifyOut, tags=["audit"],
    responses=s.ERRORS,
)  # fmt: skip
def verify(body: s.CheckpointIn, subject: CurrentSubject, deps: DepsDep) -> s.VerifyOut:
    """Recompute the Merkle tree over the whole log, optionally against a signed checkpoint."""
    r = audit.verify_log(deps, subject, checkpoint_text=body.checkpoint)
    return s.VerifyOut(
        ok=r.ok, size=r.size, root_hash=audit.b64(r.root), first_bad_seq=r.first_bad_seq,
        problem=r.problem, checked_against=r.checked_against,
    )  # fmt: skip


@router.post(
    "/audit/checkpoints", response_model=s.CheckpointOut, status_code=201, tags=["audit"],
    responses=s.ERRORS,
)  # fmt: skip
def checkpoint(subject: CurrentSubject, deps: DepsDep) -> s.CheckpointOut:
    w = audit.write_checkpoint(deps, subject)
    return s.CheckpointOut(
        path=w.path,
        size=w.checkpoint.size,
        root_hash=audit.b64(w.checkpoint.root),
        checkpoint=w.text,
    )


@router.get(
    "/audit/entries/{seq}/proof", response_model=s.ProofOut, tags=["audit"],
    responses=s.ERRORS,
)  # fmt: skip
def prove(
    seq: Annotated[int, Path(ge=1, le=2**62)], subject: CurrentSubject, deps: DepsDep,
    size: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> s.ProofOut:  # fmt: skip
    return s.ProofOut(**audit.prove_inclusion(deps, subject, seq, size=size))


@router.get("/regime", tags=["regime"], responses=s.ERRORS)
def regime(subject: CurrentSubject, deps: DepsDep) -> dict[str, Any]:
    """The statutory parameters in force, each with its source and verification status."""
    with deps.uow() as uow:
        authorize(deps, uow, subject, Action.REGIME_READ, Resource("regime"))
    return deps.regime.model_dump(mode="json")
