"""``run.py serve --workers 2``: one socket, pinned workers, a dead worker replaced, a clean stop."""
from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")


class Served:
    """``run.py serve`` in a subprocess, its output lines read as they come."""

    def __init__(self, tmp_path: Path, *args: str):
        env = dict(os.environ, KEITAI_DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
                   KEITAI_SECRET_KEY="serve-test", KEITAI_OUTBOX_DIR=str(tmp_path / "outbox"),
                   PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "run.py", "serve", "--port", "0", *args], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r} in {seen}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def fetch(url: str, timeout: float = 10) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8")


def test_workers_share_one_socket_are_replaced_when_killed_and_stop_cleanly(tmp_path):
    served = Served(tmp_path, "--workers", "2", "--threads", "2")
    try:
        port = int(served.wait_for(r"keitai on http://127\.0\.0\.1:(\d+)/").group(1))
        pids = {int(served.wait_for(r"worker \d started: pid (\d+)").group(1)) for _ in range(2)}
        assert len(pids) == 2
        base = f"http://127.0.0.1:{port}"

        for _ in range(6):
            status, body = fetch(base + "/")
            assert status == 200 and "ログイン" in body

        victim = min(pids)
        os.kill(victim, signal.SIGKILL)
        served.wait_for(rf"pid {victim}\) died \(signal 9\); restarting")
        replacement = int(served.wait_for(r"worker \d started: pid (\d+)").group(1))
        assert replacement not in pids
        for _ in range(6):
            assert fetch(base + "/")[0] == 200

        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(20) == 0
        served.wait_for("stopping workers")
        for pid in (pids - {victim}) | {replacement}:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        with pytest.raises(OSError):
            fetch(base + "/", timeout=2)
    finally:
        served.stop()


def test_each_worker_is_pinned_to_its_own_core(tmp_path):
    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        if os.environ.get("CI"):  # CI's machines have two cores: a skip there would hide a broken promise
            pytest.fail("needs two cores and CPU affinity")
        pytest.skip("needs two cores and CPU affinity")
    served = Served(tmp_path, "--workers", "2", "--threads", "1")
    try:
        served.wait_for("keitai on")
        cpus = []
        for _ in range(2):
            match = served.wait_for(r"worker \d started: pid (\d+), cpu (\d+)")
            pid, cpu = int(match.group(1)), int(match.group(2))
            deadline = time.monotonic() + 5
            while os.sched_getaffinity(pid) != {cpu} and time.monotonic() < deadline:
                time.sleep(0.05)
            assert os.sched_getaffinity(pid) == {cpu}
            cpus.append(cpu)
        assert len(set(cpus)) == 2
        served.process.send_signal(signal.SIGINT)
        assert served.process.wait(20) == 0
    finally:
        served.stop()


def test_listening_sockets_send_small_writes_at_once():
    """waitress writes a response's headers and body separately: without TCP_NODELAY the
    body waited for the client's delayed ACK (40 ms on Linux) on sockets keitai binds itself."""
    import socket

    from keitai.commands import serve

    for workers in (1, 2):
        sockets = serve.bind("127.0.0.1", 0, workers)
        try:
            for sock in sockets:
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
            if len(sockets) == 1:  # with SO_REUSEPORT the kernel picks which socket accepts
                client = socket.create_connection(sockets[0].getsockname())
                sockets[0].settimeout(10)
                accepted, _ = sockets[0].accept()
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1  # inherited
                accepted.close()
                client.close()
        finally:
            for sock in sockets:
                sock.close()
