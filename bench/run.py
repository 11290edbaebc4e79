#!/usr/bin/env python3
"""The keitai benchmark: a member's day on a large seeded site, against two references.

    python bench/run.py                       # everything, on SQLite (seeds what is missing)
    python bench/run.py --database postgresql://postgres@127.0.0.1:5432/bench_keitai
    python bench/run.py --quick               # a smoke run: small site, short runs

Sections (``--sections``; all by default):

main     the scenarios (home, a friend's profile, a diary entry, a community topic,
         search, posting a comment) as a handset member (sid in the URL) and as a PC
         member (cookie), each cycling through many members' sessions, at 8 and 32
         connections; in the same run, under the same server settings, the two
         references (bench/reference.py: bare bottle "hello"; a render-only page of
         the home page's size in CP932).  Runs are interleaved and repeated; the
         table shows medians and each scenario's throughput as a share of both.
workers  the handset home page with ``--workers 1`` against one worker per core.
scale    home and profile on sites of 10,000, 100,000 and 1,000,000 members.

The site is served exactly as ``run.py serve`` serves it (a subprocess), and driven
from a separate process: wrk with bench/load.lua (installed with apt-get if missing),
or bench/loadgen.py where wrk cannot be had.  The load generator is pinned to the
cores the server does not use, where there are any.  Scenarios whose feature is not
merged yet are listed as skipped, found by their routes, so they run once it is.
Results go to bench/results/<time>.json and the table to stdout (markdown).
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))

from keitai.commands.serve import cores  # noqa: E402

HANDSET_UA = "DoCoMo/1.0/N505i/c20/TB/W20H10"  # i-mode 1.0: no cookies, sid in every URL
PC_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
DEVICES = {"handset": HANDSET_UA, "pc": PC_UA}
SECRET = "keitai-bench-secret"
SEARCH_WORDS = ("ラーメン", "東京", "さくら", "カフェ", "キャンプ", "温泉", "sakura", "けん")
COMMENT = "ベンチから失礼します。楽しそうですね！"

#: What the issue asks of the results.
TARGETS = {
    "home_vs_render": 0.50,
    "profile_vs_render": 0.40,
    "workers_gain": 1.7,
    "p99_ms": 50.0,
    "rss_mb": 120.0,
    "scale_growth": 1.5,
    "search_ms": 50.0,
}


def log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# --- servers ---------------------------------------------------------------------------

class Server:
    """``run.py serve`` (or a reference) in a subprocess; its workers are found in /proc."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        self.name = name
        self.output: list[str] = []
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self._port = threading.Event()
        self.port = 0
        threading.Thread(target=self._read, daemon=True).start()
        if not self._port.wait(120):
            self.stop()
            raise RuntimeError(f"{name} did not start:\n" + "\n".join(self.output[-20:]))
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while len(self.workers()) < self.expected_workers(argv) and time.monotonic() < deadline:
            time.sleep(0.1)
        for _ in range(100):
            try:
                fetch(self.base, "GET", "/", {"User-Agent": PC_UA})
                break
            except OSError:
                time.sleep(0.1)

    @staticmethod
    def expected_workers(argv: list[str]) -> int:
        return int(argv[argv.index("--workers") + 1]) if "--workers" in argv else 1

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))
            match = re.search(r" on http://[^:]+:(\d+)/", line)
            if match and not self.port:
                self.port = int(match.group(1))
                self._port.set()

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def reset_peak_rss(self) -> None:
        for pid in self.workers():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM (Linux 4.0+)
            except OSError:
                pass

    def memory_mb(self) -> tuple[float, float]:
        """The largest worker's peak RSS (VmHWM) and its private memory now (RssAnon), in MB.

        RSS counts the pages of the SQLite file a worker has touched through mmap; they are
        the OS page cache, shared by every worker, so the private part is shown beside it.
        """
        peak = private = 0
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            if match := re.search(r"VmHWM:\s+(\d+) kB", status):
                peak = max(peak, int(match.group(1)))
            if match := re.search(r"RssAnon:\s+(\d+) kB", status):
                private = max(private, int(match.group(1)))
        return peak / 1024, private / 1024

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far."""
        ticks = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def site_env(database_url: str) -> dict[str, str]:
    return dict(
        os.environ, KEITAI_DATABASE_URL=database_url, KEITAI_SECRET_KEY=SECRET,
        KEITAI_OUTBOX_DIR=str(DATA / "outbox"), KEITAI_MEDIA_DIR=str(DATA / "media"), PYTHONUNBUFFERED="1",
    )


def start_site(database_url: str, workers: int, threads: int) -> Server:
    argv = [sys.executable, "run.py", "serve", "--port", "0", "--workers", str(workers), "--threads", str(threads)]
    return Server(f"site x{workers}", argv, site_env(database_url))


def start_reference(kind: str, workers: int, threads: int, size: int = 0) -> Server:
    argv = [sys.executable, str(BENCH / "reference.py"), kind, "--port", "0", "--workers", str(workers),
            "--threads", str(threads), "--bytes", str(size)]
    return Server(f"reference {kind}", argv, dict(os.environ, PYTHONUNBUFFERED="1"))


# --- the site's database -----------------------------------------------------------------

def default_database(members: int) -> str:
    return f"sqlite:///{DATA / f'site-{members}.sqlite3'}"


def scaled_database(url: str, members: int) -> str:
    """The database for one size of the scale run: a file, or ``<name>_<members>`` on PostgreSQL."""
    if url.startswith("sqlite"):
        return default_database(members)
    parts = urlsplit(url)
    return parts._replace(path=f"{parts.path.rstrip('/')}_{members}").geturl()


def ensure_site(url: str, members: int, reseed: bool) -> None:
    """Seed the site with ``members`` members unless it already has them."""
    from keitai.platform.db import connection as base

    DATA.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgres"):
        _create_postgres_database(url)
    database = base.make_database(url)
    try:
        has = database.execute_sql("SELECT COUNT(*) FROM members").fetchone()[0]
        # A site seeded before the content seeders (diaries, communities, ...) has none.
        has_content = database.execute_sql("SELECT EXISTS (SELECT 1 FROM diaries)").fetchone()[0]
    except Exception:  # noqa: BLE001 - no schema yet
        has, has_content = 0, False
    finally:
        database.close()
    if has == members and (has_content or not reseed):
        log(f"site {url}: {members:,} members, seeded already"
            + ("" if has_content else " (without content: give --reseed to seed it again with content)"))
        return
    if has and not reseed:
        raise SystemExit(f"{url} has {has:,} members, not {members:,}: give --reseed to empty and seed it")
    if has:
        _empty(url)
    log(f"seeding {members:,} members into {url}")
    subprocess.run([sys.executable, "run.py", "seed", "--members", str(members)], cwd=ROOT,
                   env=site_env(url), check=True, stdout=sys.stderr)


def _create_postgres_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    from keitai.platform.db import connection as base

    admin = base.make_database(parts._replace(path="/postgres").geturl())
    try:
        exists = admin.execute_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()


def _empty(url: str) -> None:
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    if "bench" not in name and "site-" not in name:
        raise SystemExit(f"refusing to empty {url}: the benchmark only empties databases named *bench* or site-*")
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
        return
    from keitai.platform.db import connection as base

    database = base.make_database(url)
    database.execute_sql("DROP SCHEMA public CASCADE")
    database.execute_sql("CREATE SCHEMA public")
    database.close()


# --- browsing as members ----------------------------------------------------------------

def fetch(base: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


@dataclass
class Member:
    """A signed-in member on one device, and what the scenarios visit as them."""

    id: int
    mail: str
    friend_id: int
    device: str  # handset | pc
    sid: str = ""

    @property
    def charset(self) -> str:
        return "cp932" if self.device == "handset" else "utf-8"

    def headers(self) -> dict[str, str]:
        headers = {"User-Agent": DEVICES[self.device]}
        if self.device == "pc" and self.sid:
            headers["Cookie"] = f"sid={self.sid}"
        return headers

    def path(self, path: str) -> str:
        """``path`` as this member's browser asks for it (the sid in it on a handset)."""
        if self.device == "handset" and self.sid and "sid=" not in path:
            path += ("&" if "?" in path else "?") + "sid=" + self.sid
        return path

    def get(self, base: str, path: str) -> tuple[int, str]:
        status, _headers, body = fetch(base, "GET", self.path(path), self.headers())
        return status, body.decode(self.charset, "replace")

    def sign_in(self, base: str, password: str) -> None:
        status, login_headers, raw = fetch(base, "GET", self.path("/login"), self.headers())
        csrf = re.search(r'name="csrf" value="([^"]+)"', raw.decode(self.charset, "replace"))
        if status != 200 or not csrf:
            raise RuntimeError(f"no sign-in form ({status})")
        body = urlencode({"mail": self.mail, "password": password, "csrf": csrf.group(1), "next": "/"}).encode()
        headers = dict(self.headers(), **{"Content-Type": "application/x-www-form-urlencoded"})
        # A browser's sign-in token is bound to the pre-session cookie its form page set.
        pre = [re.match(r"pre=([^;]*)", v) for k, v in login_headers if k.lower() == "set-cookie"]
        if any(pre):
            headers["Cookie"] = "pre=" + next(m for m in pre if m).group(1)
        status, response_headers, _body = fetch(base, "POST", "/login", headers, body)
        headers = {k.lower(): v for k, v in response_headers}
        if status != 303:
            raise RuntimeError(f"sign-in of {self.mail} failed ({status})")
        if self.device == "handset":
            self.sid = parse_qs(urlsplit(headers.get("location", "")).query)["sid"][0]
        else:
            self.sid = re.search(r"sid=([^;]+)", headers.get("set-cookie", "")).group(1)


