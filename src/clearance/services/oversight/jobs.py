"""``clearance jobs run``: everything that falls due, safe to run from cron at any frequency and in
several copies at once (on one machine or several). Each step is safe on its own:

- expiry notices: one job at a time holds the ``expiry`` lease (``JobLock``), and a designation's
  expiry is recorded once;
- reminders: keyed in the outbox (unique), delivered by claim (see ``reminders``);
- checkpoints: written only when the log grew since the latest one.
A job killed midway leaves at most a lease, which runs out after ``LEASE``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, replace

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.errors import Conflict
from clearance.domain.oversight import JobLock
from clearance.services import audit
from clearance.services.assessments import invitations
from clearance.services.cesi import designations
from clearance.services.context import Deps
from clearance.services.guard import authorize
from clearance.services.oversight import reminders

LEASE = reminders.LEASE


@dataclass(frozen=True)
class JobReport:
    expiry_notices: int | None  # None: another job held the lease
    reminders_added: int
    reminders_sent: int
    checkpoint_size: int | None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(deps: Deps, name: str, worker: str) -> bool:
    """Take the named lease unless someone else holds an unexpired one."""
    with deps.uow() as uow:
        now = deps.clock.now()
        lock = uow.records.get(JobLock, name)
        try:
            if lock is None:
                uow.records.add(JobLock(name, worker, now + LEASE))
            elif lock.until is not None and lock.until > now and lock.holder != worker:
                return False
            else:
                uow.records.update(replace(lock, holder=worker, until=now + LEASE,
                                           version=lock.version + 1),
                                   expected_version=lock.version)  # fmt: skip
            uow.commit()
        except Conflict:
            return False
    return True


def release(deps: Deps, name: str, worker: str) -> None:
    with deps.uow() as uow:
        lock = uow.records.get(JobLock, name)
        if lock is not None and lock.holder == worker:
            uow.records.update(replace(lock, holder=None, until=None, version=lock.version + 1),
                               expected_version=lock.version)  # fmt: skip
            uow.commit()


def run(deps: Deps, actor: Subject, *, worker: str | None = None) -> JobReport:
    worker = worker or worker_name()
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.JOBS_RUN, Resource("jobs"))
    notices = None
    if acquire(deps, "expiry", worker):
        try:
            notices = designations.run_expiry_all(deps, actor)
        finally:
            release(deps, "expiry", worker)
    added = reminders.generate(deps, actor)
    sent = reminders.deliver(deps, actor, worker=worker)
    sent += invitations.deliver(deps, actor, worker=worker, base_url=deps.public_url).sent
    written = audit.checkpoint_if_grown(deps, actor)
    return JobReport(notices, added, sent, written.checkpoint.size if written else None)
