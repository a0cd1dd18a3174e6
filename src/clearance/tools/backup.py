"""``clearance backup`` and ``clearance restore``: an online, consistent, encrypted copy of the
whole installation, portable between SQLite and PostgreSQL.

- Consistent: every table is read inside one read transaction (REPEATABLE READ on PostgreSQL;
  SQLite's transactions are serialisable), while the application keeps serving.
- Complete: every table of the schema, plus the files without which the data cannot be read or
  checked (the field-encryption secret, the checkpoint signing key, the checkpoints).
- Encrypted: gzip, then AES-256-GCM in 1 MiB chunks under a key derived from a passphrase with
  scrypt; each chunk's index and a final-chunk flag are authenticated, so a truncated, reordered or
  altered file is refused.
- Restored all or nothing into an empty database at the same schema revision, in one transaction.
Afterwards ``clearance audit verify --checkpoint <the last checkpoint>`` passes (tested).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import io
import json
import os
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from alembic.runtime.migration import MigrationContext
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import Connection, Engine, func, insert, select, text

from clearance.adapters.db.tables import metadata

MAGIC = b"CLEARANCE-BACKUP\x01"
CHUNK = 1 << 20


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


class BackupError(ValueError):
    """The file cannot be used: wrong passphrase, altered, truncated, or the target is not empty."""


def derive_key(passphrase: bytes, salt: bytes) -> bytes:
    if len(passphrase) < 12:
        raise BackupError("The passphrase must have at least 12 characters.")
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase)


def _encode(v: Any) -> Any:
    if isinstance(v, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, dt.datetime):
        return {"$t": v.isoformat()}
    if isinstance(v, dt.date):
        return {"$d": v.isoformat()}
    if isinstance(v, uuid.UUID):
        return {"$u": str(v)}
    return v


def _decode(v: Any) -> Any:
    if isinstance(v, dict) and len(v) == 1:
        ((tag, val),) = v.items()
        if tag == "$b":
            return base64.b64decode(val)
        if tag == "$t":
            return dt.datetime.fromisoformat(val)
        if tag == "$d":
            return dt.date.fromisoformat(val)
        if tag == "$u":
            return uuid.UUID(val)
    return v


def _lines(engine: Engine, files: dict[str, bytes]) -> Iterator[bytes]:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        revision = current_revision(conn)
        yield json.dumps({"format": "clearance-backup", "version": 1, "revision": revision,
                          "database": conn.dialect.name,
                          "created_at": dt.datetime.now(dt.UTC).isoformat()}).encode() + b"\n"  # fmt: skip
        for name, data in sorted(files.items()):
            yield (
                json.dumps({"file": name, "data": base64.b64encode(data).decode()}).encode() + b"\n"
            )
        counts = {}
        for table in metadata.sorted_tables:
            cols = [c.name for c in table.columns]
            yield json.dumps({"table": table.name, "columns": cols}).encode() + b"\n"
            n = 0
            for row in conn.execute(select(table).execution_options(yield_per=5000)):
                yield (
                    json.dumps({"r": [_encode(v) for v in row]}, ensure_ascii=False).encode()
                    + b"\n"
                )
                n += 1
            counts[table.name] = n
        yield json.dumps({"end": counts}).encode() + b"\n"


def write(
    engine: Engine, out: BinaryIO, passphrase: bytes, files: dict[str, bytes]
) -> dict[str, int]:
    """Write an encrypted backup; returns the row count per table."""
    salt = os.urandom(16)
    aead = AESGCM(derive_key(passphrase, salt))
    out.write(MAGIC + salt)
    buf = io.BytesIO()
    counts: dict[str, int] = {}
    index = 0

    def emit(final: bool) -> None:
        nonlocal index
        data = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, data, struct.pack(">Q?", index, final))
        out.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        index += 1

    with gzip.GzipFile(fileobj=_Sink(buf), mode="wb", mtime=0) as gz:
        for line in _lines(engine, files):
            if line.startswith(b'{"end"'):
                counts = json.loads(line)["end"]
            gz.write(line)
            if buf.tell() >= CHUNK:
                emit(False)
    emit(True)
    return counts


class _Sink(io.RawIOBase):
    def __init__(self, target: io.BytesIO) -> None:
        self.target = target

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        return self.target.write(b)


def _plaintext(src: BinaryIO, passphrase: bytes) -> Iterator[bytes]:
    head = src.read(len(MAGIC) + 16)
    if not head.startswith(MAGIC):
        raise BackupError("Not a Clearance backup (or an unknown format version).")
    aead = AESGCM(derive_key(passphrase, head[len(MAGIC) :]))
    index, final = 0, False
    while not final:
        size_bytes = src.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup is truncated.")
        (size,) = struct.unpack(">I", size_bytes)
        nonce, sealed = src.read(12), src.read(size)
        if len(sealed) < size:
            raise BackupError("The backup is truncated.")
        for flag in (False, True):
            try:
                yield aead.decrypt(nonce, sealed, struct.pack(">Q?", index, flag))
                final = flag
                break
            except InvalidTag:
                continue
        else:
            raise BackupError("Wrong passphrase, or the backup was altered.")
        index += 1
    if src.read(1):
        raise BackupError("Data after the final chunk: the backup was altered.")


def check(src: BinaryIO, passphrase: bytes) -> None:
    """Decrypt the whole file without using it: wrong passphrase, truncation or alteration are
    found before anything is touched."""
    for _ in _plaintext(src, passphrase):
        pass


def read(src: BinaryIO, passphrase: bytes) -> Iterator[dict[str, Any]]:
    """The backup's records, after decryption (raises ``BackupError`` on any problem)."""
    raw = io.BytesIO(b"".join(_plaintext(src, passphrase)))
    with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
        for line in gz:
            yield json.loads(line)


