"""Reads on a streaming replica (KEITAI_DATABASE_REPLICA_URL), against a real one.

The test makes its own pair of PostgreSQL servers on this machine: a primary (initdb) and a
hot standby copied from it with pg_basebackup, streaming.  It shows that a member's pages
read the replica; that a member's own post is on the page right after it even when the
replica has not replayed it; that a lagging replica is set aside until it catches up; and
that pages keep working, from the primary, while the replica is down.  Skipped only where
PostgreSQL's server programs are not installed.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import PC, Client
from keitai import config
from keitai.app import create_app
from keitai.platform.db import connection as base
from keitai.platform.db import migrations, replica
from members_helpers import fast_passwords  # noqa: F401  (autouse: cheap argon2 here)

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = pytest.mark.skipif(not BIN or not os.path.exists(BIN[-1] + "/pg_basebackup"),
                                reason="PostgreSQL's server programs are not installed")
PASSWORD = "correct horse 42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server of the test's own, run as the postgres user when we are root."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.data = folder / f"data-{port}"

    @staticmethod
    def run(*argv: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *argv], check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self.run(f"{BIN[-1]}/pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l", str(self.data) + ".log",
                 "-o", f"-p {self.port} -k {self.folder}", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run(f"{BIN[-1]}/pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop", check=False)

    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/keitai"

    def sql(self, statement: str, database: str = "keitai"):
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={database}",
                             autocommit=True) as conn:
            return conn.execute(statement).fetchall() if statement.lstrip().upper().startswith("SELECT") \
                else conn.execute(statement)


@pytest.fixture(scope="module")
def pair():
    folder = Path(tempfile.mkdtemp(prefix="keitai-replica-"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    folder.chmod(0o700)
    primary, standby = Cluster(folder, free_port()), Cluster(folder, free_port())
    try:
        Cluster.run(f"{BIN[-1]}/initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust",
                    "--no-sync", "-E", "UTF8", "--locale=C")
        with open(primary.data / "postgresql.conf", "a") as conf:
            conf.write("listen_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 4\n"
                       "hot_standby = on\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        with open(primary.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n")
        primary.start()
        primary.sql("CREATE DATABASE keitai", database="postgres")
        Cluster.run(f"{BIN[-1]}/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                    "-D", str(standby.data), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast")
        standby.start()
        yield primary, standby
    finally:
        standby.stop("immediate")
        primary.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def site(pair, tmp_path):
    """The app on the pair, with a member and a friend of theirs who wrote an entry; the
    suite's own database is bound again afterwards."""
    primary, standby = pair
    saved = base.db.obj
    settings = config.Settings.from_env({}, database_url=primary.url(), database_replica_url=standby.url(),
                                        secret_key="test-secret-key", outbox_dir=str(tmp_path / "outbox"),
                                        media_dir=str(tmp_path / "media"))
    base.connect(primary.url())
    migrations.migrate(log=None)
    app = create_app(settings)
    try:
        from keitai.accounts import rules as accounts
        from keitai.friends import rules as friends

        base.execute("TRUNCATE members, recent_writes RESTART IDENTITY CASCADE")
        me = accounts.create_member("さくら", "sakura@docomo.ne.jp", PASSWORD, "1990-01-01", active=True).id
        friend = accounts.create_member("たろう", "taro@docomo.ne.jp", PASSWORD, "1990-01-01", active=True).id
        friends.befriend(me, friend)
        replayed(primary, standby)
        yield app, primary, standby, me, friend
    finally:
        standby.sql("SELECT pg_wal_replay_resume()") if standby_up(standby) else None
        replica.configure(None)
        base.db.obj.close()
        base.db.initialize(saved)


