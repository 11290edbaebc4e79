"""The database misbehaving under the real server: its connections dropped, it gone, it hung.

``run.py serve`` on the suite's database; the faults are made by PostgreSQL itself
(``pg_terminate_backend``, as a restart or a failover does to every connection) or by a
port that refuses or never answers.
"""
from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

import pytest

from conftest import DOCOMO_1, PC
from keitai.platform.db import connection as base
from promises.test_scale_out import CSRF, Browser, free_port, serve_processes

def _terminate_site_connections() -> int:
    """What a restart does to the site: every connection of ``run.py serve`` ends."""
    return base.scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE application_name = 'keitai' AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend' AND datname = current_database()"
    )


@pytest.fixture
def server(app, migrated, tmp_path):
    if base.is_sqlite():
        pytest.skip("connections that a server drops: PostgreSQL (SQLite has no server)")
    with serve_processes(1, migrated, tmp_path) as bases:
        yield bases[0]


def test_the_site_serves_on_at_once_after_postgresql_drops_its_connections(server, make_member, tmp_path):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = Browser(PC, cookies=True)
    pc.sign_in(server, "sakura@docomo.ne.jp")
    for _ in range(4):  # every thread of each worker holds a connection
        status, _, home = pc.request(server + "/")
        assert status == 200 and "さくらさんのホーム" in home

    assert _terminate_site_connections() >= 1
    # The next requests, on every thread, are served: pages, a write, /health.
    for _ in range(6):
        status, _, home = pc.request(server + "/")
        assert status == 200 and "さくらさんのホーム" in home
    _, _, form = pc.request(server + "/diary/new")
    status, headers, _ = pc.request(server + "/diary/new", {
        "csrf": CSRF.search(form).group(1), "title": "再起動のあと", "body": "書けました", "audience": "everyone",
    })
    assert status == 303, status
    assert base.scalar("SELECT COUNT(*) FROM diaries WHERE title = ?", ("再起動のあと",)) == 1
    assert pc.request(server + "/health")[0] == 200

    assert _terminate_site_connections() >= 1
    assert pc.request(server + "/health")[0] == 200  # /health tells the truth: the database is up
    log = (tmp_path / "serve-0.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


class FaultyLink:
    """A TCP hop between the site and PostgreSQL that the test can break: ``forward`` (as a
    network does), ``refuse`` (the database is gone: every new connection closed at once) or
    ``hang`` (accepted, never answered: a hung server)."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.mode = "forward"
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.open.append(client)
            if self.mode == "refuse":
                client.close()
            elif self.mode == "forward":
                upstream = socket.create_connection(self.target)
                self.open.append(upstream)
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self, mode: str) -> None:
        """From now on ``mode``; every connection made so far ends, as in a restart."""
        self.mode = mode
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.open.clear()

    def close(self):
        self.cut("refuse")
        self.sock.close()


@pytest.mark.parametrize("fault", ["refuse", "hang"])
def test_a_database_that_is_gone_or_hung_gives_a_clear_page_not_a_parked_thread(fault, app, migrated, make_member,
                                                                                 tmp_path):
    if base.is_sqlite():
        pytest.skip("a database server that is gone or hung: PostgreSQL")
    make_member("さくら", "sakura@docomo.ne.jp")
    url = urlsplit(migrated)
    link = FaultyLink(url.hostname, url.port or 5432)
    through_link = f"postgresql://{url.username}@127.0.0.1:{link.port}{url.path}?connect_timeout=2"
    try:
        with serve_processes(1, through_link, tmp_path) as bases:
            server = bases[0]
            pc, handset = Browser(PC, cookies=True), Browser(DOCOMO_1, cookies=False)
            pc.sign_in(server, "sakura@docomo.ne.jp")
            handset_home = handset.sign_in(server, "sakura@docomo.ne.jp")
            link.cut(fault)
            for browser, page_url in ((pc, server + "/"), (handset, handset_home)) * 2:  # each thread meets it
                status, _, page = browser.request(page_url)
                assert status == 503, (status, page[:300])
                assert "データベースにつながりません" in page
            assert pc.request(server + "/health")[0] == 503
            link.cut("forward")  # the database is back: so is the site, with no restart
            status, _, page = pc.request(server + "/")
            assert status == 200 and "さくらさんのホーム" in page
            assert pc.request(server + "/health")[0] == 200
    finally:
        link.close()
