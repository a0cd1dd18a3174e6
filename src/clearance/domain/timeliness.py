"""Timeliness: how long each stage of an assessment took, with the median and 90th percentile.

A stage runs from the first event that enters it to the first event that leaves it (CESI.md §4;
FEATURES.md: slowness is the users' first complaint). Pure; imports only ``clearance.domain``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# stage -> (statuses whose entry starts it, statuses whose entry ends it)
STAGES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "listing": (frozenset({"listing_consent_pending"}), frozenset({"roster_submitted",
                                                                 "listing_declined"})),
    "consent": (frozenset({"consent_pending"}), frozenset({"consented", "consent_refused"})),
    "investigation": (frozenset({"investigation_requested"}), frozenset({"reported"})),
    "adjudication": (frozenset({"reported"}), frozenset({"decided"})),
    "notification": (frozenset({"decided"}), frozenset({"result_notified"})),
}  # fmt: skip


@dataclass(frozen=True)
class StageTime:
    stage: str
    started: dt.datetime
    ended: dt.datetime | None  # None: still in the stage

    def days(self, now: dt.datetime) -> float:
        return ((self.ended or now) - self.started).total_seconds() / 86400


def stage_times(events: Iterable[tuple[str, dt.datetime]]) -> list[StageTime]:
    """``events`` are (status entered, when) in time order."""
    started: dict[str, dt.datetime] = {}
    done: dict[str, StageTime] = {}
    for status, at in events:
        for stage, (starts, ends) in STAGES.items():
            if status in starts and stage not in started:
                started[stage] = at
            elif status in ends and stage in started and stage not in done:
                done[stage] = StageTime(stage, started[stage], at)
    return [done.get(s) or StageTime(s, started[s], None) for s in STAGES if s in started]


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100): the smallest value with at least p% at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