def pick_members(database_url: str, count: int) -> list[tuple[int, str, int]]:
    """(id, mail, a friend's id) of ``count`` active seeded members spread over the site.

    The friend is an active member, whose profile the member may open: the seeder leaves
    some members pending or suspended with their friendships, and their profiles answer
    404 (rightly), so such a friend in the request file was one failed request in every
    200 of the profile scenario.
    """
    from keitai import privacy
    from keitai.platform.db import connection as base

    def friends_of(member: str) -> str:
        return (" FROM friendships fr JOIN members f ON f.id = fr.friend_id WHERE fr.member_id = " + member
                + " AND " + privacy.active_member_sql("f."))

    base.connect(database_url)
    try:
        rows = base.fetchall(
            "SELECT m.id, m.mail FROM members m WHERE " + privacy.active_member_sql("m.") + " AND m.mail LIKE ?"
            " AND EXISTS(SELECT 1" + friends_of("m.id") + ") ORDER BY (m.id * 7919) % 10007, m.id LIMIT ?",
            ("s%", count))
        picked = []
        for member_id, mail in rows:
            friends = base.scalar("SELECT COUNT(*)" + friends_of("?"), (member_id,))
            picked.append((member_id, mail, base.scalar(
                "SELECT fr.friend_id" + friends_of("?") + " ORDER BY fr.friend_id LIMIT 1 OFFSET ?",
                (member_id, (member_id * 31) % friends))))
        return picked
    finally:
        base.db.close()


