"""Past one server: two ``run.py serve`` processes on one database, as behind nginx.

Sessions, site settings and everything else live in the database, so a member signed in
through one process is signed in on the other, and an operator's change made on one is
seen on the other.  Runs on the database the suite runs on (SQLite file or PostgreSQL).
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
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
def serve_processes(count: int, database_url: str, tmp_path):
    """``count`` processes of ``run.py serve`` sharing one database, media and secret key."""
    env = dict(
        os.environ,
        KEITAI_DATABASE_URL=database_url,
        KEITAI_SECRET_KEY="two-processes-one-key",
        KEITAI_MEDIA_DIR=str(tmp_path / "media"),
        KEITAI_OUTBOX_DIR=str(tmp_path / "outbox"),
        PYTHONUNBUFFERED="1",
    )
    processes, bases = [], []
    try:
        for n in range(count):
            port = free_port()
            log = open(tmp_path / f"serve-{n}.log", "wb")
            processes.append(subprocess.Popen(
                [sys.executable, "run.py", "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "2"],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
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


class Browser:
    """A PC browser (cookies, shared by host like a real one) or a cookie-less handset."""

    def __init__(self, user_agent: str, cookies: bool):
        self.user_agent = user_agent
        handlers = [NoRedirect()]
        if cookies:
            handlers.append(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, url: str, form: dict | None = None, charset: str = "utf-8") -> tuple[int, dict, str]:
        data = urllib.parse.urlencode(form, encoding=charset).encode() if form is not None else None
        request = urllib.request.Request(url, data=data, headers={"User-Agent": self.user_agent})
        try:
            response = self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:  # 3xx and 4xx come here with NoRedirect
            response = error
        with response:
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
            text = body.decode("cp932" if "Shift_JIS" in content_type else "utf-8")
            return response.status, dict(response.headers), text

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
    assert status == 200 and "さくら さんのホーム" in home

    # Signing out on the second ends the session on the first too.
    _, _, confirm = pc.request(second + "/logout")
    status, _, _ = pc.request(second + "/logout", {"csrf": CSRF.search(confirm).group(1)})
    assert status == 303
    _, _, page = pc.request(first + "/")
    assert "さくら さんのホーム" not in page and 'name="password"' in page


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


# --- Behind nginx, with deploy/nginx.conf as shipped -------------------------------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SAMPLE = PROJECT_ROOT / "deploy" / "nginx.conf"


@pytest.fixture(scope="module")
def nginx(servers, tmp_path_factory):
    """deploy/nginx.conf in front of the two processes; yields (base URL, access log path)."""
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx is missing (.ci/run installs it)")
        pytest.skip("nginx is not installed: apt-get install nginx-light")
    folder = tmp_path_factory.mktemp("nginx")
    port = free_port()
    ports = [urllib.parse.urlsplit(base).port for base in servers]
    sample = SAMPLE.read_text()
    replacements = {
        "server 127.0.0.1:8081": f"server 127.0.0.1:{ports[0]}",
        "server 127.0.0.1:8082": f"server 127.0.0.1:{ports[1]}",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "/srv/keitai/static/": f"{PROJECT_ROOT / 'static'}/",
        "/var/log/nginx/keitai.access.log": str(folder / "access.log"),
    }
    for old, new in replacements.items():
        assert old in sample, f"deploy/nginx.conf no longer has {old!r}: update this test"
        sample = sample.replace(old, new)
    (folder / "keitai.conf").write_text(sample)
    temp = "".join(f"{name}_temp_path {folder / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
        f"http {{\n{temp}access_log off;\ninclude /etc/nginx/mime.types;\ninclude {folder / 'keitai.conf'};\n}}\n"
    )
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, folder)
        yield base, folder / "access.log"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_through_nginx_sessions_span_both_processes_and_sids_stay_out_of_its_log(nginx, app, make_member):
    base, access_log = nginx
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ巡り")
    pc = Browser(PC, cookies=True)
    pc.sign_in(base, "sakura@docomo.ne.jp")
    for _ in range(4):
        status, _, home = pc.request(base + "/")
        assert status == 200 and "さくら さんのホーム" in home

    phone = Browser(DOCOMO_1, cookies=False)
    location = phone.sign_in(base, "sakura@docomo.ne.jp")
    sid = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["sid"][0]
    for _ in range(2):
        status, _, profile = phone.request(f"{base}/member/{member}?sid={sid}")
        assert status == 200 and "カフェ巡り" in profile

    css = re.search(r'href="(/static/site\.css\?v=\w+)"', home).group(1)
    status, headers, _ = pc.request(base + css)
    assert status == 200 and "immutable" in headers["Cache-Control"]

    time.sleep(0.2)  # nginx writes its log as each request ends
    log = access_log.read_text()
    assert sid not in log and "sid=***" in log
    upstreams = set(re.findall(r"127\.0\.0\.1:(\d+)\s*$", log, re.M))
    assert len(upstreams) == 2, log  # both processes served this member
