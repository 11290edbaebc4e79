"""Password reset by mail (``/password/forgot``): a member who forgot their password gets a
one-time link at their registered address.

Whether an address is registered is never told: the answer page is the same, and only a
registered, active member's address gets a mail.  The link carries a random token of 128
bits (22 characters, so a handset mail's link stays short); only its SHA-256 is kept.  It
works for :data:`VALID_MINUTES` minutes, once: setting the new password uses it and every
other link of the member, and ends every session of the member.  Asking is limited per
address typed and per client address (ratelimit.py's window).
"""
from __future__ import annotations

import hashlib
import secrets

from keitai import privacy
from keitai import words
from keitai.accounts import ratelimit
from keitai.accounts import rules as accounts
from keitai.platform import mail
from keitai.platform.db.connection import db, execute, fetchone, now
from keitai.platform.web import sessions

VALID_MINUTES = 30
#: Mails asked for one address, and asks from one client address, per window.
PER_MAIL = 3
PER_ADDRESS = 10
PER_GATEWAY_ADDRESS = 200


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def limited(address: str, gateway: bool) -> bool:
    """Has this client asked for too many reset mails lately?"""
    return ratelimit.tries("reset_address", address) >= (PER_GATEWAY_ADDRESS if gateway else PER_ADDRESS)


def ask(typed_mail: str, address: str, link_for) -> None:
    """Someone at client ``address`` asks for a reset link for ``typed_mail``: mail one to the
    member with that address, if there is an active one (``link_for(token)`` makes the link).
    Answers nothing either way."""
    ratelimit.count("reset_address", address)
    typed = accounts.normalize_mail(typed_mail)
    if not typed or ratelimit.tries("reset_mail", typed) >= PER_MAIL:
        return
    ratelimit.count("reset_mail", typed)
    row = fetchone("SELECT id, nickname, mail FROM members WHERE mail = ? AND " + privacy.active_member_sql(),
                   (typed,))
    if row is None:
        return
    member_id, nickname, address_to = row
    token = secrets.token_urlsafe(16)
    t = now()
    execute("INSERT INTO password_resets (member_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (member_id, _hash(token), t, t + VALID_MINUTES * 60))
    mail.send(address_to, words.RESET_MAIL_SUBJECT,
              words.RESET_MAIL_BODY.format(nickname=nickname, link=link_for(token), minutes=VALID_MINUTES))


def member_for(token: str) -> int | None:
    """The active member a reset link is for, while it is unused and unexpired."""
    row = fetchone("SELECT r.member_id FROM password_resets r JOIN members m ON m.id = r.member_id"
                   " WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND "
                   + privacy.active_member_sql("m."), (_hash(token[:64]), now()))
    return None if row is None else row[0]


def use(token: str, password: str) -> int | None:
    """Set the new password with a reset link (once); every session and every other link of
    the member ends.  Returns the member's id, or None when the link no longer works."""
    member_id = member_for(token)
    if member_id is None:
        return None
    t = now()
    with db.atomic():
        taken = execute("UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
                        " AND expires_at > ?", (t, _hash(token[:64]), t)).rowcount
        if taken != 1:  # used meanwhile by another request
            return None
        execute("UPDATE password_resets SET used_at = ? WHERE member_id = ? AND used_at IS NULL", (t, member_id))
        accounts.set_password(member_id, password)
        sessions.end_all(member_id)
    return member_id


def prune() -> int:
    """Delete links that can no longer be used (from ``run.py prune``)."""
    return execute("DELETE FROM password_resets WHERE expires_at <= ? OR used_at IS NOT NULL", (now(),)).rowcount
