"""Past one server: two ``run.py serve`` processes on one database, as behind nginx.

Sessions, site settings and everything else live in the database, so a member signed in
through one process is signed in on the other, and an operator's change made on one is
seen on the other.  Runs on the database the suite runs on (SQLite file or PostgreSQL).
"""
from __future__ import annotations

import functools
import http.client
import http.cookiejar
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from conftest import DOCOMO_1, PASSWORD, PC
from keitai.config import PROJECT_ROOT

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_processes(count: int, database_url: str, tmp_path, *, args: tuple[str, ...] = ("--threads", "2"),
                    **settings: str):
    """``count`` processes of ``run.py serve`` sharing one database, media and secret key.

    ``args``: more of serve's arguments; ``settings``: more ``KEITAI_*`` variables
    (``KEITAI_BASE_URL="self"``: each process's own address, for mail that really goes out).
    Each process writes its output (the access log among it) to ``tmp_path / f"serve-{n}.log"``.
    """
    outer = {name: value for name, value in os.environ.items() if not name.startswith("KEITAI_")}
    env = dict(
        outer,
        KEITAI_DATABASE_URL=database_url,
        KEITAI_SECRET_KEY="two-processes-one-key",
        KEITAI_MEDIA_DIR=str(tmp_path / "media"),
        KEITAI_OUTBOX_DIR=str(tmp_path / "outbox"),
        PYTHONUNBUFFERED="1",
        **settings,
    )
    processes, bases = [], []
    try:
        for n in range(count):
            port = free_port()
            log = open(tmp_path / f"serve-{n}.log", "wb")
            processes.append(subprocess.Popen(
                [sys.executable, "run.py", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                env=dict(env, KEITAI_BASE_URL=f"http://127.0.0.1:{port}") if env.get("KEITAI_BASE_URL") == "self" else env,
            ))
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes):
            _wait_healthy(base, process, tmp_path)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_healthy(base: str, process, tmp_path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            logs = "\n".join(p.read_text(errors="replace") for p in tmp_path.glob("serve-*.log"))
            pytest.fail(f"run.py serve exited with {process.returncode}:\n{logs}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"{base} did not become healthy in {seconds}s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _FromAddress(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """Connects from ``source`` (any 127.x address is this machine's own on Linux), and
    trusts ``cafile`` for https."""

    def __init__(self, source: str | None, cafile: str | None):
        self.source = (source, 0) if source else None
        urllib.request.HTTPHandler.__init__(self)
        urllib.request.HTTPSHandler.__init__(self, context=ssl.create_default_context(cafile=cafile))

    def http_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=self.source), req)

    def https_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPSConnection, source_address=self.source),
                            req, context=self._context)


class Browser:
    """A PC browser (cookies, shared by host like a real one) or a cookie-less handset.

    ``headers`` go with every request (a carrier gateway's, for a handset behind one);
    ``source`` is the address it connects from; ``cafile`` the certificate it trusts.
    """

    def __init__(self, user_agent: str, cookies: bool, headers: dict | None = None,
                 source: str | None = None, cafile: str | None = None):
        self.headers = {"User-Agent": user_agent, **(headers or {})}
        handlers = [NoRedirect(), _FromAddress(source, cafile)]
        if cookies:
            handlers.append(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, url: str, form: dict | None = None, charset: str = "utf-8") -> tuple[int, dict, str]:
        data = urllib.parse.urlencode(form, encoding=charset).encode() if form is not None else None
        request = urllib.request.Request(url, data=data, headers=self.headers_for(url))
        try:
            response = self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:  # 3xx and 4xx come here with NoRedirect
            response = error
        with response:
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
            text = body.decode("cp932" if "Shift_JIS" in content_type else "utf-8")
            return response.status, dict(response.headers), text

    def headers_for(self, url: str) -> dict:
        return self.headers

    def sign_in(self, base: str, mail: str) -> str:
        """Sign in through ``base``; returns the Location it sends the browser to."""
        _status, _headers, page = self.request(base + "/login")
        status, headers, _ = self.request(base + "/login", {
            "csrf": CSRF.search(page).group(1), "next": "/", "mail": mail, "password": PASSWORD,
        })
        assert status == 303, status
        return headers["Location"]


@pytest.fixture(scope="module")
def servers(migrated, tmp_path_factory):
    """Started once for the module: each test's data is in the shared database."""
    with serve_processes(2, migrated, tmp_path_factory.mktemp("serve")) as bases:
        yield bases


@pytest.fixture
def two_servers(app, servers):
    return servers


def test_a_pc_members_session_moves_between_two_processes(two_servers, make_member):
    first, second = two_servers
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = Browser(PC, cookies=True)
    pc.sign_in(first, "sakura@docomo.ne.jp")

    status, _, home = pc.request(second + "/")  # the same cookie, the other process
    assert status == 200 and "さくらさんのホーム" in home

    # Signing out on the second ends the session on the first too.
    _, _, confirm = pc.request(second + "/logout")
    status, _, _ = pc.request(second + "/logout", {"csrf": CSRF.search(confirm).group(1)})
    assert status == 303
    _, _, page = pc.request(first + "/")
    assert "さくらさんのホーム" not in page and 'name="password"' in page


def test_a_handsets_sid_moves_between_two_processes(two_servers, make_member):
    first, second = two_servers
    member = make_member("たろう", "taro@docomo.ne.jp", hobbies="釣り")
    phone = Browser(DOCOMO_1, cookies=False)
    location = phone.sign_in(first, "taro@docomo.ne.jp")
    sid = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["sid"][0]

    status, headers, profile = phone.request(f"{second}/member/{member}?sid={sid}")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=Shift_JIS"
    assert "釣り" in profile and f"sid={sid}" in profile

    # The same sid from a PC opens nothing on either process: sessions stay bound to the handset.
    _, _, page = Browser(PC, cookies=True).request(f"{second}/member/{member}?sid={sid}")
    assert "釣り" not in page


def test_an_operators_change_on_one_process_shows_on_the_other(two_servers, make_member):
    first, second = two_servers
    make_member("管理人", "admin@docomo.ne.jp", is_admin=True)
    make_member("ゆき", "yuki@softbank.ne.jp")
    operator = Browser(PC, cookies=True)
    operator.sign_in(first, "admin@docomo.ne.jp")
    _, _, page = operator.request(first + "/admin/site")
    status, _, _ = operator.request(first + "/admin/site/notice", {
        "csrf": CSRF.search(page).group(1), "notice": "今夜メンテナンスします",
    })
    assert status == 303

    member = Browser(PC, cookies=True)
    member.sign_in(second, "yuki@softbank.ne.jp")
    _, _, home = member.request(second + "/")
    assert "今夜メンテナンスします" in home
