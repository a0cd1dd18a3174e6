"""Candidates and rosters (CESI.md §4.1, §4.2): an agency nominates its own staff; a qualified
business operator records each employee's consent to be listed and submits a roster, one by one or
as a CSV file that is validated as a whole (nothing is imported unless every row is valid)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import uuid
from dataclasses import dataclass, replace
from typing import Any

from clearance.authz.model import Action, Decision, Resource, Subject
from clearance.domain.assessment import TERMINAL, Assessment, Command, Origin, Status, Trigger
from clearance.domain.casefile import AssessmentEvent, Roster
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import Person, new_id
from clearance.domain.organisations import OrgKind
from clearance.domain.people import check_person_fields, clean_kana, clean_name
from clearance.domain.periods import jst_today
from clearance.services.assessments import invitations
from clearance.services.assessments.common import created, known_to_agency, load, transition
from clearance.services.context import Deps
from clearance.services.guard import authorize, draft, refuse_reference
from clearance.services.ports import UnitOfWork

CSV_COLUMNS = (
    "family_name", "given_name", "family_name_kana", "given_name_kana", "date_of_birth",
    "listing_consent_date", "dispatching_employer_code",
)  # fmt: skip
MAX_ROWS = 100_000  # one file; bigger rosters go in several files


def _agency(uow: UnitOfWork, agency_id: uuid.UUID) -> None:
    org = uow.orgs.get(agency_id)
    if org is None or org.kind is not OrgKind.ADMINISTRATIVE_ORGAN:
        raise ValidationFailed(
            "The agency must be an administrative organ.",
            (FieldProblem("agency_id", "No administrative organ has this id.", "not_agency"),),
        )


def _no_open_case(uow: UnitOfWork, person_id: uuid.UUID, agency_id: uuid.UUID) -> None:
    open_statuses = frozenset(Status) - TERMINAL
    page = uow.cases.find(person_id=person_id, agency_id=agency_id, statuses=open_statuses, limit=1)
    if page.total:
        raise Conflict(
            "This person already has an assessment in progress for this agency.",
            assessment_id=str(page.items[0].id),
        )


def _new(
    deps: Deps, person: Person, agency_id: uuid.UUID, origin: Origin, status: Status,
    trigger: Trigger = Trigger.NEW, previous_id: uuid.UUID | None = None,
    dispatching_employer_id: uuid.UUID | None = None,
) -> Assessment:  # fmt: skip
    now = deps.clock.now()
    return Assessment(
        id=new_id(), person_id=person.id, agency_id=agency_id, origin=origin,
        employer_id=person.employer_id if origin is Origin.OPERATOR_EMPLOYEE else None,
        dispatching_employer_id=dispatching_employer_id, trigger=trigger, status=status,
        status_since=now, created_at=now, previous_id=previous_id,
    )  # fmt: skip


def nominate(
    deps: Deps, actor: Subject, *, person_id: uuid.UUID, agency_id: uuid.UUID | None = None,
    trigger: Trigger = Trigger.NEW,
) -> Assessment:  # fmt: skip
    """An agency puts one of its own staff on its internal list (status ``roster_submitted``)."""
    agency_id = agency_id or actor.org_id
    with deps.uow() as uow:
        decision = authorize(
            deps, uow, actor, Action.ASSESSMENT_NOMINATE,
            Resource("assessment", org_id=agency_id, person_id=person_id),
        )  # fmt: skip
        assert agency_id is not None  # own_org scope guarantees it
        person = uow.persons.get(person_id)
        if person is None:
            raise NotFound("person", person_id)
        _agency(uow, agency_id)
        if not known_to_agency(uow, person, agency_id):
            refuse_reference(deps, uow, actor, Action.ASSESSMENT_NOMINATE, "person", person_id)
        if person.employer_id != agency_id:
            raise ValidationFailed(
                "Only the agency's own staff can be nominated; an operator's employees come "
                "through the operator's roster.",
                (FieldProblem("person_id", "The person is not employed by this agency.",
                              "not_staff"),),
            )  # fmt: skip
        _no_open_case(uow, person_id, agency_id)
        previous = _latest(uow, person_id, agency_id)
        a = _new(deps, person, agency_id, Origin.AGENCY_STAFF, Status.ROSTER_SUBMITTED, trigger,
                 previous.id if previous and trigger is not Trigger.NEW else None)  # fmt: skip
        created(
            deps, uow, actor, a, decision, action=Action.ASSESSMENT_NOMINATE, command="nominate"
        )
        uow.commit()
    return a


def _latest(uow: UnitOfWork, person_id: uuid.UUID, agency_id: uuid.UUID) -> Assessment | None:
    done = uow.cases.find(
        person_id=person_id, agency_id=agency_id, statuses=frozenset({Status.RESULT_NOTIFIED}),
        limit=200,
    )  # fmt: skip
    return max(done.items, key=lambda a: a.status_since) if done.items else None


def _dispatcher(uow: UnitOfWork, org_id: uuid.UUID, person: Person) -> None:
    """A dispatching employer (派遣元) is told the result, so it must be a business in the
    directory other than the nominating employer: never an agency, the Cabinet Office or an unknown
    id (all answered alike). Whether the worker really is dispatched from it is for the agency to
    check on the roster, which shows it (docs/assessment.md)."""
    org = uow.orgs.get(org_id)
    if org is None or org.kind is not OrgKind.QUALIFIED_OPERATOR or org.id == person.employer_id:
        raise ValidationFailed("The dispatching employer is not a business in the directory.", (
            FieldProblem("dispatching_employer_id", "Choose the business that dispatches the "
                         "worker (not your own organisation, not an agency).", "dispatcher"),))  # fmt: skip


def add_candidate(
    deps: Deps, actor: Subject, *, person_id: uuid.UUID, agency_id: uuid.UUID,
    dispatching_employer_id: uuid.UUID | None = None, trigger: Trigger = Trigger.NEW,
) -> Assessment:  # fmt: skip
    """An operator selects an employee; the employee's consent to be listed is asked next."""
    with deps.uow() as uow:
        person = uow.persons.get(person_id)
        employer = str(person.employer_id) if person and person.employer_id else ""
        decision = authorize(
            deps, uow, actor, Action.ASSESSMENT_ADD_CANDIDATE,
            Resource("assessment", person_id=person_id, attrs={"employer_id": employer}),
        )  # fmt: skip
        assert person is not None  # the employer scope needs an existing employee
        _agency(uow, agency_id)
        if dispatching_employer_id is not None:
            _dispatcher(uow, dispatching_employer_id, person)
        _no_open_case(uow, person_id, agency_id)
        previous = _latest(uow, person_id, agency_id)
        a = _new(deps, person, agency_id, Origin.OPERATOR_EMPLOYEE,
                 Status.LISTING_CONSENT_PENDING, trigger,
                 previous.id if previous and trigger is not Trigger.NEW else None,
                 dispatching_employer_id)  # fmt: skip
        created(deps, uow, actor, a, decision, action=Action.ASSESSMENT_ADD_CANDIDATE,
                command="add_candidate")  # fmt: skip
        uow.commit()
    return a