def sign_in_members(base: str, database_url: str, per_device: int) -> dict[str, list[Member]]:
    """``per_device`` members signed in on a handset and as many on a PC.

    The first of each signs in through /login; the others get their sessions from the
    same function /login ends in, since an argon2 check per member would take minutes
    (it is slow on purpose) and measure nothing the scenarios are about.
    """
    from keitai import config
    from keitai.platform import device
    from keitai.platform.db import connection as models
    from keitai.devtools.seed import SEED_PASSWORD
    from keitai.platform.web import sessions

    rows = pick_members(database_url, per_device * 2)
    members = {
        "handset": [Member(i, m, f, "handset") for i, m, f in rows[0::2]],
        "pc": [Member(i, m, f, "pc") for i, m, f in rows[1::2]],
    }
    settings = config.Settings.from_env({}, database_url=database_url, secret_key=SECRET)
    models.connect(database_url)
    try:
        for kind, group in members.items():
            group[0].sign_in(base, SEED_PASSWORD)
            seen_as = device.detect({"HTTP_USER_AGENT": DEVICES[kind], "REMOTE_ADDR": "127.0.0.1"})
            with models.db.atomic():
                for member in group[1:]:
                    member.sid = sessions.start(member.id, seen_as, settings)
    finally:
        models.db.close()
    log(f"signed in {per_device} handset and {per_device} PC members")
    return members


# --- scenarios --------------------------------------------------------------------------

@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""

    def line(self) -> str:
        headers = "|".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{self.method}\t{self.path}\t{headers}\t{self.body.decode('ascii')}"


@dataclass
class Scenario:
    name: str
    title: str
    routes: tuple[str, ...]  # the feature is present when the app has these routes
    build: Callable[[Member, str], Request | None]  # (member, base URL) -> its request, None if nothing to visit
    expect: str = ""  # a word the page must show (a check that it is the page, not the sign-in page)


def _ids(page: str, pattern: str) -> list[int]:
    return [int(x) for x in re.findall(pattern, page)]


def _get(member: Member, path: str) -> Request:
    return Request("GET", member.path(path), member.headers())


def build_home(member: Member, base: str) -> Request:
    return _get(member, "/")


def build_profile(member: Member, base: str) -> Request:
    return _get(member, f"/member/{member.friend_id}")


def _a_diary(member: Member, base: str) -> int | None:
    for path in ("/", "/feed", f"/member/{member.friend_id}/diary", f"/member/{member.id}/diary"):
        status, page = member.get(base, path)
        if status == 200 and (ids := _ids(page, r'href="/diary/(\d+)')):
            return ids[0]
    return None


def build_diary(member: Member, base: str) -> Request | None:
    diary = _a_diary(member, base)
    return _get(member, f"/diary/{diary}") if diary else None


