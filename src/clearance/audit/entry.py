"""The audit entry and its canonical byte encoding (the Merkle leaf).

The canonical form is JSON with keys in sorted order, compact separators, UTF-8, no floats, and the
time as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. ``payload`` is itself canonical JSON and is spliced in as
stored, so verification never has to parse it: any changed byte changes the leaf.

Payloads must not carry raw sensitive values (names, answers, reasons): services record ids and the
*names* of changed fields. ``check_payload`` rejects floats and non-string keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

FORMAT_VERSION = 1
_encode = json.encoder.encode_basestring


def canonical_json(value: Any) -> str:
    """Canonical JSON text of ``value`` (sorted keys, compact, UTF-8 characters kept)."""
    check_payload(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def check_payload(value: Any, path: str = "payload") -> None:
    """Reject values without one canonical encoding (floats) or with non-string keys."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return
    if isinstance(value, float):
        raise TypeError(f"{path}: floats have no canonical form; use an integer or a string")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_payload(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            check_payload(item, f"{path}.{key}")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not allowed in an audit payload")


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the log, as stored. ``seq`` starts at 1; its Merkle leaf index is ``seq - 1``."""

    seq: int
    time: str  # ISO-8601 UTC with microseconds and 'Z'
    actor: str
    action: str
    target: str
    purpose: str | None
    decision: str  # allow | deny
    rule: str | None  # the policy rule (or reason) that decided
    payload: str  # canonical JSON text

    def canonical_bytes(self) -> bytes:
        # The C string encoder of the json module: the same bytes as json.dumps(ensure_ascii=False)
        # for strings, several times faster (verification runs this for every entry).
        s = _encode
        text = (
            '{"action":' + s(self.action)
            + ',"actor":' + s(self.actor)
            + ',"decision":' + s(self.decision)
            + ',"payload":' + self.payload
            + ',"purpose":' + (s(self.purpose) if self.purpose is not None else "null")
            + ',"rule":' + (s(self.rule) if self.rule is not None else "null")
            + ',"seq":' + str(self.seq)
            + ',"target":' + s(self.target)
            + ',"time":' + s(self.time)
            + ',"v":' + str(FORMAT_VERSION)
            + "}"
        )  # fmt: skip
        return text.encode("utf-8")
