"""A throwaway PostgreSQL cluster from the installed server binaries.

Used by the test fixtures (when ``CLEARANCE_TEST_PG_URL`` is not set) and by ``.ci/run``::

    python tests/pgcluster.py start DIR   # prints the server URL; the cluster lives in DIR
    python tests/pgcluster.py stop DIR

PostgreSQL refuses to run as root, so as root the cluster runs as the ``postgres`` user via
``runuser``; as a normal user it runs as that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(base: Path) -> str | None:
    """Start a cluster in ``base``; return its URL (database ``postgres``) or None if impossible."""
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not initdb or not pg_ctl:
        return None
    base.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    subprocess.run(
        _as_owner([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                   "--locale=C", "--no-sync"]),
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    port = _free_port()
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        _as_owner([pg_ctl, "-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w",
                   "start"]),
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


def stop(base: Path) -> None:
    pg_ctl = find_binary("pg_ctl")
    if pg_ctl and (base / "data").is_dir():
        subprocess.run(
            _as_owner([pg_ctl, "-D", str(base / "data"), "-m", "immediate", "stop"]),
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip


if __name__ == "__main__":
    verb, where = sys.argv[1], Path(sys.argv[2])
    if verb == "start":
        url = start(where)
        if url is None:
            sys.exit("initdb/pg_ctl not found")
        print(url)
    else:
        stop(where)
