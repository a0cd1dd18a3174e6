"""The authenticated context (AAD) of every value sealed under the installation secret.

One place, because key rotation (services.keys) must rebuild the same context the writer used.
May import: nothing of Clearance.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable


def person_key_context(person_id: uuid.UUID) -> bytes:
    return b"clearance/person-key/v1:" + person_id.bytes


def totp_context(account_id: uuid.UUID) -> bytes:
    return b"totp:" + account_id.bytes


def whistle_context(report_id: uuid.UUID) -> bytes:
    return b"clearance/whistle/v1:" + report_id.bytes


# kind (adapters.db.sealed.KINDS) -> the AAD each value was sealed with
CONTEXTS: dict[str, Callable[[uuid.UUID], bytes]] = {
    "person_key": person_key_context,
    "totp_secret": totp_context,
    "whistle_key": whistle_context,
}
