"""Invitations: a member (or the operator, from ``run.py invite``) invites someone by mail.

Each invitation has one random token, mailed as ``/join/<token>``; only its SHA-256
is stored.  A token works once, for 14 days, unless its inviter cancels it.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass

from keitai.platform import mail
from keitai import words as messages
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar
from keitai.signup.models import Invitation
from keitai.words import Refused

from keitai.accounts import rules as accounts
from keitai.platform.mail import addresses as mobile_mail

log = logging.getLogger("keitai.invitations")

INVITATION_DAYS = 14
#: A member may send this many invitations per 24 hours (the operator is not limited) ...
DAILY_LIMIT = 10
#: ... and have this many waiting for an answer.
PENDING_LIMIT = 30
MESSAGE_LIMIT = 500


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    mail: str
    message: str
    created_at: int
    expires_at: int


def registered(address: str) -> bool:
    """Is this (normalised) address a member's, beyond a sign-up still waiting for its mail?"""
    return bool(scalar("SELECT 1 FROM members WHERE mail = ? AND status <> 'pending'", (address,)))


def invite(inviter_id: int | None, address: str, message: str = "") -> tuple[Invitation, str]:
    """Record an invitation and return it with its token (to be mailed; never stored).

    A member inviting an address that is already a member's gets the same answer and the same
    limits as for any other address (so an invitation tells no one who is a member):
    :func:`invite_and_send` then mails that address's owner a note instead of the link.
    """
    address = accounts.normalize_mail(address)
    message = message.strip()
    error = mobile_mail.address_error(address)
    if error:
        raise Refused("signup.mail_address", problem=error)
    if len(message) > MESSAGE_LIMIT:
        raise Refused("signup.invite_message_too_long", limit=MESSAGE_LIMIT)
    if inviter_id is None and registered(address):
        raise Refused("signup.invite_already_member")  # the operator is told; a member never is
    t = now()
    live = "used_at IS NULL AND cancelled_at IS NULL AND expires_at > ?"
    if inviter_id is not None:
        if scalar(f"SELECT 1 FROM invitations WHERE inviter_id = ? AND mail = ? AND {live}", (inviter_id, address, t)):
            raise Refused("signup.invite_pending")
        if scalar("SELECT COUNT(*) FROM invitations WHERE inviter_id = ? AND created_at > ?", (inviter_id, t - 86400)) >= DAILY_LIMIT:
            raise Refused("signup.invite_daily_limit", limit=DAILY_LIMIT)
        if scalar(f"SELECT COUNT(*) FROM invitations WHERE inviter_id = ? AND {live}", (inviter_id, t)) >= PENDING_LIMIT:
            raise Refused("signup.invite_pending_limit", limit=PENDING_LIMIT)
    token = new_token()
    with db.atomic():
        invitation = Invitation.create(
            inviter=inviter_id, mail=address, message=message, token_hash=token_hash(token),
            created_at=t, expires_at=t + INVITATION_DAYS * 86400,
        )
    return invitation, token


def join_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/join/{token}"


def send_invitation(invitation: Invitation, token: str, base_url: str) -> str | None:
    """Mail the invitation; returns the outbox path when there is no SMTP server."""
    inviter = invitation.inviter_id and scalar("SELECT nickname FROM members WHERE id = ?", (invitation.inviter_id,))
    if inviter:
        subject = messages.MAIL_INVITATION_SUBJECT.format(inviter=inviter)
        opening = messages.MAIL_INVITATION_OPENING.format(inviter=inviter)
    else:
        subject, opening = messages.MAIL_SITE_INVITATION_SUBJECT, messages.MAIL_SITE_INVITATION_OPENING
    if invitation.inviter_id is not None and registered(invitation.mail):
        # Someone invited a member: the member hears of it, with the way in; the link is never sent.
        return mail.send(invitation.mail, messages.MAIL_INVITED_MEMBER_SUBJECT,
                         messages.MAIL_INVITED_MEMBER_BODY.format(inviter=inviter or "", link=f"{base_url.rstrip('/')}/"))
    note = f"「{invitation.message}」\n" if invitation.message else ""
    body = messages.MAIL_INVITATION_BODY.format(
        opening=opening, message=note, days=INVITATION_DAYS, link=join_link(base_url, token),
    )
    return mail.send(invitation.mail, subject, body)


def invite_and_send(inviter_id: int | None, address: str, message: str, base_url: str) -> tuple[Invitation, str]:
    """Make an invitation and mail it (returning it and its token); if the mail cannot go out, nothing is kept."""
    invitation, token = invite(inviter_id, address, message)
    try:
        send_invitation(invitation, token, base_url)
    except Exception:
        log.exception("invitation mail to %s failed", invitation.mail)
        execute("DELETE FROM invitations WHERE id = ?", (invitation.id,))
        raise Refused("signup.mail_send_failed") from None
    return invitation, token


def pending(inviter_id: int) -> list[PendingInvitation]:
    """Invitations of this member still waiting for an answer, newest first."""
    rows = fetchall(
        "SELECT id, mail, message, created_at, expires_at FROM invitations"
        " WHERE inviter_id = ? AND used_at IS NULL AND cancelled_at IS NULL AND expires_at > ?"
        " ORDER BY created_at DESC, id DESC",
        (inviter_id, now()),
    )
    return [PendingInvitation(*row) for row in rows]


def cancel(inviter_id: int, invitation_id: int) -> bool:
    """Cancel one's own unused invitation; its token stops working at once."""
    return execute(
        "UPDATE invitations SET cancelled_at = ? WHERE id = ? AND inviter_id = ? AND used_at IS NULL AND cancelled_at IS NULL",
        (now(), invitation_id, inviter_id),
    ).rowcount == 1


#: Why an invitation cannot be used: the codes :func:`check` raises.
UNUSABLE = ("signup.invitation_unknown", "signup.invitation_used", "signup.invitation_cancelled",
            "signup.invitation_expired")


def check(token: str) -> Invitation:
    """The invitation for ``token`` if it can still be used; else Refused, saying why not."""
    invitation = Invitation.get_or_none(Invitation.token_hash == token_hash(token)) if token and len(token) <= 128 else None
    if invitation is None:
        raise Refused("signup.invitation_unknown")
    if invitation.used_at is not None:
        raise Refused("signup.invitation_used")
    if invitation.cancelled_at is not None:
        raise Refused("signup.invitation_cancelled")
    if invitation.expires_at <= now():
        raise Refused("signup.invitation_expired")
    return invitation


def use(invitation_id: int, member_id: int | None) -> bool:
    """Mark the invitation used by ``member_id`` (None: by a sign-up with an address already
    registered, which uses it up all the same); False if another request used it first."""
    return execute(
        "UPDATE invitations SET used_at = ?, used_by = ?"
        " WHERE id = ? AND used_at IS NULL AND cancelled_at IS NULL AND expires_at > ?",
        (now(), member_id, invitation_id, now()),
    ).rowcount == 1


def inviter_of(member_id: int) -> int | None:
    """Who invited this member (None for the operator's invitations and open sign-up)."""
    row = fetchone("SELECT inviter_id FROM invitations WHERE used_by = ? ORDER BY used_at LIMIT 1", (member_id,))
    return row[0] if row else None