def record_listing_consent(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, given: bool
) -> Assessment:
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_LISTING_CONSENT)
        command = Command.RECORD_LISTING_CONSENT if given else Command.DECLINE_LISTING
        a = transition(deps, uow, actor, a, command, decision,
                       action=Action.ASSESSMENT_LISTING_CONSENT)  # fmt: skip
        uow.commit()
    return a


def submit_roster(
    deps: Deps, actor: Subject, *, agency_id: uuid.UUID, assessment_ids: list[uuid.UUID]
) -> Roster:
    """Submit listed employees to the agency as one roster; all or nothing."""
    if not assessment_ids or len(set(assessment_ids)) != len(assessment_ids):
        raise ValidationFailed(
            "List each assessment once.",
            (FieldProblem("assessment_ids", "Give one or more distinct ids.", "invalid"),),
        )
    with deps.uow() as uow:
        loaded = [load(deps, uow, actor, i, Action.ROSTER_SUBMIT) for i in assessment_ids]
        assert actor.org_id is not None  # the employer scope allowed every load
        wrong = [str(a.id) for a, _ in loaded if a.agency_id != agency_id]
        if wrong:
            raise ValidationFailed(
                "Every assessment on a roster must be for the roster's agency.",
                tuple(FieldProblem("assessment_ids", f"{w} is for another agency.", "agency")
                      for w in wrong),
            )  # fmt: skip
        roster = Roster(new_id(), actor.org_id, agency_id, deps.clock.now(), actor.label,
                        len(assessment_ids))  # fmt: skip
        uow.cases.add_roster(roster)
        for a, decision in loaded:
            transition(deps, uow, actor, a, Command.SUBMIT_ROSTER, decision,
                       action=Action.ROSTER_SUBMIT, payload={"roster": str(roster.id)},
                       roster_id=roster.id)  # fmt: skip
        uow.commit()
    return roster


@dataclass(frozen=True)
class ImportResult:
    roster: Roster
    assessments: list[Assessment]


