#!/usr/bin/env python3
"""Soak and crash test: simulated members on one real server, then proof that nothing was lost.

    python bench/soak.py                                   # 50 members, 3 minutes, SQLite in a temp dir
    python bench/soak.py --kill                            # SIGKILL the server half way, restart, go on
    python bench/soak.py --database-url postgresql://postgres@127.0.0.1/scratch --kill
    python bench/soak.py --seconds 5 --members 10 --json   # the short mode tests/promises/test_soak.py runs

Each simulated member (a PC with a cookie, or a docomo i-mode 1.0 handset with the sid in
its URLs) loops over operations from a registry (:data:`OPERATIONS`), mixing reads with
writes.  An operation names the routes it needs and runs only if the app has them, so
diaries, comments, messages and footprints join in as those features are merged.  Every
write the server acknowledges (a 303 after a POST) goes into a ledger: a unique marker
written into a form, a new session, an ended one, a footprint.

Afterwards the server is stopped and the database read directly: the run passes when no
response was a 5xx, nothing timed out, "database is locked" never reached a member or
the server log, every acknowledged write is in the database (and every ended session
gone), the access log holds no session id, and (SQLite) PRAGMA integrity_check is ok.
Footprints are best-effort (keitai.platform.db.connection.best_effort): one given up on a
lock held too long is logged as such, and the report counts those; a footprint missing
without such a line is a failure.
With --kill, the server's whole process group gets SIGKILL half way through and is
started again; connection errors while it is down are expected, anything else is not.

Members are added to the database given (never removed): use a scratch database.
Exit status 0 when the run passes; --json prints the report as JSON.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PC = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
DOCOMO = "DoCoMo/1.0/N505i/c20/TB/W20H10"  # no cookies: the sid rides in every URL
PASSWORD = "soak password 42"
SECRET_KEY = "soak-secret-key-not-for-production"
#: A relogin costs an argon2 verification (hundreds of ms of CPU): by default at most one per member
#: this often (members sign in rarely; 50 members relogging every few seconds only measure argon2).
RELOGIN_EVERY = 30.0


# --- talking to the server --------------------------------------------------------------------

class FormParser(HTMLParser):
    """The forms of a page: action, method and the fields a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").upper(),
                               "fields": [], "text": []})
        elif not self.forms:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                if kind == "radio" and not any(n == a.get("name") for n, _v in self.forms[-1]["fields"]):
                    self.forms[-1]["fields"].append((a.get("name", ""), a.get("value", "")))
                return
            if kind in ("submit", "image", "button", "file", "reset"):
                return
            if kind in ("text", "search", "email", "url", "tel", "") and a.get("name"):
                self.forms[-1]["text"].append(a["name"])
            self.forms[-1]["fields"].append((a.get("name", ""), a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name", "")
            self.forms[-1]["text"].append(self._textarea)
            self.forms[-1]["fields"].append((self._textarea, ""))
        elif tag == "select":
            self._select = a.get("name", "")
        elif tag == "option" and self._select is not None:
            fields = self.forms[-1]["fields"]
            have = any(n == self._select for n, _v in fields)
            if not have or "selected" in a:
                fields[:] = [(n, v) for n, v in fields if n != self._select] + [(self._select, a.get("value", ""))]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Unavailable(Exception):
    """The server did not answer (connection refused or reset, timeout)."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    charset: str

    @property
    def text(self) -> str:
        return self.body.decode(self.charset, "replace")

    def forms(self) -> list[dict]:
        parser = FormParser()
        parser.feed(self.text)
        return parser.forms


class Browser:
    """One member's browser: keep-alive connection, cookie or URL sid, the device's charset."""

    def __init__(self, port: int, ua: str, sid: str):
        self.port, self.ua, self.sid = port, ua, sid
        self.pre: str | None = None  # the signed-out visitor's cookie, which binds the sign-in form's token
        self.handset = ua.startswith("DoCoMo")
        self.charset = "cp932" if self.handset else "utf-8"
        self.conn: http.client.HTTPConnection | None = None

    def _with_sid(self, path: str) -> str:
        if not self.handset or not self.sid:
            return path
        return path + ("&" if "?" in path else "?") + "sid=" + self.sid

    def request(self, method: str, path: str, body: bytes | None = None) -> Response:
        headers = {"User-Agent": self.ua, "Host": f"127.0.0.1:{self.port}"}
        if not self.handset:
            cookies = [f"{name}={value}" for name, value in (("sid", self.sid), ("pre", self.pre)) if value]
            if cookies:
                headers["Cookie"] = "; ".join(cookies)
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # a kept-alive connection the server closed gets one retry
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, self._with_sid(path), body=body, headers=headers)
                raw = self.conn.getresponse()
                data = raw.read()
            except (ConnectionError, http.client.HTTPException, socket.timeout, OSError) as exc:
                self.conn.close()
                self.conn = None
                if attempt == 2 or isinstance(exc, (ConnectionRefusedError, socket.timeout)):
                    raise Unavailable(f"{method} {path}: {exc!r}") from None
                continue
            found = dict((k.lower(), v) for k, v in raw.getheaders())
            charset = "cp932" if "shift_jis" in found.get("content-type", "").lower() else "utf-8"
            for name, value in raw.getheaders():  # a sign-in may set both the sid and clear pre
                if name.lower() == "set-cookie":
                    key, _, rest = value.split(";", 1)[0].partition("=")
                    if key == "sid":
                        self.sid = rest or None
                    elif key == "pre":
                        self.pre = rest or None
            return Response(raw.status, found, data, charset)
        raise AssertionError("unreachable")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def submit(self, form: dict, values: dict[str, str]) -> Response:
        """Send a form as the browser would, with ``values`` replacing its fields."""
        fields = [(n, values.get(n, v)) for n, v in form["fields"] if n and n != "sid"]
        body = "&".join(f"{quote(n)}={quote(v.encode(self.charset, 'replace'))}" for n, v in fields).encode()
        action = form["action"].replace("&amp;", "&")
        parts = urlsplit(action)
        query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("sid="))
        return self.request(form["method"], parts.path + ("?" + query if query else ""), body)


def location_path(response: Response) -> str:
    parts = urlsplit(response.headers.get("location", ""))
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("sid="))
    return parts.path + ("?" + query if query else "")


# --- the ledger of acknowledged writes and everything that went wrong -------------------------

@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    markers: dict[str, str] = field(default_factory=dict)  # marker -> operation
    sessions: set[str] = field(default_factory=set)  # sids whose sign-in was acknowledged
    ended: set[str] = field(default_factory=set)  # sids whose sign-out was acknowledged
    footprints: set[tuple[int, int]] = field(default_factory=set)  # (visitor, owner)
    before_kill: int = 0  # writes acknowledged before the kill
    counts: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    unavailable_expected: int = 0
    all_sids: set[str] = field(default_factory=set)

    def count(self, name: str) -> None:
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + 1

    def fail(self, what: str) -> None:
        with self.lock:
            if len(self.failures) < 200:
                self.failures.append(what)

    def writes(self) -> int:
        return len(self.markers) + len(self.sessions) + len(self.ended) + len(self.footprints)


# --- the operations ---------------------------------------------------------------------------

@dataclass
class Member:
    id: int
    mail: str
    browser: Browser
    friends: list[int]
    last_relogin: float = 0.0


class Run:
    """What every simulated member shares: the server, the ledger, pools of things written."""

    def __init__(self, port: int, routes: set[str], members: list[Member], run_id: str):
        self.port, self.routes, self.members, self.run_id = port, routes, members, run_id
        self.ledger = Ledger()
        self.diaries: list[int] = []
        self.serial = 0
        self.lock = threading.Lock()
        self.footprints = False  # set when the database has a footprints table
        self.relogin_every = RELOGIN_EVERY
        self.killed_at: float | None = None
        self.back_at: float | None = None

    def marker(self) -> str:
        with self.lock:
            self.serial += 1
            return f"sk{self.run_id}x{self.serial:06d}"

    def has(self, pattern: str) -> bool:
        return any(re.fullmatch(pattern, route) for route in self.routes)

    def expect(self, response: Response, what: str, ok=(200,)) -> bool:
        if response.status >= 500:
            self.ledger.fail(f"{what}: {response.status} {response.text[:300]!r}")
        elif "database is locked" in response.text:
            self.ledger.fail(f"{what}: 'database is locked' shown to a member")
        elif response.status not in ok:
            self.ledger.fail(f"{what}: unexpected {response.status}")
        else:
            return True
        return False

    def acknowledge(self, kind: str, value) -> None:
        with self.ledger.lock:
            if kind == "markers":
                self.ledger.markers.update(value)
            else:
                getattr(self.ledger, kind).add(value)
            if self.killed_at is None:
                self.ledger.before_kill += 1

    def write_form(self, member: Member, page: str, action: re.Pattern, what: str) -> Response | None:
        """Open ``page``, fill the form whose action matches with a marker, submit; ledger a 303."""
        response = member.browser.get(page)
        if not self.expect(response, f"GET {page}"):
            return None
        forms = [f for f in response.forms() if f["method"] == "POST" and action.search(f["action"])]
        if not forms:
            self.ledger.fail(f"{what}: no form on {page}")
            return None
        marker = self.marker()
        form = forms[0]
        values = {name: f"{marker} ソーク{i}" for i, name in enumerate(form["text"])}
        if not values:
            self.ledger.fail(f"{what}: the form on {page} has no text field")
            return None
        sent = member.browser.submit(form, values)
        if self.expect(sent, f"POST {form['action']}", ok=(303,)):
            self.acknowledge("markers", {marker: what})
            return sent
        return None


@dataclass
class Operation:
    name: str
    weight: int
    needs: tuple[str, ...]  # regexes over "METHOD /rule" of app.routes, all required
    run: Callable[[Run, Member], None]
    when: Callable[[Run, Member], bool] = lambda run, member: True


def op_home(run: Run, member: Member) -> None:
    run.expect(member.browser.get("/"), "GET /")


def op_profile(run: Run, member: Member) -> None:
    other = random.choice(run.members)
    seen = run.expect(member.browser.get(f"/member/{other.id}"), f"GET /member/{other.id}")
    if seen and run.footprints and other.id != member.id:
        run.acknowledge("footprints", (member.id, other.id))  # a profile view leaves a footprint


def op_relogin(run: Run, member: Member) -> None:
    """Sign out (the old sid must die on the server) and in again (the new one must live)."""
    member.last_relogin = time.monotonic()
    browser = member.browser
    page = browser.get("/logout")
    if not run.expect(page, "GET /logout"):
        return
    old = browser.sid
    logout = [f for f in page.forms() if "/logout" in f["action"]]
    if not logout or not run.expect(browser.submit(logout[0], {}), "POST /logout", ok=(303,)):
        return
    run.acknowledge("ended", old)
    browser.sid = None
    sign_in(run, member)


def sign_in(run: Run, member: Member) -> None:
    """Password sign-in; also how a member signed out by an interrupted relogin gets back."""
    browser = member.browser
    browser.sid = None
    page = browser.get("/login")
    if not run.expect(page, "GET /login"):
        return
    form = next(f for f in page.forms() if "/login" in f["action"])
    signed = browser.submit(form, {"mail": member.mail, "password": PASSWORD})
    if run.expect(signed, "POST /login", ok=(303,)):
        if browser.handset:
            browser.sid = parse_qs(urlsplit(signed.headers["location"]).query)["sid"][0]
        run.acknowledge("sessions", browser.sid)
        run.ledger.all_sids.add(browser.sid)


def op_diary(run: Run, member: Member) -> None:
    sent = run.write_form(member, "/diary/new", re.compile(r"/diary"), "diary")
    if sent is not None and (m := re.match(r"/diary/(\d+)", location_path(sent))):
        with run.lock:
            run.diaries.append(int(m.group(1)))


def op_read_diary(run: Run, member: Member) -> None:
    diary = random.choice(run.diaries)
    response = member.browser.get(f"/diary/{diary}")
    run.expect(response, f"GET /diary/{diary}", ok=(200, 404))  # 404: outside its audience


def op_comment(run: Run, member: Member) -> None:
    diary = random.choice(run.diaries)
    response = member.browser.get(f"/diary/{diary}")
    if response.status == 404 or not any("comment" in f["action"] for f in response.forms()):
        return  # a diary this member may not see or comment on
    run.write_form(member, f"/diary/{diary}", re.compile(r"comment"), "comment")


def op_message(run: Run, member: Member) -> None:
    if member.friends:
        run.write_form(member, f"/message/new?to={random.choice(member.friends)}", re.compile(r"/message"), "message")


def op_read(path: str) -> Callable[[Run, Member], None]:
    def read(run: Run, member: Member) -> None:
        run.expect(member.browser.get(path), f"GET {path}")
    return read


#: The mix of a member's day.  Operations whose routes the app lacks are left out.
OPERATIONS = [
    Operation("home", 20, (r"GET /",), op_home),
    Operation("profile", 25, (r"GET /member/<[^>]+>",), op_profile),
    Operation("relogin", 3, (r"POST /logout", r"POST /login"), op_relogin,
              when=lambda run, m: time.monotonic() - m.last_relogin > run.relogin_every),
    Operation("diary", 8, (r"GET /diary/new", r"POST /diary/new"), op_diary),
    Operation("read_diary", 12, (r"GET /diary/<[^>]+>",), op_read_diary, when=lambda run, m: bool(run.diaries)),
    Operation("comment", 8, (r"GET /diary/<[^>]+>", r"POST /diary/<[^>]+>/comments?"), op_comment,
              when=lambda run, m: bool(run.diaries)),
    Operation("message", 6, (r"GET /message/new", r"POST /message/new"), op_message),
    Operation("feed", 6, (r"GET /feed",), op_read("/feed")),
    Operation("footprints", 4, (r"GET /footprints",), op_read("/footprints")),
    Operation("messages", 4, (r"GET /messages",), op_read("/messages")),
    Operation("communities", 3, (r"GET /communities",), op_read("/communities")),
]


def member_loop(run: Run, member: Member, operations: list[Operation], deadline: float) -> None:
    signing_in = Operation("sign_in", 0, (), sign_in)
    while time.monotonic() < deadline:
        usable = [op for op in operations if op.when(run, member)]
        op = random.choices(usable, weights=[o.weight for o in usable])[0]
        if not member.browser.sid:  # a relogin cut short by the kill left this member signed out
            op = signing_in
        started = time.monotonic()
        try:
            op.run(run, member)
        except Unavailable as exc:
            down = run.killed_at is not None and (run.back_at is None or time.monotonic() < run.back_at + 2)
            if down:
                run.ledger.unavailable_expected += 1
                time.sleep(0.05)
            else:
                run.ledger.fail(f"{op.name}: server unavailable: {exc}")
            continue
        except Exception as exc:  # noqa: BLE001 - a broken page must be reported, not kill the member
            run.ledger.fail(f"{op.name}: {exc!r}")
            continue
        run.ledger.count(op.name)
        with run.ledger.lock:
            run.ledger.latencies.append(time.monotonic() - started)


# --- the server -------------------------------------------------------------------------------

class Server:
    """``run.py serve`` in its own process group, so SIGKILL takes every process of it."""

    def __init__(self, database_url: str, workdir: Path, threads: int):
        self.port = free_port()
        self.workdir = workdir
        self.threads = threads
        self.env = dict(os.environ, KEITAI_DATABASE_URL=database_url, KEITAI_SECRET_KEY=SECRET_KEY,
                        KEITAI_ACCESS_LOG=str(workdir / "access.log"), KEITAI_MEDIA_DIR=str(workdir / "media"),
                        KEITAI_OUTBOX_DIR=str(workdir / "outbox"), PYTHONUNBUFFERED="1")
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.workdir / f"server-{self.starts}.log", "wb")
        command = [sys.executable, str(ROOT / "run.py"), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--threads", str(self.threads)]
        if _serve_has_workers():
            command += ["--workers", "1"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server did not start:\n" + self.log()[-3000:])
            # Back means answering: a listening socket is not yet a worker that serves (under load
            # the workers take seconds to import and connect after the supervisor binds).
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not answer /health within 60 s")

    def kill(self) -> None:
        """SIGKILL the server's whole process group: no clean-up, no flush, like a power cut to the process.

        Returns once nothing listens on the port: a worker caught in a write (an fsync) dies
        only when it ends, and until then the restarted server's first check would reach it."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log(self) -> str:
        return "".join((self.workdir / f"server-{n}.log").read_text(errors="replace")
                       for n in range(1, self.starts + 1))


def _serve_has_workers() -> bool:
    from keitai.commands import serve

    parser = argparse.ArgumentParser()
    serve.add_arguments(parser)
    return "--workers" in parser._option_string_actions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- setting up and checking the database ------------------------------------------------------

def app_routes() -> set[str]:
    """``METHOD /rule`` of every route the server will have."""
    from keitai import config
    from keitai.app import create_app

    app = create_app(config.Settings.from_env({}, secret_key=SECRET_KEY, access_log="off"), connect=False)
    return {f"{r.method} {r.rule}" for r in app.routes}


def create_members(database_url: str, count: int, run_id: str) -> list[tuple[int, str, list[int]]]:
    """Members for this run (friends in a ring, two apart), each with a live session."""
    from keitai import config
    from keitai.platform.db import connection as base
    from keitai.platform.db import migrations
    from keitai.accounts.models import Member as MemberRow
    from keitai.accounts import rules as accounts
    from keitai.friends import rules as friends

    config.activate(config.Settings.from_env({}, database_url=database_url, secret_key=SECRET_KEY))
    base.connect(database_url)
    migrations.migrate(log=None)
    password_hash = accounts.hash_password(PASSWORD)  # one hash for all: each costs hundreds of ms
    ids = []
    with base.db.atomic():
        for i in range(count):
            ids.append(MemberRow.create(
                nickname=f"ソーク{i}", mail=f"soak{run_id}-{i}@docomo.ne.jp", password_hash=password_hash,
                birthday="1990-01-01", status="active", created_at=base.now(), hobbies=f"ソーク{i}").id)
    for i in range(count):
        for step in (1, 2):
            if count > step:
                friends.befriend(ids[i], ids[(i + step) % count])
    members = []
    for i, member_id in enumerate(ids):
        near = [ids[(i + d) % count] for d in (-2, -1, 1, 2) if count > 2]
        members.append((member_id, f"soak{run_id}-{i}@docomo.ne.jp", sorted(set(near) - {member_id})))
    return members


def start_session(member_id: int, ua: str) -> str:
    """A session as a sign-in would make it (password sign-ins are the relogin operation's)."""
    from keitai import config
    from keitai.platform import device
    from keitai.platform.web import sessions

    dev = device.detect({"HTTP_USER_AGENT": ua, "REMOTE_ADDR": "127.0.0.1"})
    return sessions.start(member_id, dev, config.get())


def verify(database_url: str, run: Run, server: Server) -> dict:
    """Read the database after the run: every acknowledged write there, nothing torn."""
    from keitai.platform.db import connection as base

    base.db.close()
    database = base.connect(database_url)
    report: dict = {}
    problems: list[str] = []
    if base.is_sqlite():
        result = [r[0] for r in database.execute_sql("PRAGMA integrity_check").fetchall()]
        report["integrity_check"] = result[0] if result == ["ok"] else result[:5]
        if result != ["ok"]:
            problems.append(f"integrity_check: {result[:5]}")
    tables = database.get_tables()
    pattern = re.compile(rf"sk{run.run_id}x\d{{6}}")
    found: set[str] = set()
    for table in tables:
        for row in database.execute_sql(f'SELECT * FROM "{table}"').fetchall():
            for cell in row:
                if isinstance(cell, str) and "sk" in cell:
                    found.update(pattern.findall(cell))
    ledger = run.ledger
    lost = sorted(set(ledger.markers) - found)
    if lost:
        problems.append(f"{len(lost)} acknowledged writes missing: {[(m, ledger.markers[m]) for m in lost[:10]]}")
    stored = {r[0] for r in database.execute_sql("SELECT id FROM sessions").fetchall()}

    def digest(sid):
        return hashlib.sha256(sid.encode()).hexdigest()

    live = {s for s in ledger.sessions if s not in ledger.ended}
    missing = [s for s in live if digest(s) not in stored]
    if missing:
        problems.append(f"{len(missing)} acknowledged sign-ins have no session")
    alive = [s for s in ledger.ended if digest(s) in stored]
    if alive:
        problems.append(f"{len(alive)} signed-out sessions still live on the server")
    log = server.log()
    skipped = log.count("WARNING keitai.db: footprint not written: ")
    if "footprints" in tables and ledger.footprints:
        visits = {frozenset(v for v in row if isinstance(v, int))
                  for row in database.execute_sql("SELECT * FROM footprints").fetchall()}
        gone = [fp for fp in ledger.footprints if not any(set(fp) <= v for v in visits)]
        if len(gone) > skipped:
            problems.append(f"{len(gone)} footprints missing, {skipped} logged as not written, e.g. {gone[:5]}")
    if any("database is locked" in line and " not written: " not in line for line in log.splitlines()):
        problems.append("'database is locked' in the server log")
    if "Traceback" in log:
        problems.append("a traceback in the server log: " + log[log.index("Traceback"):][:1500])
    access = (server.workdir / "access.log").read_text(errors="replace") if (
        server.workdir / "access.log").exists() else ""
    leaked = [s for s in ledger.all_sids if s and s in access]
    if leaked:
        problems.append(f"{len(leaked)} session ids written to the access log")
    report.update(problems=problems, access_log_lines=access.count("\n"), writes_found=len(found),
                  footprints_not_written=skipped)
    return report


# --- the run ----------------------------------------------------------------------------------

def soak(seconds: float, members: int, database_url: str | None, kill: bool, threads: int, seed: int,
         relogin_every: float = RELOGIN_EVERY) -> dict:
    random.seed(seed)
    run_id = format(random.getrandbits(32), "08x")
    workdir = Path(tempfile.mkdtemp(prefix="keitai-soak-"))
    database_url = database_url or f"sqlite:///{workdir / 'soak.sqlite3'}"
    os.environ["KEITAI_DATABASE_URL"] = database_url
    setup = time.monotonic()
    routes = app_routes()
    rows = create_members(database_url, members, run_id)
    server = Server(database_url, workdir, threads)
    simulated = []
    for i, (member_id, mail, near) in enumerate(rows):
        ua = DOCOMO if i % 2 else PC
        sid = start_session(member_id, ua)
        simulated.append(Member(member_id, mail, Browser(server.port, ua, sid), near,
                                last_relogin=time.monotonic() - random.uniform(0, relogin_every)))
    from keitai.platform.db import connection as base

    has_footprints = "footprints" in base.db.obj.get_tables()
    base.db.close()
    run = Run(server.port, routes, simulated, run_id)
    run.footprints = has_footprints
    run.relogin_every = relogin_every
    run.ledger.all_sids.update(m.browser.sid for m in simulated)
    operations = [op for op in OPERATIONS if all(run.has(need) for need in op.needs)]
    server.start()
    setup = time.monotonic() - setup
    started = time.monotonic()
    deadline = started + seconds
    threads_ = [threading.Thread(target=member_loop, args=(run, m, operations, deadline), daemon=True)
                for m in simulated]
    for t in threads_:
        t.start()
    if kill:
        time.sleep(seconds / 2)
        run.killed_at = time.monotonic()
        server.kill()
        server.start()
        run.back_at = time.monotonic()
    for t in threads_:
        t.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    for m in simulated:
        if m.browser.conn:
            m.browser.conn.close()
    server.stop()
    report = verify(database_url, run, server)
    ledger = run.ledger
    stuck = [t for t in threads_ if t.is_alive()]
    if stuck:
        report["problems"].append(f"{len(stuck)} members never finished")
    if ledger.failures:
        report["problems"].append(f"{len(ledger.failures)} failed requests")
    latencies = sorted(ledger.latencies)
    report.update(
        ok=not report["problems"],
        database="sqlite" if database_url.startswith("sqlite") else "postgresql",
        members=members, seconds=round(elapsed, 1), setup_seconds=round(setup, 1), killed=kill,
        operations=sorted(op.name for op in operations), counts=ledger.counts,
        operations_per_second=round(sum(ledger.counts.values()) / max(elapsed, 0.001), 1),
        latency_ms={"p50": round(1000 * statistics.median(latencies), 1) if latencies else None,
                    "p95": round(1000 * latencies[int(len(latencies) * 0.95)], 1) if latencies else None},
        acknowledged_writes=ledger.writes(), acknowledged_before_kill=ledger.before_kill if kill else None,
        unavailable_while_down=ledger.unavailable_expected, failures=ledger.failures[:20], workdir=str(workdir),
    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temp dir (use a scratch database)")
    parser.add_argument("--kill", action="store_true", help="SIGKILL the server half way through, restart it")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (default 8)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--relogin-every", type=float, default=RELOGIN_EVERY,
                        help=f"seconds between one member's password sign-ins (default {RELOGIN_EVERY:g})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = soak(args.seconds, args.members, args.database_url, args.kill, args.threads, args.seed,
                  args.relogin_every)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
        print("PASS" if report["ok"] else "FAIL")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
