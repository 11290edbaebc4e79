"""Shared by the mail-in tests: the sample carrier mails of tests/data/mail, a real
``run.py mail`` server in a subprocess, and the mails the site wrote back."""
from __future__ import annotations

import dataclasses
import email
import os
import re
import smtplib
import subprocess
import sys
import tempfile
from email import policy
from pathlib import Path

import pytest

from keitai.app import create_app

ROOT = Path(__file__).resolve().parent.parent
MAIL_DATA = Path(__file__).resolve().parent / "data" / "mail"
DOMAIN = "keitai.example"
LINK = re.compile(r"https?://\S+")


def sample(name: str, **fill: str) -> bytes:
    """A sample mail with its ``{to}``, ``{rcpt}``, ``{domain}`` filled in."""
    raw = (MAIL_DATA / name).read_bytes()
    for key, value in {"domain": DOMAIN, **fill}.items():
        raw = raw.replace(b"{" + key.encode() + b"}", value.encode())
    return raw


def mail_settings(settings, **changes):
    # The base URL is where the test client sends its requests (other hosts are refused).
    return dataclasses.replace(settings, mail_domain=DOMAIN, base_url="http://localhost", **changes)


@pytest.fixture
def mail_app(settings, app):
    """The app (database wiped) with the site receiving mail for DOMAIN."""
    return create_app(mail_settings(settings), connect=False)


def sent_mails(settings) -> list[email.message.EmailMessage]:
    """Mails the site wrote to its outbox, oldest first (the queue delivered first, as a
    running site's sender would)."""
    from keitai.platform.mail import queue

    queue.deliver_due()
    folder = Path(settings.outbox_dir)
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths]


def mails_to(settings, address: str) -> list[email.message.EmailMessage]:
    return [m for m in sent_mails(settings) if m["To"] == address]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message) -> str:
    """The path of the (only) link in a mail."""
    from urllib.parse import urlsplit

    links = LINK.findall(text_of(message))
    assert len(links) == 1, text_of(message)
    return urlsplit(links[0]).path


class MailServer:
    """``run.py mail`` as a subprocess on a free port, on the tests' database."""

    def __init__(self, settings, max_bytes: int | None = None):
        env = dict(os.environ)
        env.update({
            "KEITAI_DATABASE_URL": settings.database_url, "KEITAI_SECRET_KEY": settings.secret_key,
            "KEITAI_MAIL_DOMAIN": DOMAIN, "KEITAI_BASE_URL": "http://keitai.example",
            "KEITAI_OUTBOX_DIR": settings.outbox_dir, "KEITAI_MEDIA_DIR": settings.media_dir,
            "KEITAI_ACCESS_LOG": "off",
        })
        from members_helpers import free_port

        command = [sys.executable, str(ROOT / "run.py"), "mail", "--port", str(free_port())]
        if max_bytes:
            command += ["--max-bytes", str(max_bytes)]
        self.log = tempfile.TemporaryFile()  # the server's log lines (a pipe nobody reads could fill)
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()  # printed once the server listens
        if not line.startswith("keitai mail for"):
            self.process.kill()
            self.process.wait()
            self.log.seek(0)
            raise AssertionError(f"run.py mail did not start: {line!r} {self.log.read().decode(errors='replace')}")
        self.port = int(re.search(r":(\d+) ", line)[1])

    def send(self, raw: bytes, to: str, sender: str):
        """Send over SMTP; returns what the server refused ({} when all was accepted)."""
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as smtp:
            return smtp.sendmail(sender, [to], raw)

    def stop(self) -> str:
        """Stop the server; returns its log."""
        self.process.terminate()
        self.process.communicate(timeout=30)
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


def receive_mail(settings, to: str, raw: bytes, database_url: str | None = None, sender: str = ""):
    """``run.py receive-mail --to TO`` with ``raw`` on standard input; returns the process's result."""
    env = dict(os.environ)
    env.update({
        "KEITAI_DATABASE_URL": database_url or settings.database_url, "KEITAI_SECRET_KEY": settings.secret_key,
        "KEITAI_MAIL_DOMAIN": DOMAIN, "KEITAI_BASE_URL": "http://keitai.example",
        "KEITAI_OUTBOX_DIR": settings.outbox_dir, "KEITAI_MEDIA_DIR": settings.media_dir, "KEITAI_ACCESS_LOG": "off",
    })
    return subprocess.run([sys.executable, str(ROOT / "run.py"), "receive-mail", "--to", to, "--from", sender],
                          input=raw, env=env, capture_output=True, timeout=60)
