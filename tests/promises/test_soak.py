"""The soak and crash tests of bench/soak.py, in their short mode, on the suite's database.

A few seconds of simulated members (PC and docomo 1.0) on a real waitress server:
no 5xx, no "database is locked", every acknowledged write in the database afterwards;
and the same with the server SIGKILLed half way and restarted (SQLite: integrity_check ok).
The long run is ``python bench/soak.py`` (50 members, 3 minutes).
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from keitai.config import PROJECT_ROOT
from keitai.platform.db import connection as base


def soak(database_url: str, *extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEITAI_")}
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "soak.py"), "--json", "--members", "10", "--seed", "7",
         "--relogin-every", "3",
         "--database-url", database_url, *extra],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.stdout, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and done.returncode == 0, (report["problems"], report["failures"], done.stderr[-3000:])
    return report


def _url(app, database_url, tmp_path) -> str:
    """The suite's PostgreSQL database (emptied by ``app``), or a SQLite file of the soak's own."""
    return database_url if database_url.startswith("postgres") else f"sqlite:///{tmp_path / 'soak.sqlite3'}"


def test_soak_short(app, database_url, tmp_path):
    report = soak(_url(app, database_url, tmp_path), "--seconds", "4")
    assert {"home", "profile", "relogin"} <= set(report["operations"])
    assert report["acknowledged_writes"] > 0  # and report["ok"]: every one of them was found afterwards
    # Every request the members made has its access log line (how many there were depends on the machine).
    assert report["access_log_lines"] >= sum(report["counts"].values()) > 0


def test_crash_short(app, database_url, tmp_path):
    report = soak(_url(app, database_url, tmp_path), "--seconds", "6", "--kill")
    assert report["killed"]
    assert report["acknowledged_before_kill"] > 0
    if report["database"] == "sqlite":
        assert report["integrity_check"] == "ok"


@pytest.mark.skipif(os.environ.get("KEITAI_DATABASE_URL", "").startswith("postgres"), reason="SQLite locking")
def test_sqlite_transactions_take_the_write_lock_at_begin(app, database_url):
    """A read-then-write transaction must wait for the lock, never fail with "database is locked"."""
    path = database_url[len("sqlite:///"):]
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with base.db.atomic():
            base.fetchone("SELECT COUNT(*) FROM members")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # the write lock is already ours
    finally:
        other.close()

    # Two members' transactions racing: each reads, the other commits a write, then it writes.
    errors = []
    read_done = threading.Barrier(2, timeout=10)

    def read_then_write(n):
        try:
            with base.db.atomic():
                base.fetchone("SELECT COUNT(*) FROM site_settings")
                try:
                    read_done.wait(timeout=0.5)
                except threading.BrokenBarrierError:
                    pass  # the other is waiting for our lock: as it should be
                base.execute("INSERT INTO site_settings (name, value, updated_at) VALUES (?, ?, ?)",
                             (f"race{n}", "x", int(time.time())))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            base.db.close()

    threads = [threading.Thread(target=read_then_write, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert base.scalar("SELECT COUNT(*) FROM site_settings WHERE name LIKE 'race%'") == 2