def build_topic(member: Member, base: str) -> Request | None:
    for path in ("/", "/communities"):
        status, page = member.get(base, path)
        for topic in _ids(page, r'href="/topic/(\d+)') if status == 200 else []:
            return _get(member, f"/topic/{topic}")
        for community in _ids(page, r'href="/community/(\d+)') if status == 200 else []:
            status, page = member.get(base, f"/community/{community}")
            if status == 200 and (topics := _ids(page, r'href="/topic/(\d+)')):
                return _get(member, f"/topic/{topics[0]}")
    return None


def build_search(member: Member, base: str) -> Request:
    word = SEARCH_WORDS[member.id % len(SEARCH_WORDS)]
    return _get(member, "/search?q=" + quote(word.encode(member.charset)))


_FORM = re.compile(r'<form\s[^>]*action="([^"]*)"[^>]*>(.*?)</form>', re.S | re.I)
_INPUT = re.compile(r'<input\s[^>]*>', re.I)
_ATTR = re.compile(r'\b(name|value)="([^"]*)"', re.I)
_TEXTAREA = re.compile(r'<textarea\s[^>]*name="([^"]+)"', re.I)


def build_comment(member: Member, base: str) -> Request | None:
    """A POST of the comment form on a diary entry (its CSRF token and sid ride along)."""
    diary = _a_diary(member, base)
    if not diary:
        return None
    status, page = member.get(base, f"/diary/{diary}")
    for action, inner in _FORM.findall(page):
        action = action.replace("&amp;", "&")
        if "comment" not in action or not (areas := _TEXTAREA.findall(inner)):
            continue
        tags = [dict((k.lower(), v) for k, v in _ATTR.findall(tag)) for tag in _INPUT.findall(inner)]
        fields = [(t["name"], t["value"].replace("&amp;", "&")) for t in tags if t.get("name") and t.get("value")]
        fields.append((areas[0], COMMENT))
        body = "&".join(f"{quote(k)}={quote(v.encode(member.charset))}" for k, v in fields).encode()
        headers = dict(member.headers(), **{"Content-Type": "application/x-www-form-urlencoded"})
        return Request("POST", action, headers, body)
    return None


SCENARIOS = (
    Scenario("home", "ホーム", ("/",), build_home, "ﾎｰﾑ|ホーム"),
    Scenario("profile", "友人のプロフィール (足あと)", ("/member/<>",), build_profile),
    Scenario("diary", "日記とコメント", ("/diary/<>",), build_diary),
    Scenario("topic", "コミュニティのトピック", ("/topic/<>",), build_topic),
    Scenario("search", "検索", ("/search",), build_search),
    Scenario("comment", "コメントを書く", ("/diary/<>",), build_comment),
)


def present_routes() -> set[str]:
    from keitai import config
    from keitai.app import create_app

    app = create_app(config.Settings.from_env({}, secret_key=SECRET, database_url="sqlite:///:memory:"), connect=False)
    return {re.sub(r"<[^>]*>", "<>", route.rule) for route in app.routes}


@dataclass
class Target:
    """One thing to measure: a server and the requests to send it."""

    key: str  # e.g. home/handset, ref/hello
    server: Server
    requests: list[Request]
    expect: str = ""
    page_bytes: int = 0
    skipped: str = ""
    runs: dict[int, list[dict]] = field(default_factory=dict)  # connections -> results
    rss: list[float] = field(default_factory=list)
    private: list[float] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        path = folder / (self.key.replace("/", "-") + ".tsv")
        path.write_text("\n".join(r.line() for r in self.requests) + "\n", encoding="utf-8")
        return path

    def check(self) -> str:
        """'' if sample requests answer as they should, else what is wrong."""
        for request in self.requests[:3]:
            status, _headers, body = fetch(self.server.base, request.method, request.path, request.headers,
                                           request.body or None)
            if status not in (200, 303):
                return f"{request.method} {request.path} answered {status}"
            text = body.decode("cp932" if "DoCoMo" in request.headers.get("User-Agent", "") else "utf-8", "replace")
            if request.method == "GET" and 'name="password"' in text:
                return f"{request.path} showed the sign-in page"
            if self.expect and request.method == "GET" and not re.search(self.expect, text):
                return f"{request.path} did not show {self.expect!r}"
            self.page_bytes = len(body)
        return ""


def build_targets(site: Server, members: dict[str, list[Member]], routes: set[str], wanted: list[str]) -> list[Target]:
    targets = []
    for scenario in SCENARIOS:
        if scenario.name not in wanted:
            continue
        missing = [r for r in scenario.routes if r not in routes]
        for device in ("handset", "pc"):
            target = Target(f"{scenario.name}/{device}", site, [], scenario.expect)
            if missing:
                target.skipped = "feature not present (no route " + ", ".join(missing) + ")"
            else:
                requests = [scenario.build(m, site.base) for m in members[device]]
                target.requests = [r for r in requests if r is not None]
                if not target.requests:
                    target.skipped = "nothing to visit (the seeded site has none; add its seeder)"
                elif problem := target.check():
                    target.skipped = "broken: " + problem
            targets.append(target)
    return targets


