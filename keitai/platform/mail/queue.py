"""The outgoing queue: :func:`keitai.platform.mail.send` writes a row, a sender delivers it.

No request waits on a mail server: sending is one INSERT.  Senders (a thread in every
``run.py serve`` worker, or ``run.py send-mail``) claim due rows with one UPDATE each, so
two processes never hand the same mail over twice while a claim holds (``LEASE``, longer
than a delivery may take).  A mail the server did not take (no answer, 4xx, connection
refused) is tried again after ``KEITAI_MAIL_RETRY`` seconds, doubled each time up to an
hour; a 5xx answer, or two days of failures, gives it up: the row keeps ``failed_at`` and
the last answer, and the log says so.  Delivered mail is deleted (its links are secrets).
"""
from __future__ import annotations

import contextlib
import logging
import os
import secrets
import smtplib
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from keitai import config
from keitai.platform.db import connection
from keitai.platform.db.connection import execute, fetchall, fetchone, now

log = logging.getLogger("keitai.mail")

#: Longest pause between two tries of one mail.
RETRY_MAX = 3600
#: A mail still not taken this long after it was written is given up.
GIVE_UP = 2 * 86400
#: How long a sender's claim on a row holds: longer than a delivery may take.
LEASE = 900
#: How often an idle sender looks for due mail (new mail in its own process wakes it at once).
POLL = 5.0


@dataclass(frozen=True)
class Queued:
    id: int
    recipient: str
    envelope_from: str
    message: bytes
    created_at: int
    attempts: int
    claim: str


class Permanent(Exception):
    """The server refused the mail for good (5xx)."""


_wake = threading.Event()


def enqueue(recipient: str, envelope_from: str, message: bytes) -> int:
    """Keep one mail for delivery; returns its row id."""
    t = now()
    mail_id = connection.insert_id(
        "INSERT INTO mail_queue (recipient, envelope_from, message, created_at, next_at) VALUES (?, ?, ?, ?, ?)",
        (recipient, envelope_from, message, t, t))
    _wake.set()
    return mail_id


def claim(limit: int = 10, at: int | None = None) -> list[Queued]:
    """Claim up to ``limit`` due mails for this sender: one UPDATE, so of two senders asking
    at once each row goes to one (PostgreSQL re-checks the condition on a row another
    claimed meanwhile; SQLite runs one writer at a time)."""
    t = now() if at is None else at
    token = secrets.token_hex(12)
    due = "failed_at IS NULL AND next_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)"
    if fetchone(f"SELECT 1 FROM mail_queue WHERE {due} LIMIT 1", (t, t)) is None:
        return []   # nothing due: no write (an idle sender polls every few seconds)
    rows = fetchall(
        f"UPDATE mail_queue SET claim = ?, claimed_until = ? WHERE {due} AND id IN"
        f" (SELECT id FROM mail_queue WHERE {due} ORDER BY next_at, id LIMIT ?)"
        " RETURNING id, recipient, envelope_from, message, created_at, attempts, claim",
        (token, t + LEASE, t, t, t, t, limit))
    return sorted((Queued(r[0], r[1], r[2], bytes(r[3]), r[4], r[5], r[6]) for r in rows), key=lambda q: q.id)


def deliver_due(at: int | None = None) -> int:
    """Deliver every mail due at ``at`` (now), in this thread; returns how many went out."""
    delivered = 0
    while batch := claim(at=at):
        for queued in batch:
            delivered += _attempt(queued, at)
    return delivered


def _attempt(queued: Queued, at: int | None) -> int:
    try:
        _hand_over(queued)
    except Permanent as exc:
        _give_up(queued, str(exc))
        return 0
    except (OSError, smtplib.SMTPException) as exc:
        _retry_later(queued, f"{type(exc).__name__}: {exc}", at)
        return 0
    execute("DELETE FROM mail_queue WHERE id = ? AND claim = ?", (queued.id, queued.claim))
    log.info("mail %s sent to %s", queued.id, queued.recipient)
    return 1


