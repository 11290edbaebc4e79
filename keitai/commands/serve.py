"""Serve the site with waitress: one process per core, each pinned to its core, on one port.

The supervisor binds the port once, before any worker starts; each worker is a forked
waitress process that accepts on what it was given.  Where the OS has SO_REUSEPORT
(Linux, the BSDs) each worker slot gets its own listening socket on the port and the
kernel spreads new connections evenly; one shared socket lets whichever worker wakes
first take a whole burst of connections, and with a few keep-alive clients one core
then does all the work.  While a slot has no worker serving it (its worker died and
waits to be restarted, or has not started yet) the living workers accept on its socket
too, so no connection the kernel queued there waits for the restart.  A port another
``serve`` already listens on is refused (SO_REUSEPORT would otherwise let two versions
of the site answer on one port).  On a 2-core machine a single Python process whose
threads move between cores loses most of its speed to the GIL hand-off, and pinned
processes are 2-3x faster (ARCHITECTURE.md, measurements).  A supervisor restarts a
worker that dies and stops them all cleanly on SIGTERM or SIGINT (Ctrl-C); a worker
whose supervisor is gone (killed with SIGKILL, say) finishes what it has begun and
exits.  Limits on slow clients and large bodies: keitai/platform/web/server.py.

Each worker also runs a mail sender (keitai/platform/mail/queue.py): pages only queue mail.
Mailed links are made on KEITAI_BASE_URL, never on a request's Host header; without it,
mail that really goes out (KEITAI_SMTP_HOST) would link to nowhere, so serve refuses to
start, and mail written to the outbox links to the address serve listens on.
"""
from __future__ import annotations

import errno
import mmap
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
    try:
        sockets = bind(args.host, args.port, workers)
    except OSError as exc:
        print(f"serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
              + (" (another run.py serve?)" if exc.errno == errno.EADDRINUSE else ""), file=sys.stderr)
        return 1
    limit = connection_limit(current.connection_limit)
    host, port = sockets[0].getsockname()[:2]
    if not current.base_url:  # mail goes to the outbox only: its links point here
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else (
            f"[{host}]" if ":" in host else host)
        config.listening_at(f"http://{shown}:{port}")
    print(f"keitai on http://{host}:{port}/ (database {current.database_url},"
          f" {workers} worker(s) x {args.threads} threads, up to {limit} connections each)", flush=True)
    return serve_workers(lambda: _worker_app(current), sockets, workers=workers, threads=args.threads,
                         connection_limit=limit, client_timeout=current.client_timeout)


def _worker_app(current):
    """One worker's application, with its mail sender running beside it."""
    from keitai.app import create_app
    from keitai.platform.mail import queue

    app = create_app(current)
    queue.start_background()
    return app


def connection_limit(wanted: int) -> int:
    """``wanted``, or fewer if the open-files limit cannot be raised to hold them.

    A connection takes a file descriptor, and up to two more while a large request or
    response spills into a temporary file; the rest is room for the database and logs.
    """
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 2 * wanted + 100
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        soft = raised
    return wanted if soft == resource.RLIM_INFINITY else max(10, min(wanted, (soft - 100) // 2))


def bind(host: str, port: int, workers: int = 1, backlog: int = 1024) -> list[socket.socket]:
    """Listening sockets on ``host:port`` (port 0: any free port) for ``workers`` workers.

    One per worker with SO_REUSEPORT where the OS has it, else one that all share.  A port
    something already listens on is refused (OSError EADDRINUSE), SO_REUSEPORT or not.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    reuse_port = workers > 1 and hasattr(socket, "SO_REUSEPORT")
    if reuse_port and port:
        # Sockets with SO_REUSEPORT share a port with any other such socket of this user: an
        # old serve's workers and a new one's would take turns answering.  A plain bind
        # (SO_REUSEADDR passes connections left in TIME_WAIT, not a listener) refuses that.
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    sockets: list[socket.socket] = []
    try:
        for _ in range(workers if reuse_port else 1):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if reuse_port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            # What waitress sets on the sockets it binds itself (accepted ones inherit it): it
            # sends a response's headers and body as two writes, and with Nagle's algorithm the
            # body waits for the client's delayed ACK of the headers, up to 40 ms on Linux.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind((host, sockets[0].getsockname()[1] if len(sockets) > 1 else port))
            sock.listen(backlog)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def serve_workers(make_app: Callable, sockets: list[socket.socket], *, workers: int, threads: int = 4,
                  ident: str = "keitai", log: Callable[[str], None] | None = None,
                  connection_limit: int = 1000, client_timeout: int = 30) -> int:
    """Run ``workers`` waitress processes on ``sockets`` until SIGTERM/SIGINT; returns the exit code.

    Worker slot ``i`` accepts on ``sockets[i % len(sockets)]``, and on any other slot's socket
    while no worker serves that slot.

    ``make_app`` is called in each worker after it has forked, so nothing that holds a
    connection is shared between processes.  Without ``os.fork`` (Windows) the site is
    served in this process.
    """
    log = log or (lambda line: print(line, flush=True))
    limits = dict(threads=threads, ident=ident, connection_limit=connection_limit, client_timeout=client_timeout)
    if not hasattr(os, "fork"):
        _serve(make_app(), sockets, 0, None, None, limits)
        return 0
    cpus = cores()
    supervisor = os.getpid()
    # One byte per socket, shared with every worker: 1 while a worker serves that slot.  The
    # worker sets it once it accepts; the supervisor clears it when the worker has died.
    serving = mmap.mmap(-1, len(sockets)) if len(sockets) > 1 else None
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
                _serve(make_app(), sockets, slot % len(sockets), serving, supervisor, limits)
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
                if serving is not None:
                    serving[slot % len(sockets)] = 0  # the others take its socket until it is back
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


def _serve(app, sockets: list[socket.socket], slot: int, serving, supervisor: int | None, limits: dict) -> None:
    """Serve ``sockets[slot]`` (and any other slot's socket no worker serves, by ``serving``) until
    SIGTERM/SIGINT or the supervisor's death, then finish what has begun."""
    from waitress import wasyncore

    from keitai.platform.web import server

    servers = server.servers(app, sockets if serving is not None else [sockets[slot]], **limits)
    own = servers[slot] if serving is not None else servers[0]
    stopping: list[object] = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, on_signal)
    map_ = own._map

    def adopt() -> None:
        """Accept on the sockets of slots no worker serves; leave the others to their own."""
        for other, srv in enumerate(servers):
            if srv is not own:
                srv.accepting = not serving[other]

    if serving is not None:
        serving[slot] = 1
        adopt()
    while not stopping:
        wasyncore.loop(timeout=0.5, use_poll=True, map=map_, count=1)
        if supervisor is not None and os.getppid() != supervisor:
            print(f"worker {slot} (pid {os.getpid()}): the supervisor is gone; stopping", file=sys.stderr, flush=True)
            break
        if serving is not None:
            adopt()
    # Stop accepting; answer the requests already read, then close.
    for srv in servers:
        srv.accepting = False
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline and any(
        channel.requests or channel.total_outbufs_len
        for srv in servers for channel in list(srv.active_channels.values())
    ):
        wasyncore.loop(timeout=0.05, use_poll=True, map=map_, count=1)
    own.task_dispatcher.shutdown()
    wasyncore.close_all(map_)