# --- measuring --------------------------------------------------------------------------

def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("wrk is missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        log("wrk could not be installed: using bench/loadgen.py (slower, heavier on the CPU)")
    return found


def load_cpus(server_workers: int) -> set[int] | None:
    """Cores for the load generator: those the server's pinned workers leave free, if any."""
    free = cores()[server_workers:]
    return set(free) if free else None


def measure(target: Target, connections: int, duration: float, wrk: str | None, folder: Path,
            workers: int) -> dict:
    requests_file = target.write(folder)
    if wrk:
        argv = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "5s",
                "-s", str(BENCH / "load.lua"), target.server.base, "--", str(requests_file)]
    else:
        argv = [sys.executable, str(BENCH / "loadgen.py"), target.server.base, str(requests_file),
                "--connections", str(connections), "--duration", str(duration)]
    cpus = load_cpus(workers)
    target.server.reset_peak_rss()
    load_before = os.getloadavg()[0]
    cpu_before = target.server.cpu_seconds()
    done = subprocess.run(
        argv, capture_output=True, text=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
    )
    line = next((line for line in done.stdout.splitlines() if line.startswith("JSON ")), None)
    if done.returncode or line is None:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line[5:])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    # The server's CPU per answer: what other work on the machine moves least (ratios of
    # throughput also move with how the scheduler shares the cores).
    result["cpu_us"] = (target.server.cpu_seconds() - cpu_before) / max(1, result["requests"]) * 1e6
    result["errors"] = sum(result[k] for k in ERROR_KINDS)
    if result["status"]:
        result["codes"] = replay_codes(target.server.base, requests_file)
    result["rss_mb"], result["private_mb"] = target.server.memory_mb()
    result["loadavg"] = max(load_before, os.getloadavg()[0])
    return result


#: How wrk and loadgen.py count failures: socket errors by step, non-2xx/3xx answers, timeouts.
ERROR_KINDS = ("connect", "read", "write", "status", "timeout")


def replay_codes(base: str, requests_file: Path, limit: int = 300) -> dict[str, int]:
    """Which error statuses a run's requests get: the load generators count non-2xx/3xx answers
    but not their codes, so after a run that had some, the first ``limit`` requests of its file
    are sent once more, one at a time, and their 4xx/5xx codes tallied (a sample: a 503 under
    load may not come back)."""
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    codes: dict[str, int] = {}
    for line in requests_file.read_text(encoding="utf-8").splitlines()[:limit]:
        method, path, header_text, *rest = line.split("\t") + [""]
        headers = dict(h.split(": ", 1) for h in header_text.split("|") if ": " in h)
        body = rest[0].encode() if rest and rest[0] else None
        request = urllib.request.Request(base + path, data=body, headers=headers, method=method)
        try:
            with opener.open(request, timeout=10) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:
            status = type(error).__name__
        if not isinstance(status, int) or status >= 400:
            codes[str(status)] = codes.get(str(status), 0) + 1
    return codes


def errors_by_kind(runs: list[dict]) -> str:
    """``0``, or the total and each kind: ``12 (status 10: 500 x3 in a replay; timeout 2)``."""
    total = sum(r["errors"] for r in runs)
    if not total:
        return "0"
    parts = []
    for kind in ERROR_KINDS:
        count = sum(r[kind] for r in runs)
        if not count:
            continue
        codes: dict[str, int] = {}
        for r in runs:
            for code, n in r.get("codes", {}).items():
                codes[code] = codes.get(code, 0) + n
        detail = ""
        if kind == "status" and codes:
            detail = ": " + ", ".join(f"{code} x{n}" for code, n in sorted(codes.items())) + " in a replay"
        parts.append(f"{kind} {count}{detail}")
    return f"{total} ({'; '.join(parts)})"


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs) if runs else 0.0


def run_rounds(targets: list[Target], connections: list[int], repeats: int, duration: float,
               wrk: str | None, workers_of: Callable[[Target], int]) -> None:
    """Measure every target at every connection count, ``repeats`` times, interleaved."""
    live = [t for t in targets if not t.skipped]
    with tempfile.TemporaryDirectory(prefix="keitai-bench-") as tmp:
        folder = Path(tmp)
        for target in live:  # warm caches and compile templates before anything counts
            measure(target, connections[0], min(2.0, duration), wrk, folder, workers_of(target))
        for round_ in range(1, repeats + 1):
            for target in live:
                for c in connections:
                    result = measure(target, c, duration, wrk, folder, workers_of(target))
                    target.runs.setdefault(c, []).append(result)
                    target.rss.append(result["rss_mb"])
                    target.private.append(result["private_mb"])
                    log(f"  round {round_}/{repeats} {target.key:<16} c={c:<3} {result['rps']:8.0f} req/s"
                        f"  p50 {result['p50_us'] / 1000:6.1f} ms  p99 {result['p99_us'] / 1000:6.1f} ms"
                        f"  cpu {result['cpu_us']:5.0f} µs/req  errors {errors_by_kind([result])}"
                        f"  rss {result['rss_mb']:.0f} MB")
        for target in live:  # the sessions held up to the end
            if problem := target.check():
                target.skipped = "broken after the run: " + problem


