"""空メール: joining, and proving a new mail address, by sending an empty mail from the handset.

Typing a carrier address on a keypad is slow and error-prone; sending a mail is one button.
The site's addresses at ``KEITAI_MAIL_DOMAIN`` (keitai.platform.mail.mailbox routes them here):

- ``join-<invitation>-<mac>``: shown as a ``mailto:`` link on an invitation's handset page;
  ``<mac>`` keys the invitation's id with the site's secret, so no one can make one up.
- ``join``: open sign-up, while the operator has switched invitation-only off.
- ``mail-<member>-<expiry>-<mac>``: shown for an hour to a signed-in member who gave their
  password on the mail address page, to move their account to the address they send from
  (or to confirm the one they have, which clears a bounce notice).

An empty mail to a join address from a carrier address is answered, at that address, with a
link (a ticket, kept only as a SHA-256, good for SIGNUP_HOURS and once) to the join form with
the address filled in and fixed: the sender has proved the address, so the account is active
at once, with no verification mail.  A mail-change address is answered with the usual
verification link (keitai.signup.rules.verify), which moves the address when opened.
Mail from a non-carrier address, to a forged or stale address, or beyond REPLIES_PER_HOUR
replies to one address gets no answer.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass

import peewee

from keitai import config, privacy
from keitai import words
from keitai.accounts import rules as accounts
from keitai.admin import site
from keitai.platform import mail
from keitai.platform.db.connection import db, execute, fetchone, now, scalar
from keitai.platform.mail import addresses as mobile_mail
from keitai.platform.mail import inbound, mailbox
from keitai.platform.web.routes import path_for
from keitai.signup import invitations
from keitai.signup import rules as signup
from keitai.words import Refused

log = logging.getLogger("keitai.signup.bymail")

JOIN_PATTERN = r"join(?:-([0-9]{1,18})-([a-z2-7]{16}))?"
CHANGE_PATTERN = r"mail-([0-9]{1,18})-([0-9a-z]{1,10})-([a-z2-7]{16})"
CHANGE_MINUTES = 60
SIGNUP_HOURS = 24
REPLIES_PER_HOUR = 3


def _mac(*parts: object) -> str:
    key = config.get().secret_key.encode("utf-8")
    digest = hmac.new(key, ":".join(map(str, parts)).encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode("ascii").lower()


def join_address(invitation_id: int | None) -> str:
    """The address an empty mail joins by (for an invitation, or open sign-up); '' without a mail domain."""
    if invitation_id is None:
        return mailbox.address("join")
    return mailbox.address(f"join-{invitation_id}-{_mac('join', invitation_id)}")


def change_address(member_id: int) -> str:
    """An address, good for CHANGE_MINUTES, that moves the member's account to the address mailing it."""
    expiry = base36(now() + CHANGE_MINUTES * 60)
    return mailbox.address(f"mail-{member_id}-{expiry}-{_mac('mail', member_id, expiry)}")


def base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _replies_allowed(address: str) -> bool:
    t = now() - 3600
    sent = scalar("SELECT COUNT(*) FROM signup_tickets WHERE mail = ? AND created_at > ?", (address, t))
    sent += scalar("SELECT COUNT(*) FROM mail_tokens WHERE mail = ? AND purpose = ? AND created_at > ?",
                   (address, signup.MAIL_CHANGE, t))
    return sent < REPLIES_PER_HOUR


def _send(to: str, subject: str, body: str) -> None:
    try:
        mail.send(to, subject, body)
    except Exception:  # noqa: BLE001 - the sender may mail again
        log.exception("reply to an empty mail could not be sent")


# ---- joining -----------------------------------------------------------------------------

def receive_join(message: inbound.Received, match) -> str:
    """An empty mail to a join address (keitai.platform.mail.mailbox calls this)."""
    sender = accounts.normalize_mail(message.sender) if message.sender else ""
    if not sender or mobile_mail.mobile_mail_error(sender):
        return "not from a carrier address"
    invitation_id = None
    if match.group(1):
        invitation_id = int(match.group(1))
        if not hmac.compare_digest(match.group(2), _mac("join", invitation_id)) or not _usable(invitation_id):
            return "no such invitation"
    elif site.invitation_only():
        return "invitation only"
    if not _replies_allowed(sender):
        return "too many replies to this address"
    if scalar("SELECT 1 FROM members WHERE mail = ? AND status <> 'pending'", (sender,)):
        _send(sender, words.MAIL_JOIN_SUBJECT, words.MAIL_JOIN_MEMBER_BODY.format(link=mailbox.site_link("/login")))
        _ticket(sender, None, used=True)  # counted among the replies to this address
        return "already a member"
    token = _ticket(sender, invitation_id)
    link = mailbox.site_link(path_for("signup.mail_join_form", {"token": token})[0])
    _send(sender, words.MAIL_JOIN_SUBJECT, words.MAIL_JOIN_BODY.format(link=link, hours=SIGNUP_HOURS))
    return "sign-up link sent"


