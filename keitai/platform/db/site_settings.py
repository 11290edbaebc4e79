"""Site-wide settings kept in the database, so every server process sees the operator's change.

Values are strings; a setting not stored yet falls back to the given default.
"""
from __future__ import annotations

from keitai.platform.db.connection import db, execute, fetchone, now


def get(name: str, default: str | None = None) -> str | None:
    row = fetchone("SELECT value FROM site_settings WHERE name = ?", (name,))
    return default if row is None else row[0]


def get_bool(name: str, default: bool) -> bool:
    value = get(name)
    return default if value is None else value == "1"


def put(name: str, value: str | bool) -> None:
    if isinstance(value, bool):
        value = "1" if value else "0"
    with db.atomic():
        if execute("UPDATE site_settings SET value = ?, updated_at = ? WHERE name = ?", (value, now(), name)).rowcount == 0:
            execute("INSERT INTO site_settings (name, value, updated_at) VALUES (?, ?, ?)", (name, value, now()))

