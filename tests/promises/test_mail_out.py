"""Outgoing mail against the real server (``run.py serve``): a hung mail server blocks no page and
loses no mail (issue 18, item 2), and mailed links never come from the request's Host header
(item 10).  Runs on the database the suite runs on."""
from __future__ import annotations

import http.client
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

from conftest import PASSWORD, PC
from keitai.config import PROJECT_ROOT
from keitai.platform.db.connection import scalar
from members_helpers import Inbox, free_port

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def served(database_url: str, tmp_path: Path, **settings: str):
    """One ``run.py serve`` (one worker) on ``database_url``; yields (port, process)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("KEITAI_")}
    env.update(KEITAI_DATABASE_URL=database_url, KEITAI_SECRET_KEY="mail-out", KEITAI_ACCESS_LOG="off",
               KEITAI_MEDIA_DIR=str(tmp_path / "media"), KEITAI_OUTBOX_DIR=str(tmp_path / "outbox"),
               PYTHONUNBUFFERED="1", **settings)
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    process = subprocess.Popen([sys.executable, "run.py", "serve", "--port", str(port), "--workers", "1"],
                               cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text(errors="replace")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "run.py serve did not start"
                time.sleep(0.1)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class Browser:
    """A PC browser that sends the Host header it is told to (a forger's, or the real one)."""

    def __init__(self, port: int, host: str | None = None):
        self.port, self.host = port, host or f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}  # the session's, and the signed-out visitor's (pre)

    def request(self, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Host": self.host, "User-Agent": PC}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request("POST" if form is not None else "GET", path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.split(";", 1)[0].partition("=")
                self.cookies[key] = rest
        connection.close()
        return response.status, dict(response.getheaders()), text

    def post_form(self, path: str, **fields) -> tuple[int, dict, str]:
        _, _, page = self.request(path)
        return self.request(path, {"csrf": CSRF.search(page).group(1), **fields})

    def sign_in(self, mail: str) -> None:
        status, _, _ = self.post_form("/login", next="/", mail=mail, password=PASSWORD)
        assert status == 303


def outbox_text(folder: Path, count: int) -> list[str]:
    """The first ``count`` mails the server's sender writes to its outbox."""
    deadline = time.monotonic() + 30
    while len(files := sorted(folder.glob("*.eml"))) < count:
        assert time.monotonic() < deadline, f"{len(files)} mails written, expected {count}"
        time.sleep(0.05)
    return [f.read_bytes().decode("ascii", "replace") for f in files]


# --- issue 18, item 10: Host header poisoning of mailed links -----------------------------

def test_a_forged_host_header_never_reaches_a_mailed_link(app, make_member, migrated, tmp_path):
    make_member("さくら", "sakura@docomo.ne.jp")
    with served(migrated, tmp_path) as (port, _process):
        forger = Browser(port, host="evil.example")
        forger.sign_in("sakura@docomo.ne.jp")
        status, _, _ = forger.post_form("/invite", mail="taro@docomo.ne.jp", message="")
        assert status == 303
        status, _, _ = Browser(port, host="evil.example").post_form("/password/forgot", mail="sakura@docomo.ne.jp")
        assert status == 200
        mails = outbox_text(tmp_path / "outbox", 2)
    links = [link for text in mails for link in re.findall(r"https?://[^\s/]+/", text)]
    assert len(links) == 2 and "evil.example" not in "".join(mails)
    # Without KEITAI_BASE_URL and with mail to the outbox, links point where serve listens.
    assert set(links) == {f"http://127.0.0.1:{port}/"}


def test_with_a_base_url_other_hosts_are_refused_and_mailed_links_are_on_it(app, make_member, migrated, tmp_path):
    make_member("さくら", "sakura@docomo.ne.jp")
    with served(migrated, tmp_path, KEITAI_BASE_URL="https://keitai.example.jp") as (port, _process):
        status, _, page = Browser(port, host="evil.example").request("/password/forgot")
        assert status == 400 and "このアドレスでは keitai を表示できません" in page
        status, _, _ = Browser(port, host="keitai.example.jp").post_form("/password/forgot", mail="sakura@docomo.ne.jp")
        assert status == 200
        [text] = outbox_text(tmp_path / "outbox", 1)
    assert re.findall(r"https?://[^\s/]+/", text) == ["https://keitai.example.jp/"]


def test_serve_refuses_to_send_real_mail_without_a_base_url(migrated, tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("KEITAI_")}
    env.update(KEITAI_DATABASE_URL=migrated, KEITAI_SECRET_KEY="mail-out", KEITAI_SMTP_HOST="127.0.0.1")
    done = subprocess.run([sys.executable, "run.py", "serve", "--port", str(free_port())], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "KEITAI_BASE_URL is not set" in done.stderr


# --- issue 18, item 2: a hung mail server -------------------------------------------------

class Silent:
    """An SMTP server that accepts connections and never says a word."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(10)
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.accepted = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        try:
            while True:
                conn, _ = self.listener.accept()
                self.held.append(conn)
                self.accepted.set()
        except OSError:
            return

    def still_holding(self) -> bool:
        """Every connection it took is open, its client waiting for the greeting it never sent."""
        return bool(self.held) and not select.select(self.held, [], [], 0)[0]

    def close(self):
        try:  # wakes the accept() blocked in the other thread; closing alone would leave it listening
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for conn in self.held:
            conn.close()


def test_a_hung_mail_server_blocks_no_page_and_loses_no_mail(app, make_member, migrated, tmp_path):
    make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@docomo.ne.jp")
    silent = Silent()
    with served(migrated, tmp_path, KEITAI_SMTP_HOST="127.0.0.1", KEITAI_SMTP_PORT=str(silent.port),
                KEITAI_BASE_URL="https://keitai.example.jp", KEITAI_MAIL_RETRY="1") as (port, _process):
        sakura = Browser(port, host="keitai.example.jp")
        sakura.sign_in("sakura@docomo.ne.jp")
        status, headers, _ = sakura.post_form("/invite", mail="hanako@docomo.ne.jp", message="")
        assert status == 303 and "/invite" in headers["Location"]
        assert silent.accepted.wait(30)              # the sender is now waiting on the hung server
        # Meanwhile pages that send mail, and pages that do not, answer as usual.
        visitor = Browser(port, host="keitai.example.jp")
        status, _, answer = visitor.post_form("/password/forgot", mail="taro@docomo.ne.jp")
        assert status == 200 and "登録されていれば" in answer
        status, _, login = visitor.request("/login")
        assert status == 200 and 'name="password"' in login
        assert silent.still_holding()               # all of it while the mail server still hung
        assert scalar("SELECT COUNT(*) FROM mail_queue WHERE failed_at IS NULL") == 2

        # The mail server recovers on the same port: both mails arrive, each once.
        silent.close()
        inbox = Inbox()
        controller = inbox.controller(silent.port)
        controller.start()
        try:
            deadline = time.monotonic() + 60
            while len(inbox.envelopes) < 2 or scalar("SELECT COUNT(*) FROM mail_queue") > 0:
                assert time.monotonic() < deadline, f"{len(inbox.envelopes)} of 2 mails arrived"
                time.sleep(0.1)
        finally:
            controller.stop()
    assert sorted(e.rcpt_tos[0] for e in inbox.envelopes) == ["hanako@docomo.ne.jp", "taro@docomo.ne.jp"]
