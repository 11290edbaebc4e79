"""The operator's site switches, kept in the database (keitai.platform.db.site_settings)."""
from __future__ import annotations

from keitai import config
from keitai.platform.db.site_settings import get, get_bool, put

__all__ = ["get", "get_bool", "put", "invitation_only"]


def invitation_only() -> bool:
    """Whether only invited people may join (the operator's switch, else the configured default)."""
    return get_bool("invitation_only", config.get().invitation_only)
