"""かんたんログイン: signing in by the handset's subscriber id.

A subscriber id is believed only when the request came from its carrier's gateway
(keitai.platform.device sets ``Device.subscriber_id`` only then); the same header from anywhere
else is forged and refused.  Only a keyed hash of the id is stored, so the table
cannot be matched against ids seen elsewhere.  The operator can switch the feature
off (``KEITAI_EASY_LOGIN`` and the site switch ``easy_login``).
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from keitai import config, privacy
from keitai.platform.db.connection import db, execute, fetchone, now

from keitai.admin import site


@dataclass(frozen=True)
class Registration:
    carrier: str
    model: str
    created_at: int
    subscriber_hash: str


def enabled() -> bool:
    return config.get().easy_login and site.get_bool("easy_login", True)


def subscriber_hash(carrier: str, subscriber_id: str) -> str:
    key = config.get().secret_key.encode()
    return hmac.new(key, f"easy-login|{carrier}|{subscriber_id}".encode(), hashlib.sha256).hexdigest()


def registration(member_id: int) -> Registration | None:
    row = fetchone("SELECT carrier, model, created_at, subscriber_hash FROM handsets WHERE member_id = ?", (member_id,))
    return Registration(*row) if row else None


def is_this_handset(reg: Registration | None, carrier: str | None, subscriber_id: str | None) -> bool:
    return bool(reg and carrier and subscriber_id and hmac.compare_digest(reg.subscriber_hash, subscriber_hash(carrier, subscriber_id)))


def register(member_id: int, carrier: str, subscriber_id: str, model: str | None) -> None:
    """Make this handset the member's easy sign-in (replacing any earlier one).

    A subscriber id belongs to one line: if it was registered to another account
    (a handset passed on), that registration ends.
    """
    digest = subscriber_hash(carrier, subscriber_id)
    with db.atomic():
        execute("DELETE FROM handsets WHERE member_id = ? OR subscriber_hash = ?", (member_id, digest))
        execute(
            "INSERT INTO handsets (member_id, subscriber_hash, carrier, model, created_at) VALUES (?, ?, ?, ?, ?)",
            (member_id, digest, carrier, (model or "")[:32], now()),
        )


def unregister(member_id: int) -> bool:
    return execute("DELETE FROM handsets WHERE member_id = ?", (member_id,)).rowcount == 1


def member_for(carrier: str, subscriber_id: str) -> int | None:
    """The active member who registered this handset, or None."""
    row = fetchone(
        "SELECT h.member_id FROM handsets h JOIN members m ON m.id = h.member_id AND " + privacy.active_member_sql("m.") +
        " WHERE h.subscriber_hash = ? AND h.carrier = ?",
        (subscriber_hash(carrier, subscriber_id), carrier),
    )
    return row[0] if row else None
