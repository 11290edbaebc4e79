"""Database-backed sessions, carried by cookie or by ``sid`` in every URL.

Only a SHA-256 of each session id is stored.  A session is bound to the carrier
(and, where one was sent, the subscriber id; and whether it came through the
carrier's gateway) it began on, so a sid copied out of a handset's URL into
another phone or a PC opens nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import NamedTuple

import peewee

from keitai.platform.db.connection import execute, fetchone, now

log = logging.getLogger("keitai.sessions")

#: last_seen is written at most this often, so most requests make no write.
TOUCH_EVERY = 60
#: members.last_login_at (the profile's 最終ログイン, shown no finer than hours) is moved
#: forward at most this often per member, whatever the number of sessions or processes.
LAST_LOGIN_EVERY = 600


class Viewer(NamedTuple):
    """The signed-in member, as every request sees them."""

    id: int
    nickname: str
    is_admin: bool


class SessionInfo(NamedTuple):
    sid: str
    viewer: Viewer
    handset: bool


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode("ascii", "replace")).hexdigest()


def _same_device(stored: str, current: str) -> bool:
    carrier, _, subscriber = stored.partition(":")
    now_carrier, _, now_subscriber = current.partition(":")
    if carrier != now_carrier:
        return False
    # docomo sends its id only on guid=ON URLs: a missing id is no evidence of
    # another handset, a different one is.
    return not (subscriber and now_subscriber) or hmac.compare_digest(subscriber, now_subscriber)


def device_key(device, secret: str) -> str:
    """``carrier:keyed-hash-of-subscriber`` (or ``web:``) for binding a session.

    A session begun through the carrier's gateway is marked ``@gw``: a real handset
    always comes that way, so its sid replayed from elsewhere with the same user agent
    (where no subscriber id can be checked) opens nothing.
    """
    carrier = device.carrier if device.is_handset and device.carrier else "web"
    if carrier != "web" and device.from_gateway:
        carrier += "@gw"
    subscriber = ""
    if device.subscriber_id:
        subscriber = hmac.new(secret.encode(), device.subscriber_id.encode(), "sha256").hexdigest()[:32]
    return f"{carrier}:{subscriber}"


def start(member_id: int, device, settings) -> str:
    """Begin a session for a member who has just proved who they are; return its id."""
    sid = secrets.token_urlsafe(24)
    handset = not device.cookies
    idle = settings.handset_session_idle if handset else settings.session_idle
    absolute = settings.handset_session_absolute if handset else settings.session_absolute
    t = now()
    execute(
        "INSERT INTO sessions (id, member_id, device_key, handset, created_at, last_seen, expires_at, idle_seconds)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (_hash(sid), member_id, device_key(device, settings.secret_key), handset, t, t, t + absolute, idle),
    )
    execute("UPDATE members SET last_login_at = ? WHERE id = ?", (t, member_id))
    return sid


_LOAD = (
    "SELECT s.device_key, s.last_seen, s.expires_at, s.idle_seconds, s.handset,"
    " m.id, m.nickname, m.is_admin, m.status, m.last_login_at"
    " FROM sessions s JOIN members m ON m.id = s.member_id WHERE s.id = ?"
)


def load(sid: str, device, settings) -> SessionInfo | None:
    """The live session with this id for this device, or None (expired ones are deleted)."""
    if not sid or len(sid) > 64:
        return None
    key = _hash(sid)
    row = fetchone(_LOAD, (key,))
    if row is None:
        return None
    stored_key, last_seen, expires_at, idle, handset, member_id, nickname, is_admin, status, last_login = row
    t = now()
    if t >= expires_at or t - last_seen >= idle or status != "active":
        execute("DELETE FROM sessions WHERE id = ?", (key,))
        return None
    if not _same_device(stored_key, device_key(device, settings.secret_key)):
        return None
    if t - last_seen >= TOUCH_EVERY:
        execute("UPDATE sessions SET last_seen = ? WHERE id = ?", (t, key))
    if last_login is None or t - last_login >= LAST_LOGIN_EVERY:
        _touch_last_login(member_id, t)
    return SessionInfo(sid, Viewer(member_id, nickname, bool(is_admin)), bool(handset))


def _touch_last_login(member_id: int, t: int) -> None:
    """Best effort: a busy database costs the member a stale 最終ログイン, never the page.

    The condition makes the write once per LAST_LOGIN_EVERY even when several processes
    serve the same member at once: the later ones change no row."""
    try:
        execute("UPDATE members SET last_login_at = ? WHERE id = ? AND (last_login_at IS NULL OR last_login_at <= ?)",
                (t, member_id, t - LAST_LOGIN_EVERY))
    except peewee.OperationalError as exc:
        log.warning("last login of member %s not written: %s", member_id, exc)


def end(sid: str) -> None:
    execute("DELETE FROM sessions WHERE id = ?", (_hash(sid),))


def end_all(member_id: int) -> None:
    """Sign a member out everywhere (password change, suspension)."""
    execute("DELETE FROM sessions WHERE member_id = ?", (member_id,))


def prune() -> int:
    """Delete sessions past their absolute expiry; returns how many."""
    return execute("DELETE FROM sessions WHERE expires_at <= ?", (now(),)).rowcount


def csrf_token(secret: str, sid: str | None, at: int | None = None) -> str:
    """A token for forms: tied to the session, or signed with a time for visitors."""
    if sid:
        return hmac.new(secret.encode(), b"csrf|" + sid.encode(), "sha256").hexdigest()[:32]
    at = now() if at is None else at
    mac = hmac.new(secret.encode(), f"anon|{at}".encode(), "sha256").hexdigest()[:24]
    return f"a{at}.{mac}"


#: A visitor's form (sign-in, sign-up) stays valid this long.
ANON_CSRF_SECONDS = 6 * 3600


def csrf_ok(secret: str, sid: str | None, token: str) -> bool:
    if not token:
        return False
    if sid:
        return hmac.compare_digest(token, csrf_token(secret, sid))
    if not token.startswith("a") or "." not in token:
        return False
    at_text = token[1:].partition(".")[0]
    if not at_text.isdecimal() or now() - int(at_text) > ANON_CSRF_SECONDS:
        return False
    return hmac.compare_digest(token, csrf_token(secret, None, int(at_text)))