def restore(
    engine: Engine, src: BinaryIO, passphrase: bytes
) -> tuple[dict[str, bytes], dict[str, int]]:
    """Load a backup into an empty, migrated database in one transaction; returns the files and
    the row counts. Nothing is written unless the whole backup is read and matches its counts."""
    records = read(src, passphrase)
    header = next(records, None)
    if not header or header.get("format") != "clearance-backup":
        raise BackupError("Not a Clearance backup.")
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    tables = {t.name: t for t in metadata.sorted_tables}
    with engine.begin() as conn:
        if current_revision(conn) != header["revision"]:
            raise BackupError(f"The database is at revision {current_revision(conn)}, the backup "
                              f"at {header['revision']}: run 'clearance db upgrade' on a matching "
                              "release first.")  # fmt: skip
        busy = conn.execute(select(func.count()).select_from(tables["audit_log"])).scalar_one()
        if busy:
            raise BackupError("The target database is not empty; restore into a new database.")
        for name in ("audit_head",):  # created by the migrations; the backup brings its own
            conn.execute(tables[name].delete())
        current: list[Any] = [None, []]  # the table being loaded and its column names
        batch: list[list[Any]] = []

        def flush() -> None:
            if current[0] is not None and batch:
                conn.execute(insert(current[0]),
                             [dict(zip(current[1], row, strict=True)) for row in batch])  # fmt: skip
                batch.clear()

        ended = None
        for rec in records:
            if "file" in rec:
                files[rec["file"]] = base64.b64decode(rec["data"])
            elif "table" in rec:
                flush()
                current[:] = [tables[rec["table"]], rec["columns"]]
                counts[rec["table"]] = 0
            elif "r" in rec and current[0] is not None:
                batch.append([_decode(v) for v in rec["r"]])
                counts[current[0].name] += 1
                if len(batch) >= 5000:
                    flush()
            elif "end" in rec:
                ended = rec["end"]
        flush()
        if ended != counts:
            raise BackupError("The backup is incomplete (row counts differ); nothing was restored.")
    return files, counts


def data_files(data_dir: Path, key_file: Path, checkpoint_dir: Path) -> dict[str, bytes]:
    """The files a restored installation needs besides the database."""
    out: dict[str, bytes] = {}
    keys = data_dir / "keys"
    retired = key_file.with_name(key_file.name + ".retired")  # public keys of rotated-out signers
    for name, path in (("keys/secret.key", keys / "secret.key"),
                       ("keys/secret.previous", keys / "secret.previous"),
                       ("keys/checkpoint-ed25519.pem", key_file),
                       ("keys/checkpoint-ed25519.pem.retired", retired)):  # fmt: skip
        if path.is_file():
            out[name] = path.read_bytes()
    if checkpoint_dir.is_dir():
        for p in sorted(checkpoint_dir.iterdir()):
            if p.is_file():
                out[f"checkpoints/{p.name}"] = p.read_bytes()
    return out
