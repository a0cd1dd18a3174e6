"""Every visible string of the web interface has a Japanese translation, and every identifier a
page shows (status, role, reason code, …) has a display name."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from clearance.domain import access, assessment, casefile, designation, organisations, records
from clearance.domain.questionnaire import SECTIONS
from clearance.services.assessments import complaints
from clearance.services.cesi import custody, incidents
from clearance.web import i18n
from clearance.web.ui import labels

ROOT = Path(__file__).resolve().parents[2]


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_japanese_and_an_english_translation() -> None:
    ids = _script().extract()
    assert len(ids) > 400
    ja, en = i18n.load("ja"), i18n.load("en")
    untranslated = [m for m in ids if ja.gettext(m) == m]
    assert not untranslated, f"no Japanese for: {untranslated[:20]}"
    assert all(en.gettext(m) == m for m in ids)


def test_a_new_untranslated_string_is_caught() -> None:
    """The check above is not vacuous: an id missing from the catalogue is reported."""
    ja = i18n.load("ja")
    assert ja.gettext("A sentence nobody translated") == "A sentence nobody translated"
    assert ja.gettext("Log in") == "ログイン"


ENUM_TABLES = [
    (assessment.Status, labels.STATUS), (assessment.EmployerStatus, labels.STATUS),
    (records.CertStatus, labels.STATUS), (records.MaterialStatus, labels.STATUS),
    (records.IncidentStatus, labels.STATUS), (casefile.ComplaintStatus, labels.STATUS),
    (assessment.Command, labels.COMMAND), (assessment.Party, labels.PARTY),
    (organisations.Role, labels.ROLE), (assessment.Outcome, labels.OUTCOME),
    (assessment.Trigger, labels.TRIGGER), (assessment.Origin, labels.ORIGIN),
    (designation.Marking, labels.MARKING), (designation.ProvisionBasis, labels.BASIS),
    (access.AccessAction, labels.ACCESS_ACTION), (casefile.NoticeKind, labels.NOTICE_KIND),
    (casefile.Recipient, labels.RECIPIENT),
]  # fmt: skip


@pytest.mark.parametrize(("enum", "table"), ENUM_TABLES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_enum_value_has_a_label(enum: Any, table: dict[str, str]) -> None:
    assert {e.value for e in enum} <= set(table)


def test_codes_and_questionnaire_fields_have_labels() -> None:
    assert set(access.RULES) == set(labels.REASON) == set(labels.CONDITION) == set(labels.ARTICLE)
    assert all(labels.ARTICLE[c] == r.article for c, r in access.RULES.items())
    assert set(records.CRITERIA) <= set(labels.CRITERION)
    assert set(incidents.KINDS) <= set(labels.INCIDENT_KIND)
    assert set(custody.KINDS) <= set(labels.MATERIAL_KIND)
    assert set(complaints.SUBJECTS) <= set(labels.COMPLAINT_SUBJECT)

    def keys(shape: Any) -> set[str]:
        if isinstance(shape, dict):
            return set(shape) | {k for v in shape.values() for k in keys(v)}
        if isinstance(shape, tuple) and shape[0] == "list":
            return keys(shape[1])
        return set()

    def choices(shape: Any) -> set[str]:
        if isinstance(shape, dict):
            return {c for v in shape.values() for c in choices(v)}
        if isinstance(shape, tuple) and shape[0] == "list":
            return choices(shape[1])
        return set(shape[1]) if isinstance(shape, tuple) and shape[0] == "enum" else set()

    for spec in SECTIONS.values():
        assert keys(spec.shape) <= set(labels.FIELD), spec.name
        assert choices(spec.shape) <= set(labels.CHOICE), spec.name
    assert set(labels.MATTER) == {1, 2, 3, 4, 5, 6, 7}


def test_field_paths_read_as_a_person_would_say_them() -> None:
    from clearance.web.ui.core import field_label

    ja = i18n.load("ja").gettext
    assert (
        field_label("employment.entries.0.end", ja, "ja") == "過去10年間の職歴 › 記入欄 1 › 終了日"
    )
    assert field_label("rows.3.date_of_birth", ja, "ja") == "行 › 3 › 生年月日"
    assert (
        field_label("foreign.residences.1.start", ja, "ja")
        == "外国の口座・居住歴 › 居住歴 › 記入欄 2 › 開始日"
    )
    assert field_label("expires_on", lambda s: s, "en") == "Expires on"
    assert field_label("checklist.training", ja, "ja") == "申請：認定基準 › 取扱者の教育"
