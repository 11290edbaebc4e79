#!/usr/bin/env python3
"""CPU per request of bench/run.py's scenarios, in-process, cycling through many members.

    python bench/profile_scenarios.py                                   # 10,000-member SQLite site
    python bench/profile_scenarios.py --scenarios home,comment --devices handset --rounds 20
    python bench/profile_scenarios.py --database postgresql://postgres@127.0.0.1:5432/bench_keitai
    python bench/profile_scenarios.py --scenarios profile --profile    # cProfile's top entries too

The requests are the ones the benchmark sends (run.py's scenario builders browse as each
member, here through the WSGI app instead of a socket), one per member, and every round
sends each member's request once, as wrk cycles through its request file.  It prints, per
scenario: CPU µs per request (process time, which other work on the machine moves far less
than wall time), SQL statements per request and Python calls per request (cProfile's count,
which load does not move at all).  Comments posted by the comment scenario stay in the
database, as they do in a benchmark run.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None)
    parser.add_argument("--members", type=int, default=10_000, help="which seeded site (bench/data)")
    parser.add_argument("--sessions", type=int, default=200, help="members per device")
    parser.add_argument("--scenarios", default="home,profile,diary,comment")
    parser.add_argument("--devices", default="handset,pc")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top entries per scenario")
    parser.add_argument("--access-log", default="off", help="where access lines go, as KEITAI_ACCESS_LOG says"
                        " (run.py serve writes them to stderr by default); off by default")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request per scenario")
    args = parser.parse_args()
    url = args.database or run.default_database(args.members)

    from keitai import config
    from keitai.app import create_app
    from keitai.platform import device
    from keitai.platform.db import connection
    from keitai.platform.web import sessions

    from keitai.platform.web import accesslog

    settings = config.Settings.from_env({}, database_url=url, secret_key=run.SECRET)
    settings = settings.__class__(**{**settings.__dict__, "access_log": args.access_log})
    accesslog.configure(settings)
    app = create_app(settings)

    def call(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, list, bytes]:
        target, _, query = path.partition("?")
        environ = {"REQUEST_METHOD": method, "PATH_INFO": target, "QUERY_STRING": query,
                   "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                   "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
                   "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body))}
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
        status = []
        page = b"".join(app(environ, lambda s, h, e=None: status.append((s, h))))
        return int(status[0][0][:3]), status[0][1], page

    run.fetch = lambda base, method, path, headers, body=None: call(method, path, headers, body or b"")

    rows = run.pick_members(url, args.sessions * 2)
    devices = [d.strip() for d in args.devices.split(",") if d.strip()]
    members = {"handset": [run.Member(i, m, f, "handset") for i, m, f in rows[0::2]],
               "pc": [run.Member(i, m, f, "pc") for i, m, f in rows[1::2]]}
    connection.connect(url)
    for kind in devices:
        seen_as = device.detect({"HTTP_USER_AGENT": run.DEVICES[kind], "REMOTE_ADDR": "127.0.0.1"})
        for member in members[kind]:
            member.sid = sessions.start(member.id, seen_as, settings)
    connection.db.close()

    statements = [0]
    vm_steps = [0]  # SQLite virtual machine instructions, in hundreds: what a statement costs, whatever the load
    hooked: set[int] = set()

    def step() -> int:
        vm_steps[0] += 1
        return 0
    shown: list[str] = []
    steps: dict[str, int] = {}  # SQLite VM steps (hundreds) per statement, this scenario
    last: list = [None, 0]
    spent: dict[str, float] = {}  # wall time in execute (the first step) per statement, this scenario
    for database in {connection.db.obj}:
        original = database.execute_sql

        def counted(sql, params=None, *a, _original=original, **k):
            statements[0] += 1
            if last[0] is not None:  # VM steps since the last statement began are the last one's
                steps[last[0]] = steps.get(last[0], 0) + vm_steps[0] - last[1]
            if connection.is_sqlite() and id(connection.db.connection()) not in hooked:
                hooked.add(id(connection.db.connection()))
                connection.db.connection().set_progress_handler(step, 100)
            began = time.perf_counter()
            try:
                return _original(sql, params, *a, **k)
            finally:
                took = time.perf_counter() - began
                key = " ".join(str(sql).split())[:150]
                last[:] = [key, vm_steps[0]]
                shown.append(key)
                spent[key] = spent.get(key, 0.0) + took

        database.execute_sql = counted

    wanted = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    print(f"{url}: {args.sessions} members per device, {args.rounds} rounds")
    for scenario in run.SCENARIOS:
        if scenario.name not in wanted:
            continue
        for kind in devices:
            requests = [r for r in (scenario.build(m, "http://in-process") for m in members[kind]) if r]
            if not requests:
                print(f"{scenario.name}/{kind}: nothing to visit")
                continue

            def one_round() -> None:
                for r in requests:
                    code, _headers, _page = call(r.method, r.path, r.headers, r.body)
                    if code not in (200, 303):
                        raise SystemExit(f"{scenario.name}/{kind} {r.method} {r.path}: {code}")

            one_round()  # warm-up
            statements[0] = vm_steps[0] = 0
            spent.clear()
            steps.clear()
            last[:] = [None, 0]
            began, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.rounds):
                one_round()
            count = len(requests) * args.rounds
            per_cpu, per_wall = (time.process_time() - cpu) / count, (time.perf_counter() - began) / count
            per_sql = statements[0] / count
            per_vm = vm_steps[0] * 100 / count
            profiler = cProfile.Profile()
            steps_before = vm_steps[0]
            profiler.enable()
            one_round()
            profiler.disable()
            stats = pstats.Stats(profiler)
            # less the progress handler's own calls (one per hundred VM steps)
            calls = (stats.total_calls - (vm_steps[0] - steps_before)) / len(requests)
            print(f"{scenario.name}/{kind}: {per_cpu * 1e6:,.0f} µs CPU ({per_wall * 1e6:,.0f} µs wall),"
                  f" {per_sql:.1f} statements ({per_vm:,.0f} SQLite VM steps), {calls:,.0f} Python calls per request ({len(requests)} members)",
                  flush=True)
            if args.sql:
                for key, took in sorted(spent.items(), key=lambda kv: -steps.get(kv[0], 0))[:12]:
                    print(f"  {steps.get(key, 0) * 100 / count:7,.0f} VM steps {took / count * 1e6:7.0f} µs  {key}")
                shown.clear()
                call(requests[0].method, requests[0].path, requests[0].headers, requests[0].body)
                print("\n".join("    " + line for line in shown))
            if args.profile:
                stats.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
