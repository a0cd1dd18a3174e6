"""Timeliness: per-stage durations of every assessment, with the median and 90th percentile per
agency and period, the configurable targets (regime ``timeliness_target_days_<stage>``, not
statutory) and the cases in a stage longer than its target. Only dates and statuses are read,
never vetting data."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.organisations import OrgKind
from clearance.domain.timeliness import STAGES, median, percentile, stage_times
from clearance.services.context import Deps
from clearance.services.guard import authorize


@dataclass(frozen=True)
class StageSummary:
    agency_code: str
    stage: str
    finished: int  # cases that went through the stage in the period
    median_days: float | None
    p90_days: float | None
    target_days: int
    over_target: int  # finished late, or still open beyond the target


@dataclass(frozen=True)
class LateCase:
    assessment_id: uuid.UUID
    agency_code: str
    stage: str
    days: float
    target_days: int
    open: bool


@dataclass(frozen=True)
class Timeliness:
    since: dt.datetime
    until: dt.datetime
    stages: list[StageSummary]
    late: list[LateCase]


def targets(deps: Deps) -> dict[str, int]:
    return {s: int(deps.regime.value(f"timeliness_target_days_{s}")) for s in STAGES}


def compute(deps: Deps, actor: Subject, *, since: dt.datetime, until: dt.datetime,
            agency_id: uuid.UUID | None = None, late_limit: int = 200) -> Timeliness:  # fmt: skip
    """Assessments created in [since, until); an agency's own staff see their agency only."""
    with deps.uow() as uow:
        org = uow.orgs.get(actor.org_id) if actor.org_id else None
        if org is not None and org.kind is OrgKind.ADMINISTRATIVE_ORGAN:
            agency_id = actor.org_id
        authorize(deps, uow, actor, Action.TIMELINESS_READ,
                  Resource("timeliness", org_id=agency_id))  # fmt: skip
        codes = {o.id: o.code for o in uow.orgs.list(kind=OrgKind.ADMINISTRATIVE_ORGAN, q=None,
                                                     limit=10_000, offset=0).items}  # fmt: skip
        per_case: dict[uuid.UUID, tuple[uuid.UUID, list[tuple[str, dt.datetime]]]] = {}
        for aid, agency, _origin, status, at in uow.stats.stage_events(
            agency_id=agency_id, since=since, until=until
        ):
            per_case.setdefault(aid, (agency, []))[1].append((status, at))
    now = deps.clock.now()
    goal = targets(deps)
    days: dict[tuple[str, str], list[float]] = defaultdict(list)
    over: dict[tuple[str, str], int] = defaultdict(int)
    late: list[LateCase] = []
    for aid, (agency, events) in per_case.items():
        code = codes.get(agency, "")
        for st in stage_times(events):
            d = st.days(now)
            if st.ended is not None:
                days[(code, st.stage)].append(d)
            if d > goal[st.stage]:
                over[(code, st.stage)] += 1
                late.append(LateCase(aid, code, st.stage, round(d, 1), goal[st.stage],
                                     st.ended is None))  # fmt: skip
    keys = sorted(set(days) | set(over), key=lambda k: (k[0], list(STAGES).index(k[1])))
    stages = [StageSummary(code, stage, len(days[(code, stage)]),
                           _round(median(days[(code, stage)])),
                           _round(percentile(days[(code, stage)], 90)), goal[stage],
                           over[(code, stage)]) for code, stage in keys]  # fmt: skip
    late.sort(key=lambda c: (not c.open, -c.days))
    return Timeliness(since, until, stages, late[:late_limit])


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
