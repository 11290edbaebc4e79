"""Sign-in rate limits, counted in the database so every server process sees the same attempts.

Failed sign-ins are counted over a sliding window, per account (the mail typed) and
per client address; sign-up tries (``/join``, each of which mails someone) per client
address, with :func:`over` and :func:`count`.  A carrier gateway address carries thousands of members' requests,
so it gets a far higher limit, and a handset that sends a trusted subscriber id is
counted by that id as if it were an address of its own.
"""
from __future__ import annotations

import hashlib
import hmac

from keitai import config
from keitai.platform.db.connection import db, execute, fetchall, now

WINDOW = 15 * 60
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
GATEWAY_ADDRESS_LIMIT = 500
#: Sign-up forms sent from one address in WINDOW (a carrier gateway: GATEWAY_ADDRESS_LIMIT).
JOIN_ADDRESS_LIMIT = 10


def _subject(scope: str, value: str) -> str:
    # Keyed, so the table says nothing about which addresses or mails were tried.
    return hmac.new(config.get().secret_key.encode(), f"{scope}|{value}".encode(), hashlib.sha256).hexdigest()[:40]


def _keys(mail: str, address: str, gateway: bool, subscriber: str | None) -> list[tuple[str, str, int]]:
    keys = [("account", _subject("account", mail.strip().lower()), ACCOUNT_LIMIT),
            ("address", _subject("address", address), GATEWAY_ADDRESS_LIMIT if gateway else ADDRESS_LIMIT)]
    if subscriber:
        keys.append(("handset", _subject("handset", subscriber), ADDRESS_LIMIT))
    return keys


def limited(mail: str, address: str, gateway: bool = False, subscriber: str | None = None) -> bool:
    """Has this account, address or handset failed too often lately to try again now?"""
    keys = _keys(mail, address, gateway, subscriber)
    where = " OR ".join("(scope = ? AND subject = ?)" for _ in keys)
    params = [now() - WINDOW] + [v for scope, subject, _ in keys for v in (scope, subject)]
    counts = {
        (scope, subject): count
        for scope, subject, count in fetchall(
            f"SELECT scope, subject, COUNT(*) FROM login_failures WHERE at > ? AND ({where}) GROUP BY scope, subject", params
        )
    }
    return any(counts.get((scope, subject), 0) >= limit for scope, subject, limit in keys)


def record_failure(mail: str, address: str, gateway: bool = False, subscriber: str | None = None) -> None:
    t = now()
    keys = _keys(mail, address, gateway, subscriber)
    with db.atomic():
        execute("DELETE FROM login_failures WHERE at <= ?", (t - WINDOW,))  # the window slides; old rows go
        rows = ", ".join("(?, ?, ?)" for _ in keys)
        execute(f"INSERT INTO login_failures (scope, subject, at) VALUES {rows}",
                [v for scope, subject, _ in keys for v in (scope, subject, t)])


def record_success(mail: str) -> None:
    """A right password clears the account's failures (the address keeps its count)."""
    execute("DELETE FROM login_failures WHERE scope = 'account' AND subject = ?", (_subject("account", mail.strip().lower()),))


def tries(scope: str, value: str) -> int:
    """How many times ``value`` was counted in ``scope`` (``"join"``, ``"reset_mail"``) within the window."""
    return fetchall("SELECT COUNT(*) FROM login_failures WHERE scope = ? AND subject = ? AND at > ?",
                    (scope, _subject(scope, value), now() - WINDOW))[0][0]


def over(scope: str, value: str, limit: int) -> bool:
    """Has ``value`` been counted ``limit`` times in ``scope`` within the window?"""
    return tries(scope, value) >= limit


def count(scope: str, value: str) -> None:
    """Count one try of ``value`` in ``scope``."""
    t = now()
    with db.atomic():
        execute("DELETE FROM login_failures WHERE at <= ?", (t - WINDOW,))
        execute("INSERT INTO login_failures (scope, subject, at) VALUES (?, ?, ?)", (scope, _subject(scope, value), t))