# --- reporting --------------------------------------------------------------------------

def summarize(target: Target) -> dict:
    out = {"key": target.key, "skipped": target.skipped, "page_bytes": target.page_bytes,
           "peak_rss_mb": max(target.rss) if target.rss else 0.0,
           "private_mb": max(target.private) if target.private else 0.0,
           "loadavg": [r["loadavg"] for runs in target.runs.values() for r in runs]}
    for c, runs in target.runs.items():
        out[c] = {
            "rps": median_of(runs, "rps"), "p50_ms": median_of(runs, "p50_us") / 1000,
            "p99_ms": median_of(runs, "p99_us") / 1000, "errors": sum(r["errors"] for r in runs),
            "cpu_us": median_of(runs, "cpu_us"),
            "errors_by_kind": errors_by_kind(runs),
            "runs": len(runs),
        }
    return out


def load_note(summaries: list[dict]) -> str:
    """The machine's 1-minute load average over the runs: other work on it skews absolute numbers."""
    loads = [x for s in summaries for x in s.get("loadavg", [])]
    if not loads:
        return ""
    return (f"Load average (1 min) during the runs: {min(loads):.1f}-{max(loads):.1f} on {len(cores())} cores"
            " (above the core count, other work shared the machine: compare ratios, not absolute numbers).")


def memory(s: dict) -> str:
    return f"{s['peak_rss_mb']:.0f} MB ({s['private_mb']:.0f} MB)"


def pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def main_table(summaries: list[dict], hello: dict, render: dict, connections: list[int]) -> list[str]:
    cols = ["scenario", "device", "bytes"]
    for c in connections:
        cols += [f"req/s @{c}", f"p50 @{c}", f"p99 @{c}"]
    cols += ["errors", "vs hello", "vs render", "server CPU per request", "peak RSS (private)"]
    lines = ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    for s in [hello, render] + summaries:
        name, _, device = s["key"].partition("/")
        if s["skipped"]:
            lines.append(f"| {name} | {device} | {s['skipped']} |" + " |" * (len(cols) - 3))
            continue
        row = [name, device, f"{s['page_bytes']:,}"]
        for c in connections:
            row += [f"{s[c]['rps']:,.0f}", f"{s[c]['p50_ms']:.1f} ms", f"{s[c]['p99_ms']:.1f} ms"]
        errors = "; ".join(f"@{c}: {s[c]['errors_by_kind']}" for c in connections if s[c]["errors"]) or "0"
        ratios = []
        for ref in (hello, render):
            ratios.append(" / ".join(pct(s[c]["rps"] / ref[c]["rps"]) if ref.get(c, {}).get("rps") else "-"
                                     for c in connections))
        cpu = " / ".join(f"{s[c]['cpu_us']:,.0f} µs" for c in connections)
        row += [errors, *ratios, cpu, memory(s)]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GB"
    except (OSError, AttributeError):
        pass
    return f"{len(cores())} cores ({cpu}){memory}, Linux {platform.release()}, Python {platform.python_version()}"


# --- sections -------------------------------------------------------------------------------

def section_main(args, wrk, report: dict, out: list[str]) -> None:
    ensure_site(args.database, args.members, args.reseed)
    site = start_site(args.database, args.workers, args.threads)
    servers = [site]
    try:
        members = sign_in_members(site.base, args.database, args.sessions)
        routes = present_routes()
        targets = build_targets(site, members, routes, args.scenarios)
        home = next((t for t in targets if t.key == "home/handset" and not t.skipped), None)
        size = home.page_bytes if home else 3000
        hello = Target("ref/hello", start_reference("hello", args.workers, args.threads), [])
        render = Target("ref/render", start_reference("render", args.workers, args.threads, size), [])
        servers += [hello.server, render.server]
        for ref in (hello, render):
            ref.requests = [Request("GET", "/", {"User-Agent": HANDSET_UA})]
            ref.check()
        run_rounds([hello, render] + targets, args.connections, args.repeats, args.duration, wrk,
                   lambda t: args.workers)
    finally:
        for server in servers:
            server.stop()
    summaries = [summarize(t) for t in targets]
    hello_s, render_s = summarize(hello), summarize(render)
    report["main"] = {"targets": summaries, "hello": hello_s, "render": render_s}
    out.append(f"### Scenarios ({args.members:,} members, {args.workers} worker(s) x {args.threads} threads,"
               f" {args.repeats} interleaved runs of {args.duration:g} s, medians)")
    out.append("")
    out += main_table(summaries, hello_s, render_s, args.connections)
    out.append("")
    out.append("Ratios are throughput as a share of the reference's, at each connection count; "
               f"`render` is a {render.page_bytes:,}-byte CP932 page (the handset home page's size). "
               + load_note(summaries + [hello_s, render_s]))


