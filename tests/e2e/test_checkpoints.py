"""Periodic checkpoints: written only when the log grew since the latest one."""

from __future__ import annotations

from clearance.bootstrap import AppContext, cli_subject
from clearance.domain.organisations import OrgKind
from clearance.services import audit, directory


def test_checkpoint_if_grown(seeded: AppContext) -> None:
    deps, actor = seeded.deps, cli_subject()
    first = audit.checkpoint_if_grown(deps, actor)
    assert first is not None
    assert audit.checkpoint_if_grown(deps, actor) is None  # idle: nothing new to sign
    directory.create_organisation(
        deps,
        actor,
        kind=OrgKind.OVERSIGHT_BODY,
        code="PANEL",
        name_ja="有識者会議",
        name_en="Panel",
    )
    second = audit.checkpoint_if_grown(deps, actor)
    assert second is not None and second.checkpoint.size == first.checkpoint.size + 2
    report = audit.verify_log(deps, actor, checkpoint_text=second.text)
    assert report.ok and report.checked_against == second.checkpoint.size
