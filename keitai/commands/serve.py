"""Serve the site with waitress: one process per core, each pinned to its core, on one port.

The supervisor binds the port once, before any worker starts; each worker is a forked
waitress process that accepts on what it was given.  Where the OS has SO_REUSEPORT
(Linux, the BSDs) each worker slot gets its own listening socket on the port and the
kernel spreads new connections evenly; one shared socket lets whichever worker wakes
first take a whole burst of connections, and with a few keep-alive clients one core
then does all the work.  A restarted worker takes over its slot's socket, so no
connection waiting in it is lost.  On a 2-core machine a single Python process whose threads move
between cores loses most of its speed to the GIL hand-off, and pinned processes are
2-3x faster (ARCHITECTURE.md, measurements).  A supervisor restarts a worker that dies
and stops them all cleanly on SIGTERM or SIGINT (Ctrl-C).

Each worker also runs a mail sender (keitai/platform/mail/queue.py): pages only queue mail.
Mailed links are made on KEITAI_BASE_URL, never on a request's Host header; without it,
mail that really goes out (KEITAI_SMTP_HOST) would link to nowhere, so serve refuses to
start, and mail written to the outbox links to the address serve listens on.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from typing import Callable

from . import settings

NAME = "serve"

#: How long a stopping worker may take to finish the requests it has begun.
DRAIN_SECONDS = 10
#: A worker that dies sooner than this after starting is restarted after a growing pause.
QUICK_DEATH = 1.0


def cores() -> list[int]:
    """The CPUs this process may run on (all of them where the OS cannot tell)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def add_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: %(default)s, this machine only)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=4, metavar="N",
                        help="waitress threads per worker process (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=0, metavar="N",
                        help=f"worker processes, each pinned to a core (default: one per core, {len(cores())} here)")


def run(args) -> int:
    from keitai import config
    from keitai.app import create_app
    from keitai.platform.db import connection as base
    from keitai.platform.db import migrations

    current = settings()
    if not current.base_url and current.smtp_host:
        print("KEITAI_BASE_URL is not set: mail would go out (KEITAI_SMTP_HOST) with links to no site."
              " Set it to the site's public address, e.g. KEITAI_BASE_URL=https://keitai.example.jp",
              file=sys.stderr, flush=True)
        return 2
    create_app(current)  # activates the settings and binds the database
    migrations.migrate(log=None)
    base.db.close()  # workers open their own connections; none may be shared across fork
    workers = args.workers or len(cores())
    sockets = bind(args.host, args.port, workers)
    host, port = sockets[0].getsockname()[:2]
    if not current.base_url:  # mail goes to the outbox only: its links point here
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else (
            f"[{host}]" if ":" in host else host)
        config.listening_at(f"http://{shown}:{port}")
    print(f"keitai on http://{host}:{port}/ (database {current.database_url},"
          f" {workers} worker(s) x {args.threads} threads)", flush=True)
    return serve_workers(lambda: _worker_app(current), sockets, workers=workers, threads=args.threads)


def _worker_app(current):
    """One worker's application, with its mail sender running beside it."""
    from keitai.app import create_app
    from keitai.platform.mail import queue

    app = create_app(current)
    queue.start_background()
    return app