def section_workers(args, wrk, report: dict, out: list[str]) -> None:
    ensure_site(args.database, args.members, args.reseed)
    many = max(args.workers, 2)
    servers = {1: start_site(args.database, 1, args.threads), many: start_site(args.database, many, args.threads)}
    try:
        members = sign_in_members(servers[1].base, args.database, args.sessions)
        targets = {n: Target(f"home/handset x{n}", server, [build_home(m, server.base) for m in members["handset"]],
                             "ﾎｰﾑ|ホーム") for n, server in servers.items()}
        for target in targets.values():
            if problem := target.check():
                target.skipped = problem
        c = max(args.connections)
        run_rounds(list(targets.values()), [c], args.repeats, args.duration, wrk,
                   lambda t: 1 if t is targets[1] else many)
    finally:
        for server in servers.values():
            server.stop()
    one, all_ = summarize(targets[1]), summarize(targets[many])
    gain = all_[c]["rps"] / one[c]["rps"] if one.get(c, {}).get("rps") else 0.0
    report["workers"] = {"one": one, "many": all_, "workers": many, "gain": gain, "connections": c}
    cpus = load_cpus(1)
    out.append(f"### Workers (handset home page, {c} connections)")
    out.append("")
    out.append("| workers | req/s | p50 | p99 | peak RSS per worker (private) |")
    out.append("| --- | --- | --- | --- | --- |")
    for n, s in ((1, one), (many, all_)):
        out.append(f"| {n} | {s[c]['rps']:,.0f} | {s[c]['p50_ms']:.1f} ms | {s[c]['p99_ms']:.1f} ms |"
                   f" {memory(s)} |")
    out.append("")
    out.append(f"`--workers {many}` makes {gain:.2f}x the throughput of `--workers 1`"
               + (f" (the load generator pinned to cpu {sorted(cpus)} for one worker). " if cpus else ". ")
               + load_note([one, all_]))


def section_scale(args, wrk, report: dict, out: list[str]) -> None:
    sites: dict[int, Server] = {}
    targets: list[Target] = []
    try:
        for size in args.scale:
            url = scaled_database(args.database, size)
            ensure_site(url, size, args.reseed)
        for size in args.scale:
            url = scaled_database(args.database, size)
            sites[size] = site = start_site(url, args.workers, args.threads)
            members = sign_in_members(site.base, url, args.sessions)
            for name, build in (("home", build_home), ("profile", build_profile)):
                target = Target(f"{name}/{size}", site, [build(m, site.base) for m in members["handset"]])
                if problem := target.check():
                    target.skipped = problem
                targets.append(target)
        run_rounds(targets, args.connections, args.repeats, args.duration, wrk, lambda t: args.workers)
    finally:
        for server in sites.values():
            server.stop()
    summaries = {t.key: summarize(t) for t in targets}
    report["scale"] = summaries
    smallest = min(args.scale)
    out.append(f"### Scale (handset, {args.workers} worker(s); latency relative to {smallest:,} members)")
    out.append("")
    cols = ["scenario", "members"]
    for c in args.connections:
        cols += [f"req/s @{c}", f"p50 @{c}", f"p99 @{c}"]
    cols += ["p50 growth", "peak RSS (private)"]
    out.append("| " + " | ".join(cols) + " |")
    out.append("|" + " --- |" * len(cols))
    c = max(args.connections)
    for name in ("home", "profile"):
        base = summaries.get(f"{name}/{smallest}", {}).get(c, {}).get("p50_ms")
        for size in args.scale:
            s = summaries[f"{name}/{size}"]
            if s["skipped"]:
                out.append(f"| {name} | {size:,} | {s['skipped']} |" + " |" * (len(cols) - 3))
                continue
            row = [name, f"{size:,}"]
            for conn in args.connections:
                row += [f"{s[conn]['rps']:,.0f}", f"{s[conn]['p50_ms']:.1f} ms", f"{s[conn]['p99_ms']:.1f} ms"]
            row += [f"{s[c]['p50_ms'] / base:.2f}x" if base else "-", memory(s)]
            out.append("| " + " | ".join(row) + " |")
    out.append("")
    out.append(load_note(list(summaries.values())))


