"""Accounts: creating members, passwords (argon2id), signing in by password."""
from __future__ import annotations

import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from keitai import privacy
from keitai.platform.db.connection import db, fetchone, now
from keitai.accounts.models import Member

from keitai.search import rules as search

# argon2id at OWASP's recommended minimum (19 MiB, 2 passes): memory-hard, yet about
# 50 ms on a small 2-core server, so a burst of sign-ins does not stall the site.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verifying against this when the mail is unknown keeps timing the same.
_DUMMY_HASH = _hasher.hash("keitai-dummy-password")

MIN_AGE = 18


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def age_on(birthday: datetime.date, today: datetime.date) -> int:
    return today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))


def normalize_mail(mail: str) -> str:
    """Domains are case-insensitive; carrier local parts are kept exactly as issued."""
    local, _, domain = mail.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def create_member(nickname: str, mail: str, password: str, birthday: str, *, active: bool = False, **fields) -> Member:
    password_hash = hash_password(password)  # slow on purpose: not while holding the write lock
    with db.atomic():
        member = Member.create(
            nickname=nickname,
            mail=normalize_mail(mail),
            password_hash=password_hash,
            birthday=birthday,
            status="active" if active else "pending",
            created_at=now(),
            **fields,
        )
        search.index_member(member.id)  # findable once active; a pending member has no documents
    return member


def check_credentials(mail: str, password: str) -> tuple[int, str] | None:
    """(id, status) of the member with this mail if the password is right, whatever the status."""
    row = fetchone("SELECT id, password_hash, status FROM members WHERE mail = ?", (normalize_mail(mail),))
    if row is None:
        check_password(_DUMMY_HASH, password)
        return None
    member_id, stored, status = row
    if not check_password(stored, password):
        return None
    if _hasher.check_needs_rehash(stored):
        with db.atomic():
            Member.update(password_hash=hash_password(password)).where(Member.id == member_id).execute()
    return member_id, status


def authenticate(mail: str, password: str) -> int | None:
    """The id of the active member with this mail and password, or None."""
    found = check_credentials(mail, password)
    return found[0] if found and privacy.is_active(found[1]) else None


def password_ok(member_id: int, password: str) -> bool:
    """Is ``password`` this member's password? (For changes that need it again.)"""
    row = fetchone("SELECT password_hash FROM members WHERE id = ?", (member_id,))
    return row is not None and check_password(row[0], password)


def set_password(member_id: int, password: str) -> None:
    with db.atomic():
        Member.update(password_hash=hash_password(password)).where(Member.id == member_id).execute()
