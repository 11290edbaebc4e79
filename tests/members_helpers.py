"""Helpers for the members tests: reading mail (outbox or a real SMTP server) and links in it."""
from __future__ import annotations

import dataclasses
import email
import re
import socket
import time
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher

from keitai.app import create_app
from keitai.accounts import rules as accounts
from keitai.platform.mail import queue

#: The production hasher (argon2id, 64 MB): what members' passwords really get.
PRODUCTION_HASHER = accounts._hasher

LINK = re.compile(r"https?://\S+/(join|verify)/([A-Za-z0-9_-]+)")


def outbox(settings) -> list[email.message.EmailMessage]:
    """Mails written to the outbox folder, oldest first (the queue delivered first, as a
    ``serve`` worker's sender would)."""
    queue.deliver_due()
    folder = Path(settings.outbox_dir)
    if not folder.exists():
        return []
    messages = []
    for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=policy.default)
        message.raw = raw  # the headers as they went out (the parser unquotes addresses)
        messages.append(message)
    return messages


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_path(message, kind: str) -> str:
    """The path of the /join/ or /verify/ link in a mail."""
    for match in LINK.finditer(body(message)):
        if match.group(1) == kind:
            return urlsplit(match.group(0)).path
    raise AssertionError(f"no /{kind}/ link in: {body(message)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What a real SMTP server on loopback received (aiosmtpd), and the RCPT lines as sent."""

    def __init__(self):
        self.envelopes = []
        self.rcpt_lines: list[str] = []

    def controller(self, port: int):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import SMTP

        inbox = self

        class RecordingSMTP(SMTP):
            async def smtp_RCPT(self, arg):
                inbox.rcpt_lines.append(arg)  # before aiosmtpd parses (and unquotes) it
                return await super().smtp_RCPT(arg)

        class RecordingController(Controller):
            def factory(self):
                return RecordingSMTP(self.handler, **self.SMTP_kwargs)

        return RecordingController(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def wait(self, count: int, timeout: float = 10.0, *, deliver: bool = True):
        """The mails received, once ``count`` have come (the queue delivered first, as a
        ``serve`` worker's sender would). ``deliver=False`` when a real server's own sender
        delivers: this process's settings may send elsewhere (the outbox folder), so a mail it
        claimed would never reach this inbox."""
        if deliver:
            queue.deliver_due()
        deadline = time.monotonic() + timeout
        while len(self.envelopes) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.envelopes) >= count, f"{len(self.envelopes)} mails arrived, expected {count}"
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def smtp(settings, app):
    """A real SMTP server on loopback, and an app whose settings send mail to it."""
    inbox = Inbox()
    port = free_port()
    controller = inbox.controller(port)
    controller.start()
    smtp_app = create_app(dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port), connect=False)
    yield inbox, smtp_app
    controller.stop()


def fill_join(form, nickname="はなこ", mail="hanako@docomo.ne.jp", password="hanako-pass-1",
              birthday=("1995", "5", "5"), real_name=""):
    form["nickname"] = nickname
    form["mail"] = mail
    form["password"] = password
    form["password2"] = password
    form["birth_year"], form["birth_month"], form["birth_day"] = birthday
    form["real_name"] = real_name
    return Submittable(form)


class Submittable:
    """A filled form whose submit() posts in the device's charset (see send)."""

    def __init__(self, form):
        self.form = form

    def __getitem__(self, name):
        return self.form[name]

    def __setitem__(self, name, value):
        self.form[name] = value

    def submit(self):
        return send(self.form)


def send(form, **fields):
    """Fill and submit a form the way the device that got it would: a handset page (Shift_JIS)
    posts its fields in CP932, as real handsets do."""
    for name, value in fields.items():
        form[name] = value
    charset = (form.response.charset or "utf-8").lower()
    if charset in ("shift_jis", "cp932"):
        return form.submit(content_type="application/x-www-form-urlencoded; charset=cp932")
    return form.submit()


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    """Hash with argon2id's cheapest parameters in these tests.

    The real 64 MB cost is the point in production, but these tests create and sign in
    dozens of members; verification reads the parameters from each stored hash, so
    nothing else changes.  (Imported by each members test module.)
    """
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("keitai-dummy-password"))


class DocomoGateway:
    """WSGI wrapper acting as docomo's gateway: the i-mode ID (X-DCMGUID) reaches the site
    only on requests whose URL has guid=ON (any case), as on the real network."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "").lower().split("&")
        if "guid=on" not in query:
            environ.pop("HTTP_X_DCMGUID", None)
        return self.app(environ, start_response)
