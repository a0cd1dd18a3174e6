"""Invitations to the person assessed: when a step leaves something for them to do or read (listed
on a roster, the notice of the seven matters issued, the questionnaire issued or returned, the
result ready), one invitation is added in the same transaction as the step. The person sees them
on their home page, each linking to the page that acts on it, and they are e-mailed to the address
the person gave, through the same claim-and-lease outbox as the organisations' reminders.

An e-mail says only that something waits and where: never the agency's decision, the reasons or
anything from the file (the link needs a log-in). Imports: domain, services (context, guard).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from clearance.authz.model import Action, Decision, Resource, Subject
from clearance.domain.assessment import Assessment, Command
from clearance.domain.errors import Conflict, FieldProblem, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.oversight import Invitation, InvitationKind, PersonContact
from clearance.services.context import Deps
from clearance.services.guard import authorize, gate, record
from clearance.services.oversight.reminders import EMAIL, Mail, send_outbox
from clearance.services.ports import UnitOfWork

K = InvitationKind
ON_STEP: dict[Command, InvitationKind] = {
    Command.SUBMIT_ROSTER: K.LISTED,
    Command.ISSUE_NOTICE: K.NOTICE,
    Command.ISSUE_QUESTIONNAIRE: K.QUESTIONNAIRE,
    Command.RETURN_QUESTIONNAIRE: K.RETURNED,
    Command.NOTIFY_RESULT: K.RESULT,
}
# The page that acts on each, below /cases/{id}.
PAGE = {K.LISTED: "", K.NOTICE: "", K.QUESTIONNAIRE: "/questionnaire",
        K.RETURNED: "/questionnaire", K.RESULT: ""}  # fmt: skip
# E-mail text (both languages, as the reminders'); the page says the rest after log-in.
MAIL = {
    K.LISTED: ("適性評価の名簿に掲載されました / You are on a suitability-assessment roster",
               "行政機関から調査事項の告知があるまでお待ちください。"
               "\nThe agency will send you the notice of the matters investigated."),
    K.NOTICE: ("適性評価の告知と同意のお願い / Notice and consent",
               "告知の内容を確認し、同意するかどうかを選んでください。"
               "\nRead the notice and choose whether to consent."),
    K.QUESTIONNAIRE: ("質問票の記入のお願い / Please fill in the questionnaire",
                      "質問票を記入し、提出してください。\nFill in and submit the questionnaire."),
    K.RETURNED: ("質問票の修正のお願い / Questionnaire returned",
                 "返戻された項目を修正し、再度提出してください。"
                 "\nChange the returned sections and submit again."),
    K.RESULT: ("適性評価の結果の通知 / The result is ready",
               "結果の通知をご確認ください。\nRead the notice of the result."),
}  # fmt: skip


def on_step(deps: Deps, uow: UnitOfWork, a: Assessment, command: Command) -> None:
    """Add the invitation a step causes (called by ``common.transition`` and the roster import)."""
    kind = ON_STEP.get(command)
    if kind is None:
        return
    now = deps.clock.now()
    key = f"{kind.value}:{a.id}:{now.isoformat()}"
    with contextlib.suppress(Conflict):  # the same step at the same instant: one is enough
        uow.records.add(Invitation(new_id(), key, kind, a.person_id, a.id, now))


def link(i: Invitation) -> str:
    return f"/cases/{i.assessment_id}{PAGE[i.kind]}"


def for_me(deps: Deps, actor: Subject, *, limit: int = 20) -> list[Invitation]:
    """The person's invitations, newest first (their home page)."""
    with deps.uow() as uow:
        _own(deps, uow, actor)
        rows = uow.records.find(Invitation, person_id=actor.person_id, order="created_at")
        return rows[::-1][:limit]


def _own(deps: Deps, uow: UnitOfWork, actor: Subject) -> Decision:
    """Only a person's own account (refused for every other account, as the API matrix says)."""
    return authorize(deps, uow, actor, Action.PERSON_CONTACT,
                     Resource("person", actor.person_id, person_id=actor.person_id))  # fmt: skip


def my_contact(deps: Deps, actor: Subject) -> PersonContact | None:
    if actor.person_id is None:  # the home page of any other account: nothing to show
        return None
    with deps.uow() as uow:
        _own(deps, uow, actor)
        return uow.records.get(PersonContact, actor.person_id)


def set_contact(deps: Deps, actor: Subject, *, email: str) -> PersonContact:
    """The person's own address for invitations (blank is refused; they may change it)."""
    gate(deps, actor, Action.PERSON_CONTACT, "person")  # before any input is read
    email = email.strip()
    if not EMAIL.match(email) or len(email) > 320:
        raise ValidationFailed("Give an e-mail address.",
                               (FieldProblem("email", "Not an e-mail address.", "invalid"),))  # fmt: skip
    with deps.uow() as uow:
        decision = _own(deps, uow, actor)
        assert actor.person_id is not None  # the policy grants this to a person's account only
        contact = PersonContact(actor.person_id, email, deps.clock.now())
        if uow.records.get(PersonContact, actor.person_id):
            uow.records.update(contact)
        else:
            uow.records.add(contact)
        # The address itself stays out of the audit log (personal data); the change is logged.
        record(deps, uow, actor, Action.PERSON_CONTACT, f"person:{actor.person_id}", decision)
        uow.commit()
    return contact


@dataclass(frozen=True)
class Delivery:
    sent: int
    emailed: int


def deliver(deps: Deps, actor: Subject, *, worker: str, base_url: str = "",
            limit: int = 500) -> Delivery:  # fmt: skip
    """E-mail the unsent invitations of people who gave an address; the others are marked
    delivered in the application only (the reminders' outbox mechanism)."""

    def mail(i: Invitation) -> Mail:
        with deps.uow() as uow:
            contact = uow.records.get(PersonContact, i.person_id)
        subject, body = MAIL[i.kind]
        return Mail(contact.email if contact else None, f"Clearance: {subject}",
                    f"{body}\n\n{base_url}{link(i)}", f"<invitation-{i.id}@clearance>")  # fmt: skip

    done = send_outbox(deps, actor, cls=Invitation, worker=worker, limit=limit, mail=mail,
                       target=lambda i: f"invitation:{i.id}")  # fmt: skip
    return Delivery(len(done), sum(1 for i in done if i.emailed_to is not None))
