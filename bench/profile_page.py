#!/usr/bin/env python3
"""Profile one page in-process, as a signed-in member, with pyinstrument (or cProfile).

    python bench/profile_page.py /                  # the handset home page on bench/data/site-100000
    python bench/profile_page.py /member/{friend} --device pc --requests 2000
    python bench/profile_page.py / --database postgresql://postgres@127.0.0.1:5432/bench_keitai

``{friend}`` in the path becomes a friend of the member signed in.  Prints the time
per request and the profile (pyinstrument if installed, else cProfile's top entries).
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import DEVICES, SECRET, default_database, pick_members  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--device", choices=tuple(DEVICES), default="handset")
    parser.add_argument("--database", default=None)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--cprofile", action="store_true", help="use cProfile even if pyinstrument is there")
    args = parser.parse_args()
    url = args.database or default_database(args.members)

    from keitai import config
    from keitai.platform import device
    from keitai.app import create_app
    from keitai.platform.web import sessions

    member_id, _mail, friend = pick_members(url, 1)[0]
    settings = config.Settings.from_env({}, database_url=url, secret_key=SECRET)
    app = create_app(settings)
    environ_base = {"HTTP_USER_AGENT": DEVICES[args.device], "REMOTE_ADDR": "127.0.0.1"}
    sid = sessions.start(member_id, device.detect(dict(environ_base)), settings)
    path = args.path.replace("{friend}", str(friend)).replace("{me}", str(member_id))
    target, _, query = path.partition("?")
    if args.device == "handset":
        query = (query + "&" if query else "") + "sid=" + sid
    else:
        environ_base["HTTP_COOKIE"] = f"sid={sid}"

    def call() -> None:
        environ = dict(environ_base, REQUEST_METHOD="GET", PATH_INFO=target, QUERY_STRING=query,
                       SERVER_NAME="127.0.0.1", SERVER_PORT="80", SERVER_PROTOCOL="HTTP/1.1",
                       **{"wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr})
        status = []
        b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")

    for _ in range(50):
        call()
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.requests):
        call()
    per = (time.perf_counter() - began) / args.requests
    per_cpu = (time.process_time() - cpu) / args.requests
    # CPU time is the steadier number on a machine other work shares.
    print(f"{path} as {args.device} member {member_id}: {per_cpu * 1e6:.0f} µs CPU"
          f" ({per * 1e6:.0f} µs wall) per request unprofiled")

    try:
        if args.cprofile:
            raise ImportError
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            call()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return 0
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(args.requests):
        call()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
