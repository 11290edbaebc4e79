"""The site's mailbox: which addresses at ``KEITAI_MAIL_DOMAIN`` exist, and each received
message stored, then handed to the feature that owns its address.

Features register the shapes of their addresses (:func:`register`) from their
``install(app)``: a regular expression the lower-cased local part must match whole, and a
handler.  An address of another domain, or of a shape nobody registered, is unknown (the SMTP
server refuses it at RCPT, ``run.py receive-mail`` exits 67).  An address of a known shape
that names nothing (a renewed secret) is accepted and its mail dropped by the handler: the
sender learns nothing about who had it.

Nothing accepted is lost: :func:`store` writes the message to ``inbound_mail`` and commits
(with a full sync on SQLite) before the server answers 250; :func:`process` then claims the
row, runs the handler and deletes the row in one transaction.  A row whose handler failed, or
whose process died, is handled again by :func:`process_waiting` (``run.py mail`` runs it every
minute, ``run.py receive-mail`` after each message) up to MAX_ATTEMPTS times, then kept as
``failed`` for the operator.  Knows no member.
"""
from __future__ import annotations

import logging
import re
from typing import Callable, NamedTuple

from keitai import config
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, is_sqlite, now
from keitai.platform.mail import inbound

log = logging.getLogger("keitai.mail.inbound")

#: The largest message accepted (the SMTP server's SIZE; handsets sent at most 2-3 MB).
MAX_BYTES = 10 * 1024 * 1024
MAX_ATTEMPTS = 5
#: A claimed row untouched this long belongs to a process that died.
STALE_CLAIM = 10 * 60
#: process_waiting leaves younger rows to the process that stored them.
SETTLE = 60


class Handler(NamedTuple):
    name: str
    pattern: re.Pattern
    handle: Callable[[inbound.Received, re.Match], str]  # returns a word for the log: what became of it


HANDLERS: list[Handler] = []


def register(name: str, pattern: str, handle: Callable[[inbound.Received, re.Match], str]) -> None:
    """Receive mail to local parts matching ``pattern`` (whole, lower case) with ``handle(message,
    match)``.  Registering ``name`` again replaces it; the first matching handler wins."""
    HANDLERS[:] = [h for h in HANDLERS if h.name != name] + [Handler(name, re.compile(pattern), handle)]


def domain() -> str:
    return config.get().mail_domain.strip().lower()


def address(local: str) -> str:
    """``local@KEITAI_MAIL_DOMAIN``, or '' when the site receives no mail."""
    return f"{local}@{domain()}" if domain() else ""


def site_link(path: str) -> str:
    """An absolute link to ``path`` for a reply mail: on ``KEITAI_BASE_URL``, or on the mail
    domain's own web site when that is not set (a mail has no request to take a host from)."""
    base = config.get().base_url.rstrip("/") or f"http://{domain()}"
    return base + path


def route(recipient: str) -> tuple[Handler, re.Match] | None:
    """The handler of ``recipient`` and its match, or None: not our domain, or no such shape."""
    local, at, recipient_domain = recipient.strip().strip("<>").rpartition("@")
    if not at or not domain() or recipient_domain.lower() != domain():
        return None
    for handler in HANDLERS:
        match = handler.pattern.fullmatch(local.lower())
        if match:
            return handler, match
    return None


def is_ours(recipient: str) -> bool:
    """Whether ``recipient`` is at the site's own mail domain (known shape or not)."""
    return bool(domain()) and recipient.strip().strip("<>").rpartition("@")[2].lower() == domain()


# ---- storing and handling -----------------------------------------------------------

def store(recipients: list[str], sender: str, raw: bytes) -> list[int]:
    """Keep the message once per recipient, committed and synced; returns the rows' ids."""
    if is_sqlite():
        execute("PRAGMA synchronous = FULL")  # this connection's commits survive a power cut too
    with db.atomic():
        return [insert_id("INSERT INTO inbound_mail (recipient, sender, raw, received_at) VALUES (?, ?, ?, ?)",
                          (recipient, sender or "", raw, now())) for recipient in recipients]


def handle(recipient: str, raw: bytes) -> str:
    """Run the handler of ``recipient`` on the message; returns what became of it."""
    found = route(recipient)
    if found is None:
        return "no such address"
    handler, match = found
    return f"{handler.name}: {handler.handle(inbound.parse(raw), match)}"


def process(mail_id: int) -> str | None:
    """Handle one stored message if no other process has it; the row goes when it is done.
    Returns what became of it, or None (another process has it, or the handler failed: it
    will be tried again).  Never raises."""
    t = now()
    try:
        claimed = execute(
            "UPDATE inbound_mail SET state = 'working', claimed_at = ?, attempts = attempts + 1"
            " WHERE id = ? AND (state = 'new' OR (state = 'working' AND claimed_at < ?))",
            (t, mail_id, t - STALE_CLAIM),
        ).rowcount
        if not claimed:
            return None
        recipient, raw = fetchone("SELECT recipient, raw FROM inbound_mail WHERE id = ?", (mail_id,))
        with db.atomic():
            outcome = handle(recipient, bytes(raw))
            execute("DELETE FROM inbound_mail WHERE id = ?", (mail_id,))
    except Exception as exc:  # noqa: BLE001 - the message stays stored, to be tried again
        log.exception("mail %s could not be handled", mail_id)
        try:
            row = fetchone("SELECT attempts FROM inbound_mail WHERE id = ?", (mail_id,))
            state = "failed" if row and row[0] >= MAX_ATTEMPTS else "new"
            execute("UPDATE inbound_mail SET state = ?, error = ? WHERE id = ?", (state, repr(exc)[:500], mail_id))
        except Exception:  # noqa: BLE001 - the database itself is away: the row stays claimed, then stale
            log.exception("mail %s: could not record the failure", mail_id)
        return None
    log.info("mail %s: %s", mail_id, outcome)  # not its recipient: a posting address is a secret
    return outcome


def process_waiting(limit: int = 100) -> int:
    """Handle stored messages left behind (a crash, a failed handler); returns how many were done."""
    t = now()
    rows = fetchall(
        "SELECT id FROM inbound_mail WHERE (state = 'new' AND received_at < ?) OR (state = 'working' AND claimed_at < ?)"
        " ORDER BY id LIMIT ?", (t - SETTLE, t - STALE_CLAIM, limit),
    )
    return sum(process(mail_id) is not None for (mail_id,) in rows)


def deliver(recipients: list[str], sender: str, raw: bytes) -> list[str | None]:
    """Store the message for each recipient (raises if it cannot be kept), then handle it."""
    return [process(mail_id) for mail_id in store(recipients, sender, raw)]
