"""退会: deleting a member's account for real.

Every feature's rows of the member go, through the registry of :mod:`keitai.accounts.owned`
(each feature says how to delete what it keeps, fixing the counters and handing on what
others share, such as the communities the member ran), then the ``members`` row itself, in
one transaction: a failure leaves the account whole.  Files (photos and their renditions,
archives) are removed after the commit.  The member's sessions end with the row, so they
are signed out everywhere; their mail address is free to be invited again.
"""
from __future__ import annotations

import os

from keitai.accounts import rules as accounts
from keitai.accounts.owned import OWNED
from keitai.platform.db.connection import db, execute, fetchone, is_sqlite
from keitai.words import Refused


def withdraw(member_id: int) -> None:
    """Delete the member and everything they own (the member asked, or an operator forced it)."""
    with db.atomic():
        # On PostgreSQL the row is locked first: the member's own requests elsewhere that would
        # add a row naming them (a comment, a footprint) wait, then find them gone.
        lock = "" if is_sqlite() else " FOR UPDATE"
        if fetchone(f"SELECT 1 FROM members WHERE id = ?{lock}", (member_id,)) is None:
            raise Refused("accounts.no_such_member")
        files = [path for owned in OWNED.values() if owned.files for path in owned.files(member_id)]
        for owned in OWNED.values():
            owned.delete(member_id)
        execute("DELETE FROM members WHERE id = ?", (member_id,))
    for path in files:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def withdraw_with_password(member_id: int, password: str) -> None:
    """退会 as the member asks it: only with their password (or raise Refused, changing nothing)."""
    if not accounts.password_ok(member_id, password[:1024]):
        raise Refused("accounts.withdraw_password")
    withdraw(member_id)


# --- what accounts itself keeps of a member ----------------------------------------------

def export_account(member_id: int) -> list[dict]:
    """The account (its password stays out) and the handset registered for かんたんログイン."""
    from keitai.accounts.owned import rows

    return (rows("SELECT nickname, mail, birthday, created_at, last_login_at FROM members WHERE id = ?", (member_id,))
            + rows("SELECT carrier, model, created_at FROM handsets WHERE member_id = ?", (member_id,)))


def delete_account(member_id: int) -> None:
    """Sessions (signed out everywhere), the registered handset, failed sign-ins counted for the mail."""
    from keitai.accounts import ratelimit

    mail = fetchone("SELECT mail FROM members WHERE id = ?", (member_id,))[0]
    execute("DELETE FROM sessions WHERE member_id = ?", (member_id,))
    execute("DELETE FROM handsets WHERE member_id = ?", (member_id,))
    ratelimit.record_success(mail)