def bind(host: str, port: int, workers: int = 1, backlog: int = 1024) -> list[socket.socket]:
    """Listening sockets on ``host:port`` (port 0: any free port) for ``workers`` workers.

    One per worker with SO_REUSEPORT where the OS has it, else one that all share.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    reuse_port = workers > 1 and hasattr(socket, "SO_REUSEPORT")
    sockets: list[socket.socket] = []
    for _ in range(workers if reuse_port else 1):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        # What waitress sets on the sockets it binds itself (accepted ones inherit it): it
        # sends a response's headers and body as two writes, and with Nagle's algorithm the
        # body waits for the client's delayed ACK of the headers, up to 40 ms on Linux.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, sockets[0].getsockname()[1] if sockets else port))
        sock.listen(backlog)
        sockets.append(sock)
    return sockets


def serve_workers(make_app: Callable, sockets: list[socket.socket], *, workers: int, threads: int = 4,
                  ident: str = "keitai", log: Callable[[str], None] | None = None) -> int:
    """Run ``workers`` waitress processes on ``sockets`` until SIGTERM/SIGINT; returns the exit code.

    Worker slot ``i`` accepts on ``sockets[i % len(sockets)]``.

    ``make_app`` is called in each worker after it has forked, so nothing that holds a
    connection is shared between processes.  Without ``os.fork`` (Windows) the site is
    served in this process.
    """
    log = log or (lambda line: print(line, flush=True))
    if not hasattr(os, "fork"):
        _serve(make_app(), sockets[0], threads, ident)
        return 0
    cpus = cores()
    children: dict[int, int] = {}  # pid -> slot
    started: dict[int, float] = {}  # slot -> when its current process started
    pause: dict[int, float] = {}  # slot -> seconds to wait before the next restart
    stop: list[int] = []

    def on_signal(signum, _frame):
        stop.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}

    def start(slot: int) -> None:
        cpu = cpus[slot % len(cpus)] if cpus else None
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                for s in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(s, signal.SIG_DFL)
                if cpu is not None and hasattr(os, "sched_setaffinity"):
                    os.sched_setaffinity(0, {cpu})
                _serve(make_app(), sockets[slot % len(sockets)], threads, ident)
                code = 0
            except BaseException:  # noqa: BLE001 - a worker must never return into the supervisor
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = slot
        started[slot] = time.monotonic()
        log(f"worker {slot} started: pid {pid}" + (f", cpu {cpu}" if cpu is not None else ""))

    try:
        for slot in range(workers):
            start(slot)
        due: dict[int, float] = {}  # slot -> when to restart it
        while not stop:
            time.sleep(0.2)
            for pid, status in _reap():
                slot = children.pop(pid, None)
                if slot is None or stop:
                    continue
                lived = time.monotonic() - started[slot]
                pause[slot] = min(max(pause.get(slot, 0.5) * 2, 1.0), 30.0) if lived < QUICK_DEATH else 0.0
                log(f"worker {slot} (pid {pid}) died ({_describe(status)}); restarting"
                    + (f" in {pause[slot]:.0f} s" if pause[slot] else ""))
                due[slot] = time.monotonic() + pause[slot]
            for slot, when in list(due.items()):
                if time.monotonic() >= when and not stop:
                    del due[slot]
                    start(slot)
        log("stopping workers")
        _stop_children(children)
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for sock in sockets:
            sock.close()


def _reap() -> list[tuple[int, int]]:
    """(pid, wait status) of every child that has ended, without blocking."""
    ended = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return ended
        if pid == 0:
            return ended
        ended.append((pid, status))


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _stop_children(children: dict[int, int]) -> None:
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + DRAIN_SECONDS + 5
    while children and time.monotonic() < deadline:
        for pid, _status in _reap():
            children.pop(pid, None)
        time.sleep(0.05)
    for pid in children:  # still there after the drain: it is stuck
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _serve(app, sock: socket.socket, threads: int, ident: str) -> None:
    """One waitress server on ``sock`` until SIGTERM/SIGINT, then finish what it has begun."""
    import waitress
    from waitress import wasyncore

    # X-Forwarded-For/-Proto reach the app untouched: keitai.platform.web.forwarded believes them from
    # KEITAI_TRUSTED_PROXIES only (waitress would drop them, or trust one exact address).
    server = waitress.create_server(app, sockets=[sock], threads=threads, ident=ident, asyncore_use_poll=True,
                                    clear_untrusted_proxy_headers=False)
    stopping: list[int] = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, on_signal)
    use_poll, map_ = server.adj.asyncore_use_poll, server._map
    while not stopping:
        wasyncore.loop(timeout=0.5, use_poll=use_poll, map=map_, count=1)
    # Stop accepting; answer the requests already read, then close.
    server.accepting = False
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline and any(
        channel.requests or channel.total_outbufs_len for channel in list(server.active_channels.values())
    ):
        wasyncore.loop(timeout=0.05, use_poll=use_poll, map=map_, count=1)
    server.task_dispatcher.shutdown()
    wasyncore.close_all(map_)
