"""The fast canonical encoding of audit entries equals the reference json.dumps encoding for any
text (control characters, quotes, line separators, astral characters), so a leaf never changes."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.audit.entry import FORMAT_VERSION, AuditEntry

text = st.text(max_size=40)


def reference(e: AuditEntry) -> bytes:
    d = json.dumps
    return ('{"action":' + d(e.action, ensure_ascii=False) + ',"actor":' + d(e.actor, ensure_ascii=False)
            + ',"decision":' + d(e.decision, ensure_ascii=False) + ',"payload":' + e.payload
            + ',"purpose":' + d(e.purpose, ensure_ascii=False) + ',"rule":' + d(e.rule, ensure_ascii=False)
            + ',"seq":' + str(e.seq) + ',"target":' + d(e.target, ensure_ascii=False)
            + ',"time":' + d(e.time, ensure_ascii=False) + ',"v":' + str(FORMAT_VERSION) + "}").encode()  # fmt: skip


@settings(max_examples=300, derandomize=True)
@given(st.integers(1, 10**9), text, text, text, text, st.none() | text, st.none() | text, text)
def test_fast_encoding_equals_the_reference(seq: int, time: str, actor: str, action: str,
                                            target: str, purpose: str | None, rule: str | None,
                                            decision: str) -> None:  # fmt: skip
    e = AuditEntry(seq, time, actor, action, target, purpose, decision, rule, '{"k":"v"}')
    assert e.canonical_bytes() == reference(e)
