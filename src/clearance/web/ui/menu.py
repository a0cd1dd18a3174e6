"""The menu: the pages each role may use, and how many tasks wait behind each (the home page's
task list, counted per menu item). Counts are kept for a short while per session so that moving
between pages does not scan the cases again, and dropped when the session changes something.
Imports: services (tasks), web (i18n).
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import Request

from clearance.authz.model import Subject
from clearance.domain.organisations import Role
from clearance.services import tasks
from clearance.services.context import Deps
from clearance.web import i18n

TTL = 30.0  # seconds a session's counts are reused while it only reads pages
R = Role
AGENCY = {R.AGENCY_HEAD_DELEGATE, R.ADJUDICATOR, R.ASSESSMENT_OFFICER, R.COMPLAINTS_OFFICER}
CUSTODY = {R.CESI_MANAGER, R.SECURITY_OFFICER}
# (path, label, roles that see it). The services decide what is shown; this only avoids dead links.
MENU: tuple[tuple[str, str, frozenset[Role]], ...] = tuple(
    (path, text, frozenset(roles))
    for path, text, roles in (
        ("/cases", i18n.N_("Assessments"), AGENCY | {R.INVESTIGATOR, R.INVESTIGATION_SUPERVISOR,
                                                    R.ASSESSED_PERSON}),
        ("/eligibility", i18n.N_("Eligibility"), {R.ASSESSMENT_OFFICER}),
        ("/employees", i18n.N_("Employees and roster"), {R.SECURITY_OFFICER, R.OPERATOR_ADMIN,
                                                         R.OPERATOR_MANAGEMENT}),
        ("/designations", i18n.N_("Designation ledger"), {R.CESI_MANAGER, R.AGENCY_HEAD_DELEGATE,
                                                          R.CERTIFICATION_OFFICER, R.INSPECTOR}),
        ("/received", i18n.N_("Information provided to us"), CUSTODY),
        ("/materials", i18n.N_("Materials and custody"), CUSTODY),
        ("/handlers", i18n.N_("Handlers and training"), CUSTODY),
        ("/access", i18n.N_("Access decisions"), CUSTODY),
        ("/incidents", i18n.N_("Incidents"), CUSTODY),
        ("/certifications", i18n.N_("Certification"), {R.CERTIFICATION_OFFICER, R.SECURITY_OFFICER,
                                                       R.OPERATOR_MANAGEMENT}),
        ("/complaints", i18n.N_("Complaints"), {R.COMPLAINTS_OFFICER, R.AGENCY_HEAD_DELEGATE}),
        ("/oversight", i18n.N_("Oversight"), {R.INSPECTOR, R.SYSTEM_ADMIN}),
        ("/report", i18n.N_("Annual report"), {R.INSPECTOR, R.STATISTICS_VIEWER, R.SYSTEM_ADMIN}),
        ("/timeliness", i18n.N_("Timeliness"), {R.AGENCY_HEAD_DELEGATE, R.ASSESSMENT_OFFICER,
                                                R.ADJUDICATOR, R.INVESTIGATOR,
                                                R.INVESTIGATION_SUPERVISOR, R.INSPECTOR,
                                                R.STATISTICS_VIEWER}),
        ("/inspections", i18n.N_("Inspections"), {R.INSPECTOR, R.CESI_MANAGER,
                                                  R.AGENCY_HEAD_DELEGATE}),
        ("/reminders", i18n.N_("Reminders"), set(Role) - {R.ASSESSED_PERSON, R.SYSTEM_ADMIN}),
        ("/documents", i18n.N_("Documents issued"), set(Role) - {R.ASSESSED_PERSON, R.SYSTEM_ADMIN,
                                                                R.STATISTICS_VIEWER}),
        ("/whistle", i18n.N_("Report a concern"), set(Role)),
        ("/me/duties", i18n.N_("Duties of a handler"), {R.ASSESSED_PERSON}),
        ("/me/export", i18n.N_("My data"), {R.ASSESSED_PERSON}),
    )
)  # fmt: skip


def task_link(t: tasks.Task) -> str:
    """Straight to the form that acts on the task (the home page's links)."""
    if t.step == "submit_questionnaire":
        return f"/cases/{t.assessment_id}/questionnaire"
    if t.step in ("record_listing_consent", "submit_roster"):
        return "/employees"
    if t.kind == "complaint":
        return "/complaints"
    return f"/cases/{t.assessment_id}#step-{t.step}"


def menu_counts(waiting: tasks.TaskList) -> dict[str, int]:
    """How many tasks wait behind each menu item: the item whose page the task's link opens."""
    counts: dict[str, int] = {}
    for t in waiting.items:
        path = "/" + task_link(t).split("/")[1].split("#")[0]
        counts[path] = counts.get(path, 0) + 1
    return counts


def _key(request: Request, subject: Subject) -> str:
    return getattr(request.state, "session_token", None) or str(subject.account_id)


def counts(request: Request, deps: Deps, subject: Subject) -> dict[str, int]:
    cache: dict[str, tuple[float, dict[str, int]]] = getattr(request.app.state, "menu_counts", {})
    request.app.state.menu_counts = cache
    key, now = _key(request, subject), time.monotonic()
    hit = cache.get(key)
    if hit and now - hit[0] < TTL:
        return hit[1]
    if len(cache) > 1000:
        for k in [k for k, (at, _) in cache.items() if now - at >= TTL]:
            del cache[k]
    found = menu_counts(tasks.waiting_on(deps, subject))
    cache[key] = (now, found)
    return found


def forget(request: Request, subject: Subject) -> None:
    cache: dict[str, Any] = getattr(request.app.state, "menu_counts", {})
    cache.pop(_key(request, subject), None)