def _parse_csv(text: str) -> tuple[list[dict[str, str]], list[FieldProblem]]:
    try:
        return _read_csv(text)
    except csv.Error as exc:  # e.g. a bare carriage return inside a field
        return [], [FieldProblem("file", f"The file is not valid CSV: {exc}.", "invalid")]


def _read_csv(text: str) -> tuple[list[dict[str, str]], list[FieldProblem]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in CSV_COLUMNS[:-1] if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    problems = [FieldProblem(f"header.{c}", "This column is missing.", "required") for c in missing]
    problems += [FieldProblem(f"header.{c}", "Unknown column.", "unknown_field") for c in unknown]
    if problems:
        return [], problems
    rows = list(reader)
    if not rows:
        problems.append(FieldProblem("rows", "The file has no rows.", "required"))
    if len(rows) > MAX_ROWS:
        problems.append(FieldProblem("rows", f"At most {MAX_ROWS} rows per file.", "too_many"))
    return rows, problems


ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp932", "Shift_JIS (CP932)"))


def decode_csv(raw: bytes) -> tuple[str, str]:
    """The text of an uploaded roster and the encoding it was found in: UTF-8 (with or without a
    byte-order mark), or Shift_JIS / CP932, which Excel on Japanese Windows saves. Anything else is
    refused with a field problem rather than guessed."""
    for codec, name in ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        # CP932 maps almost any byte to something (0xFF to a private-use character): text with
        # NUL, other controls or private-use characters is not a roster in that encoding.
        if not any(unicodedata.category(c) in ("Cc", "Co") and c not in "\t\r\n" for c in text):
            return text, name
    raise ValidationFailed("Save the file as CSV in UTF-8 or Shift_JIS.", (
        FieldProblem("file", "The file is neither UTF-8 nor Shift_JIS text.", "encoding"),))  # fmt: skip


def import_roster_csv(
    deps: Deps, actor: Subject, *, agency_id: uuid.UUID, text: str
) -> ImportResult:
    """Validate every row, report every problem (``rows.N.field``, N counted from 1 after the
    header), and import nothing unless all rows are valid. Valid files create (or reuse) the
    employees, record their listing consent, and submit them as one roster."""
    operator_id = actor.org_id
    rows, problems = _parse_csv(text)
    today = jst_today(deps.clock.now())
    with deps.uow() as uow:
        decision = authorize(
            deps, uow, actor, Action.ROSTER_SUBMIT,
            Resource("roster", attrs={"employer_id": str(operator_id) if operator_id else ""}),
        )  # fmt: skip
        assert operator_id is not None
        _agency(uow, agency_id)
        seen: dict[tuple[str, str, str], int] = {}
        parsed = []
        for n, row in enumerate(rows, start=1):
            row_problems: list[FieldProblem] = []
            values = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS}
            # Stored as entered on a register: NFC names, full-width katakana readings.
            for k in ("family_name", "given_name"):
                values[k] = clean_name(values[k])
            for k in ("family_name_kana", "given_name_kana"):
                values[k] = clean_kana(values[k])
            dob = _date(values["date_of_birth"], f"rows.{n}.date_of_birth", row_problems)
            consent = _date(values["listing_consent_date"], f"rows.{n}.listing_consent_date",
                            row_problems)  # fmt: skip
            if consent and consent > today:
                row_problems.append(
                    FieldProblem(
                        f"rows.{n}.listing_consent_date",
                        "The date is in the future.",
                        "date_future",
                    )
                )
            if dob:
                try:
                    check_person_fields(
                        family_name=values["family_name"], given_name=values["given_name"],
                        family_name_kana=values["family_name_kana"],
                        given_name_kana=values["given_name_kana"], date_of_birth=dob, today=today,
                    )  # fmt: skip
                except ValidationFailed as exc:
                    row_problems += [FieldProblem(f"rows.{n}.{p.field}", p.message, p.code)
                                     for p in exc.problems]  # fmt: skip
            dispatching = None
            if values["dispatching_employer_code"]:
                org = uow.orgs.by_code(values["dispatching_employer_code"])
                if (
                    org is None
                    or org.kind is not OrgKind.QUALIFIED_OPERATOR
                    or (org.id == actor.org_id)
                ):
                    row_problems.append(FieldProblem(
                        f"rows.{n}.dispatching_employer_code",
                        "No business other than yours has this code.", "unknown"))  # fmt: skip
                    org = None
                dispatching = org.id if org else None
            identity = (values["family_name"], values["given_name"], values["date_of_birth"])
            if identity in seen:
                row_problems.append(FieldProblem(f"rows.{n}", f"Same person as row {seen[identity]}.",
                                                 "duplicate"))  # fmt: skip
            seen.setdefault(identity, n)
            problems += row_problems
            if not row_problems and dob and consent:
                parsed.append((values, dob, consent, dispatching))
        if problems:
            raise ValidationFailed(
                f"The roster was not imported: {len(problems)} problem(s). Fix them and upload "
                "the whole file again.", tuple(problems),
            )  # fmt: skip
        roster = Roster(
            new_id(), operator_id, agency_id, deps.clock.now(), actor.label, len(parsed)
        )
        uow.cases.add_roster(roster)
        out = _import_rows(deps, uow, actor, decision, roster, operator_id, agency_id, parsed)
        uow.commit()
    return ImportResult(roster, out)


