"""Append-only audit store. There is no method that updates or deletes an entry.

``append`` runs inside the caller's transaction: it locks the one-row ``audit_head`` (``FOR UPDATE``
on PostgreSQL; SQLite transactions already begin IMMEDIATE), assigns the next ``seq``, extends the
Merkle frontier and stores the entry with the root of the tree that ends with it. If the caller's
transaction rolls back, the entry and the head move back together, so the sequence stays gap-free.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from clearance.adapters.db import tables as t
from clearance.audit.entry import AuditEntry, canonical_json
from clearance.audit.merkle import Frontier, leaf_hash
from clearance.services.ports import AuditDraft

BATCH = 5000
SCAN_BATCH = 20_000  # verification reads the whole log in key order


def format_time(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _entry(r: Row[Any]) -> AuditEntry:
    return AuditEntry(
        r.seq, r.occurred_at, r.actor, r.action, r.target, r.purpose, r.decision, r.rule, r.payload
    )


class SqlAuditRepository:
    """Appends within one transaction share the head: it is read (and on PostgreSQL locked) at
    the first append, kept in memory, and written back once by ``flush`` just before the commit
    (``SqlUnitOfWork.commit``). A bulk change of thousands of audited rows then costs one insert
    per entry, not three statements."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._frontier: Frontier | None = None

    def append(self, draft: AuditDraft, at: dt.datetime) -> AuditEntry:
        if self._frontier is None:
            self._lock_head()
        frontier = self._frontier
        assert frontier is not None
        entry = AuditEntry(
            seq=frontier.size + 1,
            time=format_time(at),
            actor=draft.actor,
            action=draft.action,
            target=draft.target,
            purpose=draft.purpose,
            decision=draft.decision,
            rule=draft.rule,
            payload=canonical_json(draft.payload),
        )
        frontier.append(leaf_hash(entry.canonical_bytes()))
        self.conn.execute(
            insert(t.audit_log).values(
                seq=entry.seq, occurred_at=entry.time, actor=entry.actor, action=entry.action,
                target=entry.target, purpose=entry.purpose, decision=entry.decision,
                rule=entry.rule, payload=entry.payload, tree_root=frontier.root().hex(),
            )
        )  # fmt: skip
        return entry

    def append_many(self, drafts: list[AuditDraft], at: dt.datetime) -> int:
        if not drafts:
            return 0
        if self._frontier is None:
            self._lock_head()
        frontier = self._frontier
        assert frontier is not None
        rows = []
        time = format_time(at)
        for d in drafts:
            entry = AuditEntry(frontier.size + 1, time, d.actor, d.action, d.target, d.purpose,
                               d.decision, d.rule, canonical_json(d.payload))  # fmt: skip
            frontier.append(leaf_hash(entry.canonical_bytes()))
            rows.append({"seq": entry.seq, "occurred_at": entry.time, "actor": entry.actor,
                         "action": entry.action, "target": entry.target, "purpose": entry.purpose,
                         "decision": entry.decision, "rule": entry.rule, "payload": entry.payload,
                         "tree_root": frontier.root().hex()})  # fmt: skip
        self.conn.execute(insert(t.audit_log), rows)
        return len(rows)

    def _lock_head(self) -> None:
        head_q = select(t.audit_head).where(t.audit_head.c.id == 1)
        if self.conn.dialect.name == "postgresql":
            head_q = head_q.with_for_update()
        head = self.conn.execute(head_q).one()
        self._frontier = Frontier(head.size, [bytes.fromhex(h) for h in head.frontier])

    def flush(self) -> None:
        """Write the head back (before the commit); the next transaction reads it afresh."""
        if self._frontier is not None:
            self.conn.execute(
                update(t.audit_head)
                .where(t.audit_head.c.id == 1)
                .values(size=self._frontier.size, frontier=[h.hex() for h in self._frontier.hashes])
            )
        self._frontier = None

    def discard(self) -> None:
        self._frontier = None

    def size(self) -> int:
        """The number of entries, from the head row that every append updates (O(1) at any
        size; verification recounts the entries themselves)."""
        if self._frontier is not None:
            return self._frontier.size
        head = self.conn.execute(select(t.audit_head.c.size).where(t.audit_head.c.id == 1)).first()
        return int(head[0]) if head else 0

    def get(self, seq: int) -> AuditEntry | None:
        r = self.conn.execute(select(t.audit_log).where(t.audit_log.c.seq == seq)).first()
        return _entry(r) if r else None

    def entries(
        self, *, start: int = 1, stop: int | None = None
    ) -> Iterator[tuple[AuditEntry, str]]:
        """Stored entries in ``seq`` order with their recorded roots, fetched in batches."""
        c = t.audit_log.c
        cols = (c.seq, c.occurred_at, c.actor, c.action, c.target, c.purpose, c.decision, c.rule,
                c.payload, c.tree_root)  # fmt: skip
        after = start - 1
        while True:
            q = select(*cols).where(c.seq > after).order_by(c.seq).limit(SCAN_BATCH)
            if stop is not None:
                q = q.where(c.seq <= stop)
            rows = self.conn.execute(q).all()
            if not rows:
                return
            for r in rows:
                yield AuditEntry(*r[:9]), r[9]
            after = rows[-1][0]

    def leaf_hashes(self, size: int) -> list[bytes]:
        return [leaf_hash(e.canonical_bytes()) for e, _ in self.entries(stop=size)]

    def recent(self, *, limit: int, before: int | None) -> list[AuditEntry]:
        c = t.audit_log.c
        q = select(t.audit_log).order_by(c.seq.desc()).limit(limit)
        if before is not None:
            q = q.where(c.seq < before)
        return [_entry(r) for r in self.conn.execute(q)]