def verdicts(report: dict, args) -> list[str]:
    """Each target of the issue: the measured value and whether it is met."""
    lines = ["### Targets", "", "| target | measured | met |", "| --- | --- | --- |"]

    def add(what: str, value: str, ok: bool | None) -> None:
        lines.append(f"| {what} | {value} | {'yes' if ok else 'n/a' if ok is None else 'NO'} |")

    c = max(args.connections)
    main = report.get("main")
    if main:
        render = main["render"].get(c, {}).get("rps")
        by_key = {s["key"]: s for s in main["targets"]}
        for name, goal in (("home", TARGETS["home_vs_render"]), ("profile", TARGETS["profile_vs_render"])):
            s = by_key.get(f"{name}/handset")
            if s and not s["skipped"] and render:
                ratio = s[c]["rps"] / render
                add(f"handset {name} >= {pct(goal)} of render-only (@{c})", pct(ratio), ratio >= goal)
        worst = [(s[c]["p99_ms"], s["key"]) for s in main["targets"] if not s["skipped"]]
        if worst:
            p99, key = max(worst)
            add(f"p99 <= {TARGETS['p99_ms']:.0f} ms at {c} connections (worst: {key})", f"{p99:.1f} ms",
                p99 <= TARGETS["p99_ms"])
        live = [s for s in main["targets"] if not s["skipped"]]
        rss = max([s["peak_rss_mb"] for s in live] or [0])
        private = max([s["private_mb"] for s in live] or [0])
        add(f"memory <= {TARGETS['rss_mb']:.0f} MB per process: private (peak RSS with the shared mmap'd database)",
            f"{private:.0f} MB ({rss:.0f} MB)", private <= TARGETS["rss_mb"] if private else None)
        search = by_key.get("search/handset")
        if search and not search["skipped"]:
            add(f"search median <= {TARGETS['search_ms']:.0f} ms", f"{search[min(args.connections)]['p50_ms']:.1f} ms",
                search[min(args.connections)]["p50_ms"] <= TARGETS["search_ms"])
        else:
            add(f"search median <= {TARGETS['search_ms']:.0f} ms", "search not present", None)
    workers = report.get("workers")
    if workers:
        add(f"--workers {workers['workers']} >= {TARGETS['workers_gain']}x --workers 1", f"{workers['gain']:.2f}x",
            workers["gain"] >= TARGETS["workers_gain"])
    scale = report.get("scale")
    if scale and len(args.scale) > 1:
        small, large = min(args.scale), max(args.scale)
        a, b = scale.get(f"home/{small}", {}), scale.get(f"home/{large}", {})
        if a.get(c) and b.get(c):
            growth = b[c]["p50_ms"] / a[c]["p50_ms"]
            add(f"home p50 at {large:,} <= {TARGETS['scale_growth']}x at {small:,} members", f"{growth:.2f}x",
                growth <= TARGETS["scale_growth"])
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--database", help="the site's database URL (default: a SQLite file in bench/data)")
    parser.add_argument("--members", type=int, default=100_000, help="members of the main site (default 100,000)")
    parser.add_argument("--reseed", action="store_true", help="empty and seed a bench database of another size")
    parser.add_argument("--sections", default="main,workers,scale")
    parser.add_argument("--scenarios", default=",".join(s.name for s in SCENARIOS))
    parser.add_argument("--scale", default="10000,100000,1000000", help="site sizes for the scale section")
    parser.add_argument("--workers", type=int, default=len(cores()), help="server workers (default: one per core)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", default="8,32")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each measurement")
    parser.add_argument("--sessions", type=int, default=200, help="members signed in per device")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3,000 members, 2 s runs, once")
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.duration, args.repeats, args.sessions = 3000, 2.0, 1, 20
        if args.scale == parser.get_default("scale"):
            args.scale = "1000,3000"
    args.database = args.database or default_database(args.members)
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    args.connections = [int(c) for c in args.connections.split(",")]
    args.scale = [int(n) for n in args.scale.split(",")]

    wrk = ensure_wrk()
    started = datetime.datetime.now().astimezone()
    report: dict = {"date": started.isoformat(timespec="seconds"), "machine": machine(),
                    "load_generator": "wrk" if wrk else "bench/loadgen.py", "database": args.database.split("@")[-1],
                    "args": {k: v for k, v in vars(args).items() if k != "database"}}
    out = [f"## {started:%Y-%m-%d %H:%M %Z} — {report['machine']}", "",
           f"Database: {'SQLite' if args.database.startswith('sqlite') else 'PostgreSQL'};"
           f" load generator: {report['load_generator']}.", ""]
    sections = {"main": section_main, "workers": section_workers, "scale": section_scale}
    for name in args.sections:
        log(f"== {name}")
        sections[name](args, wrk, report, out)
        out.append("")
    out += verdicts(report, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str))
    print("\n".join(out))
    log(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
