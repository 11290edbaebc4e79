"""Posting by mail: each member's two secret addresses at ``KEITAI_MAIL_DOMAIN``, one for the
diary and one for the profile photo, and what a mail to them does.

A mail posts only when it comes to a live secret **from the member's registered address**:
the From header can be forged, the secret is the second factor.  Anything else (another
sender, a renewed or unknown secret, a suspended member) creates nothing and is answered with
nothing, so a sender learns nothing about whose the address is.  The member gets a short mail
back: the entry's URL, or why nothing was posted.  Entries go through the diary's own rules
(keitai.diary: check_draft, create_entry, indexed for search), photos through the photo
pipeline's checks and stripping.  At most DAILY_LIMIT mails post per member per 24 hours.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import peewee

from keitai import diary as diaries
from keitai import privacy
from keitai import words
from keitai.accounts import rules as accounts
from keitai.photos import rules as photos
from keitai.platform import mail
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar
from keitai.platform.mail import inbound, mailbox
from keitai.platform.web.routes import path_for
from keitai.profiles import rules as profiles
from keitai.words import Refused

log = logging.getLogger("keitai.mailpost")

#: 16 letters of 32 (no 0 1 l o, which read alike): 80 bits, and only lower case, which every
#: handset's mail keeps as it is.
ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
SECRET_LENGTH = 16
#: The local part a posting address has (keitai.platform.mail.mailbox routes it here).
SECRET_PATTERN = f"[{ALPHABET}]{{{SECRET_LENGTH}}}"
DAILY_LIMIT = 20
DIARY, PHOTO = "diary", "photo"


@dataclass(frozen=True)
class Posting:
    """A member's posting addresses (empty when the site receives no mail) and audience."""

    diary_address: str
    photo_address: str
    audience: str
    group_id: int | None


def _secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))


def _row(member_id: int) -> tuple:
    """The member's row, made on first use."""
    sql = "SELECT diary_secret, photo_secret, audience, group_id FROM mail_post_addresses WHERE member_id = ?"
    row = fetchone(sql, (member_id,))
    if row is None:
        try:
            with db.atomic():
                execute("INSERT INTO mail_post_addresses (member_id, diary_secret, photo_secret, audience, renewed_at)"
                        " VALUES (?, ?, ?, ?, ?)", (member_id, _secret(), _secret(), diaries.DEFAULT_AUDIENCE, now()))
        except peewee.IntegrityError:  # made by a parallel request
            pass
        row = fetchone(sql, (member_id,))
    return row


def posting(member_id: int) -> Posting:
    diary_secret, photo_secret, audience, group_id = _row(member_id)
    return Posting(mailbox.address(diary_secret), mailbox.address(photo_secret), audience, group_id)


def renew(member_id: int) -> None:
    """New secrets for both addresses: mail to the old ones posts nothing from now on."""
    _row(member_id)
    execute("UPDATE mail_post_addresses SET diary_secret = ?, photo_secret = ?, renewed_at = ? WHERE member_id = ?",
            (_secret(), _secret(), now(), member_id))


def set_audience(member_id: int, chosen: str, group_raw: str | None) -> list[str]:
    """The audience of entries posted by mail (the diary form's choices); errors if not one."""
    audience, group_id, errors = diaries.check_audience(member_id, chosen, group_raw)
    if errors:
        return errors
    _row(member_id)
    execute("UPDATE mail_post_addresses SET audience = ?, group_id = ? WHERE member_id = ?",
            (audience, group_id, member_id))
    return []


def _audience(member_id: int, audience: str, group_id: int | None) -> tuple[str, str | None]:
    """The chosen audience as the diary form would send it; a friend list deleted since is
    narrowed to the writer alone, never widened."""
    if audience == privacy.GROUP:
        if group_id is None or group_id not in {g for g, _name in diaries.own_groups(member_id)}:
            return privacy.PRIVATE, None
        return audience, str(group_id)
    return audience, None


# ---- receiving ------------------------------------------------------------------------

def _posted_today(member_id: int) -> int:
    return scalar("SELECT COUNT(*) FROM mail_posts WHERE member_id = ? AND created_at > ? AND kind <> 'limited'",
                  (member_id, now() - 86400))


def _record(member_id: int, kind: str, diary_id: int | None = None) -> None:
    execute("INSERT INTO mail_posts (member_id, kind, diary_id, created_at) VALUES (?, ?, ?, ?)",
            (member_id, kind, diary_id, now()))


def _reply(to: str, subject: str, body: str) -> None:
    """A short mail back to the member; what was posted stays posted if it cannot go out."""
    try:
        mail.send(to, subject, body)
    except Exception:  # noqa: BLE001
        log.exception("reply to a mail post could not be sent")


