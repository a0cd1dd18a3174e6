"""Reminders: found by rules over the records, kept in an outbox, delivered once.

- ``generate`` finds what is due (designations nearing expiry, eligibility nearing its end,
  training due, inventories due, complaints waiting) and adds one outbox row per due thing. The row's
  key names the thing and its date, and is unique in the database, so running twice, or twice at the
  same time, adds nothing new.
- ``deliver`` claims unsent rows one at a time (optimistic version check plus a lease), e-mails the
  organisation's contact address if there is one, and marks the row sent. A worker killed after its
  claim leaves a lease that runs out; the next run sends the row. The one window that cannot be
  closed is between the mail server accepting a message and the commit that marks it sent; the
  message then carries the same Message-ID twice.
Windows and intervals are regime parameters (cesi.toml, status "open": not statutory).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.designation import Designation
from clearance.domain.errors import Conflict, FieldProblem, InfrastructureError, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.oversight import OrgContact, Reminder, ReminderKind
from clearance.domain.periods import JST, add_months
from clearance.domain.records import TrainingRecord
from clearance.services.context import Deps
from clearance.services.guard import authorize, gate, record
from clearance.services.ports import UnitOfWork

LEASE = dt.timedelta(minutes=5)
Row = TypeVar("Row", bound=Any)  # an outbox row: sent_at, claimed_until, attempts, version, kind
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _days(deps: Deps, name: str) -> dt.timedelta:
    return dt.timedelta(days=int(deps.regime.value(name)))


def _add(uow: UnitOfWork, reminder: Reminder) -> bool:
    if uow.records.find(Reminder, key=reminder.key, limit=1):
        return False
    try:
        uow.records.add(reminder)  # the unique key is the last word under concurrency
    except Conflict:
        return False
    return True


def _due(deps: Deps, uow: UnitOfWork) -> list[Reminder]:
    now = deps.clock.now()
    today = now.astimezone(JST).date()
    out: list[Reminder] = []

    def make(kind: ReminderKind, key: str, org: uuid.UUID, ref: str, due: dt.date,
             subject: str, body: str) -> None:  # fmt: skip
        out.append(Reminder(new_id(), f"{kind.value}:{key}", kind, org, ref, due, now,
                            subject, body))  # fmt: skip

    horizon = today + _days(deps, "reminder_designation_expiry_days")
    for d in uow.records.find(Designation, cancelled_at=None):
        if today <= d.expires_on <= horizon:
            make(ReminderKind.DESIGNATION_EXPIRY, f"{d.id}:{d.expires_on}", d.agency_id,
                 f"designation:{d.id}", d.expires_on,
                 f"指定の有効期間が満了します / Designation expires: {d.document_number}",
                 f"{d.document_number}「{d.title}」の有効期間は {d.expires_on} に満了します。"
                 "延長又は解除を検討してください。\n"
                 f"The designation {d.document_number} expires on {d.expires_on}; extend or "
                 "let it end.")  # fmt: skip
    until = now + _days(deps, "reminder_eligibility_expiry_days")
    for e in uow.stats.ending_eligibilities(now, until):
        due = e.valid_until.astimezone(JST).date()
        make(ReminderKind.ELIGIBILITY_EXPIRY, f"{e.id}:{due}", e.agency_id,
             f"eligibility:{e.id}", due,
             "適性評価の有効期間が終了します / Eligibility ends",
             f"ある取扱者の適性評価の有効期間が {due} に終了します（対象者 {e.person_id}）。"
             "引き続き取り扱う場合は再評価の手続を始めてください。\n"
             f"A person's eligibility ({e.person_id}) ends on {due}; start a renewal if they "
             "still need to handle CESI.")  # fmt: skip
    soon = today + _days(deps, "reminder_training_days")
    for r in uow.records.find(TrainingRecord, completed_at=None):
        person = uow.persons.get(r.person_id)
        if person and person.employer_id and r.due_on <= soon:
            make(ReminderKind.TRAINING_DUE, f"{r.id}:{r.due_on}", person.employer_id,
                 f"training:{r.id}", r.due_on, "教育の期限 / Training due",
                 f"{person.family_name} {person.given_name} さんの教育（{r.module_code}）の期限は "
                 f"{r.due_on} です。\nTraining {r.module_code} for {person.family_name} "
                 f"{person.given_name} is due on {r.due_on}.")  # fmt: skip
    since = add_months(now, -int(deps.regime.value("inventory_interval_months")))
    for org in uow.stats.holders_without_inventory(since):
        period = f"{today.year}-{(today.month - 1) // 3 + 1}"  # at most one reminder a quarter
        make(ReminderKind.INVENTORY_DUE, f"{org}:{period}", org, f"organisation:{org}", today,
             "文書等の点検 / Inventory due",
             "保管している文書等の点検の時期です。\nAn inventory of the materials you hold is "
             "due.")  # fmt: skip
    for c in uow.stats.waiting_complaints(now - _days(deps, "reminder_complaint_days")):
        make(ReminderKind.COMPLAINT_WAITING, f"{c.id}", c.agency_id, f"complaint:{c.id}", today,
             "未処理の苦情 / Complaint waiting",
             f"{c.filed_at.astimezone(JST).date()} に申し出られた苦情が処理を待っています。\n"
             "A complaint filed on that date is waiting for an answer.")  # fmt: skip
    return out


def generate(deps: Deps, actor: Subject) -> int:
    """Add the reminders that are due and not yet in the outbox; returns how many were added."""
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.JOBS_RUN, Resource("jobs"))
        added = sum(_add(uow, r) for r in _due(deps, uow))
        if added:
            record(deps, uow, actor, Action.JOBS_RUN, "reminders", decision,
                   payload={"command": "generate", "added": added})  # fmt: skip
        uow.commit()
    return added


def claim(deps: Deps, worker: str, cls: type[Row], row_id: uuid.UUID) -> Row | None:
    """Take one outbox row (a reminder or a person's invitation) for this worker: an optimistic
    version check plus a lease, so two workers never send the same row."""
    with deps.uow() as uow:
        r = uow.records.get(cls, row_id)
        now = deps.clock.now()
        if r is None or r.sent_at is not None or (r.claimed_until and r.claimed_until > now):
            return None
        claimed = replace(r, claimed_until=now + LEASE, claimed_by=worker,
                          attempts=r.attempts + 1, version=r.version + 1)  # fmt: skip
        try:
            uow.records.update(claimed, expected_version=r.version)
            uow.commit()
        except Conflict:
            return None  # another worker claimed it first
        return claimed


def _claim(deps: Deps, worker: str, reminder_id: uuid.UUID) -> Reminder | None:
    return claim(deps, worker, Reminder, reminder_id)


@dataclass(frozen=True)
class Mail:
    to: str | None  # None: shown in the application only
    subject: str
    body: str
    message_id: str


def send_outbox(
    deps: Deps, actor: Subject, *, cls: type[Row], worker: str, limit: int,
    mail: Callable[[Row], Mail], target: Callable[[Row], str],
) -> list[Row]:  # fmt: skip
    """Deliver the unsent rows of one outbox: claim each, e-mail it when it has an address, and
    mark it sent with its audit entry; a refused e-mail stays unsent for the next run. Returns the
    rows this worker delivered."""
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.JOBS_RUN, Resource("jobs"))
        pending = [r.id for r in uow.records.find(cls, sent_at=None, order="created_at",
                                                  limit=limit)]  # fmt: skip
    delivered = []
    for rid in pending:
        r = claim(deps, worker, cls, rid)
        if r is None:
            continue
        m = mail(r)
        to = m.to if deps.mailer.enabled else None
        error = None
        if to:
            try:
                deps.mailer.send(to=to, subject=m.subject, body=m.body, message_id=m.message_id)
            except InfrastructureError as exc:
                error = str(exc)[:500]
        with deps.uow() as uow:
            done = replace(r, version=r.version + 1, claimed_until=None, last_error=error,
                           sent_at=None if error else deps.clock.now(), emailed_to=to)  # fmt: skip
            uow.records.update(done, expected_version=r.version)
            if not error:
                record(deps, uow, actor, Action.JOBS_RUN, target(r), decision,
                       payload={"command": "deliver", "kind": r.kind.value,
                                "emailed": to is not None})  # fmt: skip
            uow.commit()
        if error is None:
            delivered.append(done)
    return delivered


def deliver(deps: Deps, actor: Subject, *, worker: str, limit: int = 500) -> int:
    """Send unsent reminders to the organisation's contact address; returns how many this worker
    sent."""

    def mail(r: Reminder) -> Mail:
        with deps.uow() as uow:
            contact = uow.records.get(OrgContact, r.org_id)
        return Mail(contact.email if contact else None, r.subject, r.body,
                    f"<reminder-{r.id}@clearance>")  # fmt: skip

    return len(send_outbox(deps, actor, cls=Reminder, worker=worker, limit=limit, mail=mail,
                           target=lambda r: f"reminder:{r.id}"))  # fmt: skip


def for_my_org(deps: Deps, actor: Subject, *, limit: int = 100) -> list[Reminder]:
    """The reminders of the actor's organisation, newest first (the in-application list)."""
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.REMINDER_READ, Resource("reminder", org_id=actor.org_id))
        rows = uow.records.find(Reminder, org_id=actor.org_id, order="created_at")
        return rows[::-1][:limit]


def set_contact(deps: Deps, actor: Subject, *, org_id: uuid.UUID, email: str) -> OrgContact:
    gate(deps, actor, Action.CONTACT_MANAGE, "organisation")  # before any input is read
    email = email.strip()
    if not EMAIL.match(email) or len(email) > 320:
        raise ValidationFailed("Give an e-mail address.",
                               (FieldProblem("email", "Not an e-mail address.", "invalid"),))  # fmt: skip
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.CONTACT_MANAGE,
                             Resource("organisation", org_id, org_id=org_id))  # fmt: skip
        contact = OrgContact(org_id, email, deps.clock.now())
        if uow.records.get(OrgContact, org_id):
            uow.records.update(contact)
        else:
            uow.records.add(contact)
        record(deps, uow, actor, Action.CONTACT_MANAGE, f"organisation:{org_id}", decision)
        uow.commit()
    return contact
