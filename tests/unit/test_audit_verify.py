"""The verifier names the first bad entry for any change, insertion, deletion, reordering or
truncation (truncation and rollback against a checkpoint)."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from clearance.audit.checkpoint import Checkpoint
from clearance.audit.entry import AuditEntry, canonical_json
from clearance.audit.merkle import Frontier, leaf_hash
from clearance.audit.verify import verify_entries

FIELDS = ("time", "actor", "action", "target", "purpose", "decision", "rule", "payload")


def build(n: int) -> list[tuple[AuditEntry, str]]:
    f = Frontier()
    rows = []
    for seq in range(1, n + 1):
        e = AuditEntry(
            seq, f"2026-01-01T00:00:{seq % 60:02d}.000000Z", f"session:user{seq % 3}",
            "person:create", f"person:{seq}", None, "allow", "rule", canonical_json({"n": seq}),
        )  # fmt: skip
        f.append(leaf_hash(e.canonical_bytes()))
        rows.append((e, f.root().hex()))
    return rows


def test_intact_log_verifies() -> None:
    report = verify_entries(build(25))
    assert report.ok and report.size == 25 and report.first_bad_seq is None


@given(st.data())
def test_any_single_character_change_names_that_entry(data: st.DataObject) -> None:
    rows = build(12)
    i = data.draw(st.integers(0, 11))
    field = data.draw(st.sampled_from((*FIELDS, "tree_root")))
    entry, root = rows[i]
    if field == "tree_root":
        pos = data.draw(st.integers(0, len(root) - 1))
        root = root[:pos] + ("0" if root[pos] != "0" else "1") + root[pos + 1 :]
    else:
        value = getattr(entry, field) or ""
        pos = data.draw(st.integers(0, max(0, len(value) - 1)))
        changed = value[:pos] + ("Z" if value[pos : pos + 1] != "Z" else "Y") + value[pos + 1 :]
        entry = dataclasses.replace(entry, **{field: changed})
    rows[i] = (entry, root)
    report = verify_entries(rows)
    assert not report.ok
    assert report.first_bad_seq == entry.seq


def test_deleted_entry_is_named() -> None:
    rows = build(10)
    del rows[4]
    report = verify_entries(rows)
    assert (report.ok, report.first_bad_seq) == (False, 5)
    assert "missing" in (report.problem or "")


def test_swapped_entries_are_detected_at_the_first_position() -> None:
    rows = build(10)
    (a, ra), (b, rb) = rows[2], rows[6]
    rows[2] = (dataclasses.replace(b, seq=3), rb)
    rows[6] = (dataclasses.replace(a, seq=7), ra)
    assert verify_entries(rows).first_bad_seq == 3


def test_inserted_entry_is_detected() -> None:
    rows = build(10)
    forged = dataclasses.replace(rows[3][0], actor="session:mallory")
    rows.insert(4, (forged, rows[3][1]))
    report = verify_entries(rows)
    assert not report.ok and report.first_bad_seq == 5


def test_truncation_is_detected_only_against_a_checkpoint() -> None:
    rows = build(20)
    cp = Checkpoint("o", 20, bytes.fromhex(rows[-1][1]))
    truncated = rows[:15]
    assert verify_entries(truncated).ok  # a shorter log is self-consistent...
    report = verify_entries(truncated, cp)  # ...but not against what was published
    assert (report.ok, report.first_bad_seq) == (False, 16)


def test_rollback_then_new_entries_is_detected_against_a_checkpoint() -> None:
    rows = build(20)
    cp = Checkpoint("o", 12, bytes.fromhex(rows[11][1]))
    # The database is restored to 10 entries and 10 different ones are appended.
    f = Frontier()
    rebuilt = []
    for seq in range(1, 21):
        e = rows[seq - 1][0] if seq <= 10 else dataclasses.replace(rows[seq - 1][0], actor="x")
        f.append(leaf_hash(e.canonical_bytes()))
        rebuilt.append((e, f.root().hex()))
    assert verify_entries(rebuilt).ok
    report = verify_entries(rebuilt, cp)
    assert (report.ok, report.first_bad_seq) == (False, 12)


def test_payload_must_be_canonical_and_float_free() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "ü"]}) == '{"a":[true,null,"ü"],"b":1}'
    import pytest

    with pytest.raises(TypeError):
        canonical_json({"x": 1.5})
    with pytest.raises(TypeError):
        canonical_json({1: "x"})
    with pytest.raises(TypeError):
        canonical_json({"x": object()})
