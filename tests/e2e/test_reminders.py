"""Reminders and ``clearance jobs run`` against a real SMTP server (aiosmtpd on loopback), on
SQLite and PostgreSQL: each due thing is reminded once, by e-mail and in the application, even when
two jobs run at the same time or a job dies after claiming a reminder."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from clearance.bootstrap import AppContext, build_context, cli_subject
from clearance.domain.oversight import Reminder, ReminderKind
from clearance.services import demo
from clearance.services.oversight import jobs, reminders
from tests.conftest import FakeClock, make_settings


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def world(tmp_path: Path, db_url: str, clock: FakeClock,
          smtp: tuple[Inbox, int]) -> Iterator[AppContext]:  # fmt: skip
    ctx = build_context(make_settings(tmp_path, db_url, smtp_host="127.0.0.1", smtp_port=smtp[1],
                                      mail_from="clearance@example.go.jp"), clock=clock)  # fmt: skip
    demo.seed(ctx.deps, cli_subject())
    yield ctx
    ctx.close()


def subjects(ctx: AppContext) -> dict[str, Any]:
    from clearance.authz.model import Subject

    out = {}
    with ctx.deps.uow() as uow:
        for username in ("meti.manager", "sakura.security", "meti.officer"):
            record = uow.accounts.by_username(username)
            assert record is not None
            account = record.account
            out[username] = Subject(
                account.id,
                username,
                account.roles,
                account.org_id,
                uow.orgs.get(account.org_id).kind,
            )  # type: ignore[union-attr]
    return out


def designate(ctx: AppContext, who: Any, number: str, expires: dt.date) -> None:
    from clearance.domain.designation import Marking
    from clearance.services.cesi import designations

    today = ctx.deps.clock.now().date()
    code = ctx.deps.regime.categories[0].code
    designations.designate(ctx.deps, who, category_code=code, document_number=number, title=number,
                           marking=Marking.MARK, start_on=today, expires_on=expires)  # fmt: skip


def test_a_reminder_is_sent_once_by_mail_and_shown_in_the_application(
    world: AppContext, smtp: tuple[Inbox, int], clock: FakeClock
) -> None:
    inbox, _ = smtp
    s = subjects(world)
    today = clock.now().date()
    designate(world, s["meti.manager"], "SOON-1", today + dt.timedelta(days=30))
    designate(world, s["meti.manager"], "LATER-1", today + dt.timedelta(days=400))
    reminders.set_contact(world.deps, s["meti.manager"], org_id=s["meti.manager"].org_id,
                          email="cesi-office@meti.example.go.jp")  # fmt: skip
    first = jobs.run(world.deps, cli_subject(), worker="w1")
    assert first.reminders_added == 1 and first.reminders_sent == 1
    [mail] = inbox.messages
    assert mail["To"] == "cesi-office@meti.example.go.jp" and "SOON-1" in mail["Subject"]
    assert mail["Message-ID"].startswith("<reminder-")
    again = jobs.run(world.deps, cli_subject(), worker="w1")
    assert again.reminders_added == 0 and again.reminders_sent == 0 and len(inbox.messages) == 1
    [shown] = reminders.for_my_org(world.deps, s["meti.manager"])
    assert shown.kind is ReminderKind.DESIGNATION_EXPIRY and shown.sent_at is not None
    assert reminders.for_my_org(world.deps, s["sakura.security"]) == []  # another organisation's


def test_two_jobs_at_the_same_time_send_each_reminder_once(
    world: AppContext, smtp: tuple[Inbox, int], clock: FakeClock
) -> None:
    inbox, _ = smtp
    s = subjects(world)
    today = clock.now().date()
    for n in range(12):
        designate(world, s["meti.manager"], f"D-{n}", today + dt.timedelta(days=10 + n))
    reminders.set_contact(world.deps, s["meti.manager"], org_id=s["meti.manager"].org_id,
                          email="office@meti.example.go.jp")  # fmt: skip
    results: list[Any] = []
    errors: list[BaseException] = []

    def job(name: str) -> None:
        try:
            results.append(jobs.run(world.deps, cli_subject(), worker=name))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=job, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(r.reminders_sent for r in results) == 12
    subjects_sent = sorted(m["Subject"] for m in inbox.messages)
    assert len(subjects_sent) == 12 and len(set(subjects_sent)) == 12
    with world.deps.uow() as uow:
        rows = uow.records.find(Reminder)
    assert len(rows) == 12 and all(r.sent_at is not None for r in rows)


def test_a_job_killed_after_its_claim_is_finished_by_the_next_one(
    world: AppContext, smtp: tuple[Inbox, int], clock: FakeClock
) -> None:
    inbox, _ = smtp
    s = subjects(world)
    designate(world, s["meti.manager"], "K-1", clock.now().date() + dt.timedelta(days=5))
    reminders.set_contact(world.deps, s["meti.manager"], org_id=s["meti.manager"].org_id,
                          email="office@meti.example.go.jp")  # fmt: skip
    assert reminders.generate(world.deps, cli_subject()) == 1
    with world.deps.uow() as uow:
        [row] = uow.records.find(Reminder)
    assert reminders._claim(world.deps, "dead-worker", row.id) is not None  # then it dies
    assert jobs.run(world.deps, cli_subject(), worker="w2").reminders_sent == 0  # leased
    assert inbox.messages == []
    clock.advance(minutes=6)  # the dead worker's lease runs out
    assert jobs.run(world.deps, cli_subject(), worker="w2").reminders_sent == 1
    assert jobs.run(world.deps, cli_subject(), worker="w3").reminders_sent == 0
    assert len(inbox.messages) == 1


def test_without_a_mail_server_reminders_stay_in_the_application(
    tmp_path: Path, db_url: str, clock: FakeClock
) -> None:
    ctx = build_context(make_settings(tmp_path, db_url), clock=clock)
    try:
        demo.seed(ctx.deps, cli_subject())
        s = subjects(ctx)
        designate(ctx, s["meti.manager"], "N-1", clock.now().date() + dt.timedelta(days=5))
        report = jobs.run(ctx.deps, cli_subject())
        assert report.reminders_sent == 1
        [r] = reminders.for_my_org(ctx.deps, s["meti.manager"])
        assert r.emailed_to is None and r.sent_at is not None
    finally:
        ctx.close()


def test_every_kind_of_reminder_is_found(world: AppContext, clock: FakeClock) -> None:
    """Training due, eligibility ending, inventory due and a designation expiring, each once."""
    from clearance.services.assessments import eligibility
    from clearance.services.cesi import custody, designations, handlers

    s = subjects(world)
    today = clock.now().date()
    with world.deps.uow() as uow:
        employee = uow.persons.list(employer_id=s["sakura.security"].org_id, q=None, limit=1,
                                    offset=0).items[0]  # fmt: skip
        staff = uow.persons.list(employer_id=s["meti.officer"].org_id, q=None, limit=1,
                                 offset=0).items[0]  # fmt: skip
    handlers.assign_training(world.deps, s["sakura.security"], person_id=employee.id,
                             module_code="social_media", due_on=today + dt.timedelta(days=3))  # fmt: skip
    # An SDS result from almost five years ago: its reciprocity ends in about 100 days.
    eligibility.record_sds(world.deps, s["meti.officer"], person_id=staff.id, reference="SDS-9",
                           sds_notified_on=today.replace(year=today.year - 5) + dt.timedelta(days=100))  # fmt: skip
    designate(world, s["meti.manager"], "INV-1", today + dt.timedelta(days=60))
    [d] = [
        x
        for x in designations.ledger(world.deps, s["meti.manager"])
        if x.document_number == "INV-1"
    ]
    custody.register(world.deps, s["meti.manager"], designation_id=d.id, kind="document",
                     title="報告書", copy_total=1, location="金庫")  # fmt: skip
    added = reminders.generate(world.deps, cli_subject())
    with world.deps.uow() as uow:
        kinds = sorted(r.kind.value for r in uow.records.find(Reminder))
    assert kinds == ["designation_expiry", "eligibility_expiry", "inventory_due", "training_due"]
    assert added == 4 and reminders.generate(world.deps, cli_subject()) == 0
    # The inventory answers its reminder: next time only a new period would remind again.
    custody.inventory(world.deps, s["meti.manager"], found=[m.id for m in custody.materials(
        world.deps, s["meti.manager"])])  # fmt: skip
    with world.deps.uow() as uow:
        assert uow.stats.holders_without_inventory(clock.now() - dt.timedelta(days=1)) == []


def test_the_person_is_invited_at_each_step_that_waits_on_them_in_the_application_and_by_mail(
    world: AppContext, smtp: tuple[Inbox, int], clock: FakeClock
) -> None:
    """Listed, notice, questionnaire issued, returned, result: one invitation each, shown on the
    person's list with the page that acts on it, e-mailed once to the address they gave, and the
    e-mail carries neither the result nor anything from the file."""
    from fastapi.testclient import TestClient

    from clearance.web.app import create_app
    from tests.e2e.flows import Flow

    inbox, _ = smtp
    client = TestClient(create_app(world))
    flow = Flow(client, clock)

    def kinds() -> list[str]:
        return [i["kind"] for i in flow.get("tanaka.hanako", "/me/invitations")][::-1]

    flow.put("tanaka.hanako", "/me/contact", {"email": "hanako@example.jp"})
    flow.put("tanaka.hanako", "/me/contact", {"email": "not an address"}, 422)
    aid = flow.operator_candidate()
    assert kinds() == ["listed"]
    flow.post("meti.officer", f"/assessments/{aid}/notice")
    assert kinds() == ["listed", "notice"]
    assert flow.get("tanaka.hanako", "/me/invitations")[0]["link"] == f"/cases/{aid}"
    flow.post("tanaka.hanako", f"/assessments/{aid}/consent")
    flow.post("meti.head", f"/assessments/{aid}/investigation", {"reuse": False})
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire")
    assert flow.get("tanaka.hanako", "/me/invitations")[0]["link"] == f"/cases/{aid}/questionnaire"
    flow.fill_questionnaire(aid)
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire-return",
              {"sections": ["travel"], "note": "日付を確認"})  # fmt: skip
    flow.post("tanaka.hanako", f"/assessments/{aid}/questionnaire-submission")
    today = clock.now().date().isoformat()
    flow.post("cao.investigator", f"/assessments/{aid}/inquiries",
              {"target": "警視庁", "matter": 2, "date": today, "outcome": "記録なし"})  # fmt: skip
    flow.post("cao.investigator", f"/assessments/{aid}/interview",
              {"held_on": today, "summary": "面接"})  # fmt: skip
    flow.post("cao.investigator", f"/assessments/{aid}/report",
              {"findings": {str(n): "なし" for n in range(1, 8)}, "opinion": "可"})  # fmt: skip
    flow.decide(aid, outcome="unfavourable", reasons="秘密の理由カナリア")
    assert kinds() == ["listed", "notice", "questionnaire", "returned", "result"]
    assert flow.get("suzuki.misaki", "/me/invitations") == []  # each their own

    first = jobs.run(world.deps, cli_subject(), worker="w1")
    mails = [m for m in inbox.messages if m["To"] == "hanako@example.jp"]
    assert len(mails) == 5 and first.reminders_sent >= 5
    bodies = "".join(m.get_payload(decode=True).decode() for m in mails)
    assert f"/cases/{aid}" in bodies and "秘密の理由カナリア" not in bodies
    assert "不適合" not in bodies and "unfavourable" not in bodies
    jobs.run(world.deps, cli_subject(), worker="w2")
    assert len([m for m in inbox.messages if m["To"] == "hanako@example.jp"]) == 5  # once each
    assert all(i["emailed"] for i in flow.get("tanaka.hanako", "/me/invitations"))
    export = flow.get("tanaka.hanako", "/me/export")
    assert export["contact_email"] == "hanako@example.jp" and len(export["invitations"]) == 5