def _usable(invitation_id: int) -> bool:
    return bool(scalar("SELECT 1 FROM invitations WHERE id = ? AND used_at IS NULL AND cancelled_at IS NULL"
                       " AND expires_at > ?", (invitation_id, now())))


def _ticket(address: str, invitation_id: int | None, used: bool = False) -> str:
    token = invitations.new_token()
    t = now()
    execute("INSERT INTO signup_tickets (token_hash, mail, invitation_id, created_at, expires_at, used_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", (invitations.token_hash(token), address, invitation_id, t,
                                           t + SIGNUP_HOURS * 3600, t if used else None))
    return token


#: Why a ticket cannot be used: the codes :func:`check_ticket` raises.
UNUSABLE = ("signup.ticket_unknown", "signup.ticket_expired", "signup.invitation_used", "signup.invitation_only")


@dataclass(frozen=True)
class Ticket:
    id: int
    mail: str
    invitation_id: int | None


def check_ticket(token: str) -> Ticket:
    """The ticket of a link mailed in answer to an empty mail, if it can still be used; else Refused."""
    row = fetchone("SELECT id, mail, invitation_id, expires_at, used_at FROM signup_tickets WHERE token_hash = ?",
                   (invitations.token_hash(token),)) if token and len(token) <= 128 else None
    if row is None or row[4] is not None:
        raise Refused("signup.ticket_unknown")
    if row[3] <= now():
        raise Refused("signup.ticket_expired")
    if row[2] is not None and not _usable(row[2]):
        raise Refused("signup.invitation_used")
    if row[2] is None and site.invitation_only():
        raise Refused("signup.invitation_only")
    return Ticket(row[0], row[1], row[2])


def join(form: signup.SignupForm, token: str) -> int:
    """Make an active member from a ticket (the address proved by the empty mail); returns their id.
    Raises Refused, having changed nothing, like keitai.signup.rules.join."""
    ticket = check_ticket(token)
    form.mail = ticket.mail
    values, errors = signup.validate(form)
    if errors:
        raise Refused("signup.form", problem=errors[0], problems=errors)
    try:
        with db.atomic():
            signup.release_stale_pending(ticket.mail)
            if scalar("SELECT 1 FROM members WHERE mail = ?", (ticket.mail,)):
                raise Refused("signup.mail_taken")
            if not execute("UPDATE signup_tickets SET used_at = ? WHERE id = ? AND used_at IS NULL",
                           (now(), ticket.id)).rowcount:
                raise Refused("signup.ticket_unknown")
            member = accounts.create_member(values["nickname"], ticket.mail, form.password, values["birthday"],
                                            real_name=values["real_name"], active=True)
            if ticket.invitation_id is not None and not invitations.use(ticket.invitation_id, member.id):
                raise Refused("signup.invitation_used")
            signup.welcome(member.id)
    except peewee.IntegrityError:
        raise Refused("signup.mail_taken") from None
    return member.id


# ---- changing (or confirming) one's address ----------------------------------------------

def receive_change(message: inbound.Received, match) -> str:
    """An empty mail to a member's mail-change address: the verification link goes to the sender."""
    member_id, expiry, mac = int(match.group(1)), match.group(2), match.group(3)
    if not hmac.compare_digest(mac, _mac("mail", member_id, expiry)) or int(expiry, 36) <= now():
        return "no such address"
    sender = accounts.normalize_mail(message.sender) if message.sender else ""
    if not sender or mobile_mail.mobile_mail_error(sender):
        return "not from a carrier address"
    row = fetchone(f"SELECT nickname, mail FROM members WHERE id = ? AND {privacy.active_member_sql()}", (member_id,))
    if row is None:
        return "no such member"
    nickname, current = row
    if not _replies_allowed(sender):
        return "too many replies to this address"
    if scalar("SELECT 1 FROM members WHERE mail = ? AND id <> ?", (sender, member_id)):
        _send(sender, words.MAIL_CHANGE_SUBJECT, words.MAIL_CHANGE_TAKEN_BODY)
        return "address taken"
    try:
        signup.send_mail_change(member_id, nickname, sender, mailbox.site_link(""))
    except Refused:
        return "verification link could not be sent"
    if sender != current:
        _send(current, words.MAIL_CHANGE_NOTICE_SUBJECT, words.MAIL_CHANGE_NOTICE_BODY.format(nickname=nickname))
    return "verification link sent"