def _retry_later(queued: Queued, error: str, at: int | None) -> None:
    t = now() if at is None else at
    attempts = queued.attempts + 1
    if t - queued.created_at >= GIVE_UP:
        _give_up(queued, error)
        return
    pause = min(max(config.get().mail_retry, 1) * 2 ** (attempts - 1), RETRY_MAX)
    execute("UPDATE mail_queue SET attempts = ?, next_at = ?, claim = NULL, claimed_until = NULL, last_error = ?"
            " WHERE id = ? AND claim = ?", (attempts, t + pause, error[:500], queued.id, queued.claim))
    log.warning("mail %s to %s not taken (%s); trying again in %s s", queued.id, queued.recipient, error, pause)


def _give_up(queued: Queued, error: str) -> None:
    execute("UPDATE mail_queue SET attempts = attempts + 1, failed_at = ?, claim = NULL, claimed_until = NULL,"
            " last_error = ? WHERE id = ? AND claim = ?", (now(), error[:500], queued.id, queued.claim))
    log.error("mail %s to %s given up: %s", queued.id, queued.recipient, error)


def _permanent(code: int, text) -> None:
    if 500 <= code < 600:
        raise Permanent(f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}")


def _hand_over(queued: Queued) -> None:
    settings = config.get()
    if not settings.smtp_host:
        _write_outbox(queued, Path(settings.outbox_dir))
        return
    timeout = max(settings.smtp_timeout, 1)
    smtp = smtplib.SMTP(timeout=timeout)
    # smtplib's timeout bounds each read; a server that trickles a byte at a time would hold
    # the sender for ever, so the whole delivery is cut off after four of them.
    cutoff = threading.Timer(4 * timeout, _cut, (smtp,))
    cutoff.daemon = True
    cutoff.start()
    try:
        smtp.connect(settings.smtp_host, settings.smtp_port)
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.ehlo_or_helo_if_needed()
        # Shift_JIS bodies are 8bit: say so where the server can take it (RFC 6152).
        options = ["BODY=8BITMIME"] if not queued.message.isascii() and smtp.has_extn("8bitmime") else []
        try:
            smtp.sendmail(queued.envelope_from, [queued.recipient], queued.message, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            _permanent(code, text)
            raise
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            _permanent(exc.smtp_code, exc.smtp_error)
            raise
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()  # the mail was taken: a lost goodbye changes nothing
    finally:
        cutoff.cancel()
        smtp.close()


def _cut(smtp: smtplib.SMTP) -> None:
    sock = smtp.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _write_outbox(queued: Queued, outbox: Path) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{time.strftime('%Y%m%d-%H%M%S')}-{queued.id:06d}-{secrets.token_hex(4)}.eml"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(queued.message)
    os.replace(tmp, path)
    print(f"mail to {queued.recipient}: {path}", flush=True)


class Sender(threading.Thread):
    """Delivers due mail in the background until stopped (one in each ``serve`` worker)."""

    def __init__(self, poll: float = POLL):
        super().__init__(name="mail-sender", daemon=True)
        self.poll = poll
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                deliver_due()
            except Exception:
                log.exception("mail sender round failed")
            finally:
                connection.db.close()  # this thread's connection; the next round opens a fresh one
            _wake.wait(self.poll)
            _wake.clear()

    def stop(self) -> None:
        self.stopped.set()
        _wake.set()


def start_background(poll: float = POLL) -> Sender:
    sender = Sender(poll)
    sender.start()
    return sender


#: Mail given up on stays this long for the operator (``run.py send-mail --failed``).
KEEP_FAILED_DAYS = 30


def prune() -> int:
    return execute("DELETE FROM mail_queue WHERE failed_at < ?", (now() - KEEP_FAILED_DAYS * 86400,)).rowcount


def failed(limit: int = 50) -> list[tuple]:
    """Mail given up on, newest first: (id, recipient, failed_at, attempts, last_error)."""
    return fetchall("SELECT id, recipient, failed_at, attempts, last_error FROM mail_queue"
                    " WHERE failed_at IS NOT NULL ORDER BY id DESC LIMIT ?", (limit,))
