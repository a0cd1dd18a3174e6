"""The Independent Archives Management Inspector (独立公文書管理監): inspection of designations,
correction requests (是正の求め) and the agency's response; and the confidential whistle-blowing
intake (通報) whose text and reporter only the Inspector can open (CESI.md §3)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from typing import Any

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.designation import Designation
from clearance.domain.errors import FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.organisations import OrgKind
from clearance.domain.oversight import (
    Inspection,
    InspectionStatus,
    WhistleReport,
    inspection_next,
)
from clearance.services.context import Deps
from clearance.services.guard import authorize, authorize_or_conceal, gate, record
from clearance.services.sealing import whistle_context


def _text(value: str, name: str, limit: int = 8000) -> str:
    if not value.strip() or len(value) > limit:
        raise ValidationFailed("Write the text.", (FieldProblem(name, "Required.", "required"),))
    return value.strip()


def _res(i: Inspection | None, agency_id: uuid.UUID | None) -> Resource:
    return Resource("inspection", i.id if i else None, org_id=agency_id)


def open_inspection(deps: Deps, actor: Subject, *, designation_id: uuid.UUID,
                    findings: str) -> Inspection:  # fmt: skip
    gate(deps, actor, Action.INSPECTION_MANAGE, "inspection")  # before any input is read
    body = _text(findings, "findings")
    with deps.uow() as uow:
        d = uow.records.get(Designation, designation_id)
        if d is None:
            raise NotFound("designation", designation_id)
        decision = authorize(deps, uow, actor, Action.INSPECTION_MANAGE, _res(None, d.agency_id))
        i = Inspection(new_id(), d.id, d.agency_id, InspectionStatus.OPEN, deps.clock.now(),
                       actor.label, body)  # fmt: skip
        uow.records.add(i)
        record(deps, uow, actor, Action.INSPECTION_MANAGE, f"designation:{d.id}", decision,
               payload={"command": "open", "inspection": str(i.id)})  # fmt: skip
        uow.commit()
    return i


def step(deps: Deps, actor: Subject, inspection_id: uuid.UUID, command: str, *,
         text: str = "") -> Inspection:  # fmt: skip
    """``request_correction`` and ``close`` by the Inspector; ``respond`` by the agency."""
    with deps.uow() as uow:
        i = uow.records.get(Inspection, inspection_id)
        if i is None:
            raise NotFound("inspection", inspection_id)
        action = Action.INSPECTION_RESPOND if command == "respond" else Action.INSPECTION_MANAGE
        decision = authorize_or_conceal(deps, uow, actor, action, _res(i, i.agency_id),
                                        what="inspection", may_know=(Action.INSPECTION_READ,))  # fmt: skip
        status = inspection_next(i.status, command)
        now = deps.clock.now()
        changes: dict[str, Any] = {"status": status, "version": i.version + 1}
        if command == "request_correction":
            changes |= {"request": _text(text, "text"), "requested_at": now,
                        "response": None, "responded_at": None}  # fmt: skip
        elif command == "respond":
            changes |= {"response": _text(text, "text"), "responded_at": now}
        else:
            changes |= {"closed_at": now}
        new = replace(i, **changes)
        uow.records.update(new, expected_version=i.version)
        record(deps, uow, actor, action, f"designation:{i.designation_id}", decision,
               payload={"command": command, "inspection": str(i.id)})  # fmt: skip
        uow.commit()
    return new


def inspections(deps: Deps, actor: Subject) -> list[Inspection]:
    """All inspections for the Inspector; an agency's own for its CESI manager and head."""
    with deps.uow() as uow:
        org = uow.orgs.get(actor.org_id) if actor.org_id else None
        agency = org is not None and org.kind is OrgKind.ADMINISTRATIVE_ORGAN
        scope = actor.org_id if agency else None
        authorize(deps, uow, actor, Action.INSPECTION_READ, _res(None, scope))
        filters: dict[str, Any] = {"agency_id": scope} if scope else {}
        return uow.records.find(Inspection, order="opened_at", **filters)[::-1]


# -- whistle-blowing -------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenedReport:
    report: WhistleReport
    text: str
    reporter: str  # who filed it (their account), or what they gave as a contact
    contact: str


def file_report(deps: Deps, actor: Subject, *, text: str, contact: str = "",
                agency_id: uuid.UUID | None = None) -> uuid.UUID:  # fmt: skip
    """File a 通報. The audit log records that a report was received, never by whom; the
    reporter's identity is sealed with the text and only the Inspector's role may open it."""
    body = _text(text, "text", 20_000)
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.WHISTLE_FILE, Resource("whistle_report"))
        if agency_id is not None:
            org = uow.orgs.get(agency_id)
            if org is None or org.kind is not OrgKind.ADMINISTRATIVE_ORGAN:
                raise ValidationFailed("Name an administrative organ, or none.", (
                    FieldProblem("agency_id", "No administrative organ has this id.",
                                 "not_agency"),))  # fmt: skip
        rid = new_id()
        key = deps.cipher.new_key()
        content = {"text": body, "reporter": actor.username, "contact": contact.strip()[:300]}
        sealed = deps.cipher.encrypt(key, json.dumps(content, ensure_ascii=False).encode(),
                                     context=whistle_context(rid))  # fmt: skip
        report = WhistleReport(rid, deps.clock.now(), "received",
                               deps.box.seal(key, context=whistle_context(rid)), sealed, agency_id)  # fmt: skip
        uow.records.add(report)
        anonymous = replace(actor, username="whistle-blower", account_id=None)
        record(deps, uow, anonymous, Action.WHISTLE_FILE, "whistle_report", decision,
               payload={"report": str(rid)})  # fmt: skip
        uow.commit()
    return rid


def reports(deps: Deps, actor: Subject) -> list[WhistleReport]:
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.WHISTLE_READ, Resource("whistle_report"))
        return uow.records.find(WhistleReport, order="received_at")[::-1]


def open_report(deps: Deps, actor: Subject, report_id: uuid.UUID) -> OpenedReport:
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.WHISTLE_READ,
                             Resource("whistle_report", report_id))  # fmt: skip
        r = uow.records.get(WhistleReport, report_id)
        if r is None:
            raise NotFound("report", report_id)
        key = deps.box.open(r.wrapped_key, context=whistle_context(r.id))
        content = json.loads(deps.cipher.decrypt(key, r.sealed, context=whistle_context(r.id)))
        record(deps, uow, actor, Action.WHISTLE_READ, f"whistle_report:{r.id}", decision)
        uow.commit()
    return OpenedReport(r, content["text"], content["reporter"], content["contact"])