def receive(message: inbound.Received, match) -> str:
    """A mail to a posting address (keitai.platform.mail.mailbox calls this)."""
    secret = match.group(0)
    row = fetchone(
        "SELECT a.member_id, a.diary_secret = ?, m.mail, a.audience, a.group_id FROM mail_post_addresses a"
        " JOIN members m ON m.id = a.member_id"
        f" WHERE (a.diary_secret = ? OR a.photo_secret = ?) AND {privacy.active_member_sql('m.')}",
        (secret, secret, secret),
    )
    if row is None:
        return "no such posting address"
    member_id, is_diary, registered, audience, group_id = row
    if not message.sender or accounts.normalize_mail(message.sender) != registered:
        return "not from the member's address"
    if _posted_today(member_id) >= DAILY_LIMIT:
        if not scalar("SELECT 1 FROM mail_posts WHERE member_id = ? AND kind = 'limited' AND created_at > ?",
                      (member_id, now() - 86400)):
            _record(member_id, "limited")
            _reply(registered, words.MAILPOST_REFUSED_SUBJECT, words.MAILPOST_LIMIT_BODY.format(limit=DAILY_LIMIT))
        return "over the daily limit"
    if is_diary:
        return _post_diary(member_id, registered, message, *_audience(member_id, audience, group_id))
    return _post_photo(member_id, registered, message)


def _prepared(message: inbound.Received, limit: int) -> tuple[list[photos.Prepared], list[str]]:
    prepared, errors = [], []
    for image in message.images[:limit]:
        try:
            prepared.append(photos.prepare_bytes(image.data))
        except Refused as exc:
            errors.append(f"{image.filename or words.MAILPOST_ATTACHMENT}: {exc.message}")
    return prepared, errors


def _refuse(member_id: int, to: str, body: str, errors: list[str]) -> str:
    """Nothing posted: tell the member why (it counts towards the daily limit)."""
    _record(member_id, "refused")
    _reply(to, words.MAILPOST_REFUSED_SUBJECT, body.format(problems="\n".join(f"・{e}" for e in errors)))
    return "refused: " + " / ".join(errors)


def _post_diary(member_id: int, to: str, message: inbound.Received, audience: str, group_raw: str | None) -> str:
    draft, errors = diaries.check_draft(member_id, message.subject, message.text, audience, group_raw)
    prepared, photo_errors = _prepared(message, diaries.MAX_PHOTOS)
    errors += photo_errors
    if errors:
        return _refuse(member_id, to, words.MAILPOST_DIARY_REFUSED_BODY, errors)
    with db.atomic():
        diary_id = diaries.create_entry(member_id, draft, prepared)
        _record(member_id, DIARY, diary_id)
    left_out = len(message.images) - len(prepared)
    note = words.MAILPOST_PHOTOS_LEFT_OUT.format(limit=diaries.MAX_PHOTOS) if left_out > 0 else ""
    link = mailbox.site_link(path_for("diary.entry", {"diary_id": diary_id})[0])
    _reply(to, words.MAILPOST_DIARY_SUBJECT, words.MAILPOST_DIARY_BODY.format(
        title=draft.title, photos=len(prepared), note=note, audience=words.AUDIENCES_SHORT.get(audience, audience),
        link=link))
    return f"diary entry {diary_id} with {len(prepared)} photo(s)"


def _post_photo(member_id: int, to: str, message: inbound.Received) -> str:
    prepared, errors = _prepared(message, 1)
    if not prepared and not errors:
        errors = [words.MAILPOST_NO_PHOTO]
    if errors:
        return _refuse(member_id, to, words.MAILPOST_PHOTO_REFUSED_BODY, errors)
    # A mailed photo becomes the main one; with all PHOTO_LIMIT places taken it replaces the
    # main one (the member chose the others to keep).
    main = profiles.current_photo(member_id)
    if main is not None and len(profiles.photo_ids(member_id)) >= profiles.PHOTO_LIMIT:
        profiles.remove_photo(member_id, main)
    photo_id = profiles.add_photo(member_id, prepared[0])
    with db.atomic():
        profiles.set_main_photo(member_id, photo_id)
        _record(member_id, PHOTO)
    link = mailbox.site_link(path_for("profile.profile", {"member_id": member_id})[0])
    _reply(to, words.MAILPOST_PHOTO_SUBJECT, words.MAILPOST_PHOTO_BODY.format(link=link))
    return "profile photo set"


# ---- what a member owns ---------------------------------------------------------------

def export(member_id: int) -> list[dict]:
    rows = fetchall("SELECT diary_secret, photo_secret, audience, group_id, renewed_at FROM mail_post_addresses"
                    " WHERE member_id = ?", (member_id,))
    posts = fetchall("SELECT kind, diary_id, created_at FROM mail_posts WHERE member_id = ? ORDER BY id", (member_id,))
    out = [{"diary_address": mailbox.address(d) or d, "photo_address": mailbox.address(p) or p, "audience": a,
            "group_id": g, "renewed_at": r} for d, p, a, g, r in rows]
    return out + [{"posted_by_mail": kind, "diary_id": diary_id, "created_at": t} for kind, diary_id, t in posts]


def delete(member_id: int) -> None:
    execute("DELETE FROM mail_posts WHERE member_id = ?", (member_id,))
    execute("DELETE FROM mail_post_addresses WHERE member_id = ?", (member_id,))