def _import_rows(
    deps: Deps, uow: UnitOfWork, actor: Subject, decision: Decision, roster: Roster,
    operator_id: uuid.UUID, agency_id: uuid.UUID, parsed: list[Any],
) -> list[Assessment]:  # fmt: skip
    """The valid file's rows, written in bulk: the same persons, assessments, two stage events
    and two audit entries per row as adding, consenting and submitting them one by one, in a few
    batched statements instead of a dozen per row (100,000 rows in one transaction)."""
    now = deps.clock.now()
    known = uow.persons.by_identity(operator_id, {v["family_name"] for v, *_ in parsed})
    new_people: list[Person] = []
    people: list[Person] = []
    for values, dob, _consent, _dispatching in parsed:
        key = (values["family_name"], values["given_name"], dob)
        person = known.get(key)
        if person is None:
            person = known[key] = Person(new_id(), values["family_name"], values["given_name"],
                                         values["family_name_kana"], values["given_name_kana"],
                                         dob, operator_id, now)  # fmt: skip
            new_people.append(person)
        people.append(person)
    fresh = {p.id for p in new_people}
    busy = uow.cases.open_for([p.id for p in people if p.id not in fresh], agency_id)
    if busy:
        raise Conflict("A person in the file already has an assessment in progress for this "
                       "agency.", assessment_id=str(next(iter(busy.values()))))  # fmt: skip
    uow.persons.add_many(new_people)
    assessments, events, drafts = [], [], []
    for person, (_values, _dob, consent, dispatching) in zip(people, parsed, strict=True):
        a = replace(_new(deps, person, agency_id, Origin.OPERATOR_EMPLOYEE, Status.ROSTER_SUBMITTED,
                         dispatching_employer_id=dispatching),
                    version=2, roster_id=roster.id)  # fmt: skip
        assessments.append(a)
        listed = f"import_listed:{consent.isoformat()}"
        events += [AssessmentEvent(a.id, listed, None, Status.LISTED.value, actor.label,
                                   actor.account_id, now),
                   AssessmentEvent(a.id, Command.SUBMIT_ROSTER.value, Status.LISTED.value,
                                   Status.ROSTER_SUBMITTED.value, actor.label, actor.account_id, now)]  # fmt: skip
        target = f"assessment:{a.id}"
        drafts += [draft(actor, Action.ROSTER_SUBMIT, target, decision, payload={
                       "command": listed, "from": None, "to": Status.LISTED.value,
                       "trigger": a.trigger.value, "agency": str(agency_id),
                       "person": str(person.id)}),
                   draft(actor, Action.ROSTER_SUBMIT, target, decision, payload={
                       "command": Command.SUBMIT_ROSTER.value, "from": Status.LISTED.value,
                       "to": Status.ROSTER_SUBMITTED.value, "roster": str(roster.id)})]  # fmt: skip
    uow.cases.add_many(assessments, events)
    for a in assessments:
        invitations.on_step(deps, uow, a, Command.SUBMIT_ROSTER)
    uow.audit.append_many(drafts, now)
    return assessments


def _date(value: str, where: str, problems: list[FieldProblem]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(where, "Write the date as YYYY-MM-DD.", "date"))
        return None


def _find_or_add_person(
    deps: Deps, uow: UnitOfWork, employer_id: uuid.UUID, values: dict[str, str], dob: dt.date
) -> Person:
    found = uow.persons.find_exact(employer_id, values["family_name"], values["given_name"], dob)
    if found is not None:
        return found
    person = Person(new_id(), values["family_name"], values["given_name"],
                    values["family_name_kana"], values["given_name_kana"], dob, employer_id,
                    deps.clock.now())  # fmt: skip
    uow.persons.add(person)
    return person