def standby_up(standby: Cluster) -> bool:
    try:
        standby.sql("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - down is an answer
        return False


def replayed(primary: Cluster, standby: Cluster) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    (target,), = primary.sql("SELECT pg_current_wal_lsn()::text")
    for _ in range(600):
        (done,), = standby.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if done:
            return
        time.sleep(0.05)
    raise AssertionError("the standby did not catch up in 30 s")


class Counting:
    """Counts the statements the replica runs, in this process."""

    def __init__(self, monkeypatch):
        self.count = 0
        database = replica._database
        original = database.execute_sql

        def counted(sql, params=None, *args, **kwargs):
            self.count += 1
            return original(sql, params, *args, **kwargs)

        monkeypatch.setattr(database, "execute_sql", counted)


def write_entry_on_primary(author: int, title: str) -> None:
    from keitai import diary

    diary.create_entry(author, diary.Draft(title=title, body="本文です。", audience="everyone", group_id=None))


def signed_in(app, mail: str) -> Client:
    """A PC signed in a while ago: signing in is a write, and the pages right after a write
    read the primary (the clock is moved back in the database)."""
    pc = Client(app, PC)
    pc.login(mail)
    base.execute("UPDATE recent_writes SET at = at - 3600")
    return pc


def until(condition, what: str) -> None:
    for _ in range(400):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"never: {what}")


def test_a_members_pages_read_the_replica(site, monkeypatch):
    app, primary, standby, me, friend = site
    write_entry_on_primary(friend, "たろうの日記")
    replayed(primary, standby)
    pc = signed_in(app, "sakura@docomo.ne.jp")
    reads = Counting(monkeypatch)
    before = reads.count
    page = pc.get(f"/member/{friend}/diary")
    assert "たろうの日記" in page.text
    assert reads.count > before  # the list came from the replica


def test_a_members_own_post_is_on_the_next_page_even_when_the_replica_has_not_replayed_it(site):
    app, primary, standby, me, friend = site
    standby.sql("SELECT pg_wal_replay_pause()")
    until(lambda: standby.sql("SELECT pg_is_wal_replay_paused()")[0][0], "replay paused")
    pc = Client(app, PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.get("/diary/new").forms[0]
    form["title"], form["body"] = "書いたばかりの日記", "いま書きました。"
    page = form.submit().follow()
    assert "書いたばかりの日記" in page.text
    assert "書いたばかりの日記" in pc.get(f"/member/{me}/diary").text
    assert standby.sql("SELECT COUNT(*) FROM diaries WHERE title = '書いたばかりの日記'")[0][0] == 0


def test_a_lagging_replica_is_set_aside_until_it_catches_up(site, monkeypatch):
    app, primary, standby, me, friend = site
    pc = signed_in(app, "sakura@docomo.ne.jp")
    standby.sql("SELECT pg_wal_replay_pause()")
    until(lambda: standby.sql("SELECT pg_is_wal_replay_paused()")[0][0], "replay paused")
    write_entry_on_primary(friend, "遅れて届く日記")
    # Over a second behind now: the friend's new entry is read from the primary.
    until(lambda: not replica._health.usable(base.db.obj), "the replica seen as lagging")
    reads = Counting(monkeypatch)
    assert "遅れて届く日記" in pc.get(f"/member/{friend}/diary").text
    assert reads.count == 0
    standby.sql("SELECT pg_wal_replay_resume()")
    replayed(primary, standby)
    until(lambda: replica._health.usable(base.db.obj), "the replica back in use")
    assert "遅れて届く日記" in pc.get(f"/member/{friend}/diary").text
    assert reads.count > 0


def test_pages_keep_working_from_the_primary_while_the_replica_is_down(site, monkeypatch):
    app, primary, standby, me, friend = site
    write_entry_on_primary(friend, "止まっても読める日記")
    replayed(primary, standby)
    pc = signed_in(app, "sakura@docomo.ne.jp")
    standby.stop("immediate")
    try:
        for _ in range(3):
            page = pc.get(f"/member/{friend}/diary")
            assert page.status_int == 200 and "止まっても読める日記" in page.text
    finally:
        standby.start()
    replayed(primary, standby)
    replica._health.down_until = 0  # no need to wait out the retry pause in a test
    reads = Counting(monkeypatch)
    until(lambda: replica._health.usable(base.db.obj), "the replica back in use")
    assert "止まっても読める日記" in pc.get(f"/member/{friend}/diary").text
    assert reads.count > 0
