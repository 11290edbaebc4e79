"""Sign-up and mail verification: join by invitation (or openly, when the operator allows),
prove a mobile mail address, change it later.

A new member is ``pending`` until they open the link mailed to their address; only then
can they sign in, and only then do they and their inviter become friends.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import peewee

from keitai.platform import mail
from keitai import words as messages
from keitai.platform.db.connection import db, execute, fetchone, now, scalar
from keitai.accounts.models import Member
from keitai.signup.models import MailToken

from keitai.accounts import rules as accounts
from keitai import privacy
from keitai.friends import rules as friends
from keitai.signup import invitations
from keitai.platform.mail import addresses as mobile_mail
from keitai.search import rules as search
from keitai.admin import site
from keitai.profiles.rules import clean_text, parse_birthday
from keitai.words import Refused

log = logging.getLogger("keitai.signup")

SIGNUP_HOURS = 72
MAIL_CHANGE_HOURS = 24
#: A pending member's sign-in sends a fresh verification mail at most this often.
RESEND_AFTER = 10 * 60
PASSWORD_MIN = 8
PASSWORD_MAX = 128

SIGNUP = "signup"
MAIL_CHANGE = "mail_change"


def password_errors(password: str, again: str) -> list[str]:
    if len(password) < PASSWORD_MIN:
        return [messages.PASSWORD_TOO_SHORT.format(min=PASSWORD_MIN)]
    if len(password) > PASSWORD_MAX:
        return [messages.FIELD_NAMES["password"] + ": " + messages.FIELD_TOO_LONG.format(limit=PASSWORD_MAX)]
    if password != again:
        return [messages.PASSWORD_MISMATCH]
    return []


@dataclass
class SignupForm:
    """What a new member typed; everything but the passwords goes back into the form on errors."""

    nickname: str = ""
    mail: str = ""
    password: str = ""
    password2: str = ""
    birth_year: str = ""
    birth_month: str = ""
    birth_day: str = ""
    real_name: str = ""


def validate(form: SignupForm) -> tuple[dict, list[str]]:
    """Cleaned values for a new member, and every problem with the form."""
    errors: list[str] = []
    values: dict = {}
    values["nickname"] = clean_text("nickname", form.nickname, errors)
    if not values["nickname"] and not errors:
        errors.append(messages.NICKNAME_REQUIRED)
    address = accounts.normalize_mail(form.mail)
    error = mobile_mail.mobile_mail_error(address)
    if error:
        errors.append(error)
    values["mail"] = address
    errors += password_errors(form.password, form.password2)
    birthday, error = parse_birthday(form.birth_year, form.birth_month, form.birth_day)
    if error:
        errors.append(error)
    values["birthday"] = birthday.isoformat() if birthday else ""
    values["real_name"] = clean_text("real_name", form.real_name, errors)
    return values, errors


def release_stale_pending(address: str) -> None:
    """A never-verified account whose link has expired does not keep holding its address."""
    row = fetchone("SELECT id FROM members WHERE mail = ? AND status = 'pending'", (address,))
    if row and not scalar(
        "SELECT 1 FROM mail_tokens WHERE member_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
        (row[0], SIGNUP, now()),
    ):
        execute("DELETE FROM members WHERE id = ?", (row[0],))


def join(form: SignupForm, token: str | None, base_url: str) -> tuple[str, bool]:
    """Create a pending member from an invitation (or openly) and mail the verification link.

    Returns the address mailed and whether the mail went out.  An address already registered
    gets the same answer, and the invitation is used up all the same, so the form tells no one
    who is a member: the address's owner is mailed that someone tried to join with it, and no
    account is made.  Raises Refused, having changed nothing, when the invitation
    (``signup.invitation_*``) or the form is not good; a form's problems are all in
    ``values["problems"]`` of ``signup.form``, to be shown together.
    """
    invitation = None
    if token is not None:
        invitation = invitations.check(token)
    elif site.invitation_only():
        raise Refused("signup.invitation_only")
    values, errors = validate(form)
    if errors:
        raise Refused("signup.form", problem=errors[0], problems=errors)
    address = values["mail"]
    member = None
    try:
        with db.atomic():
            release_stale_pending(address)
            if not scalar("SELECT 1 FROM members WHERE mail = ?", (address,)):
                member = accounts.create_member(
                    values["nickname"], address, form.password, values["birthday"], real_name=values["real_name"],
                )
            if invitation is not None and not invitations.use(invitation.id, member.id if member else None):
                invitations.check(token)  # says why the invitation went (used, cancelled or expired) ...
                raise Refused("signup.invitation_used")  # ... or it was used in the meantime
            if member is not None:
                token_text = _new_mail_token(member.id, SIGNUP, member.mail, SIGNUP_HOURS)
    except peewee.IntegrityError:  # the same address joined in a parallel request
        member = None
    if member is None:
        accounts.hash_password(form.password)  # as long as making an account takes: the time tells nothing either
        return address, _send_already_registered(address, base_url)
    return member.mail, _send_verification(member.nickname, member.mail, token_text, base_url, SIGNUP)


def _send_already_registered(address: str, base_url: str) -> bool:
    """Tell an address's owner that someone tried to join with it (instead of telling the form)."""
    try:
        mail.send(address, messages.MAIL_JOIN_TAKEN_SUBJECT, messages.MAIL_JOIN_TAKEN_BODY.format(
            link=f"{base_url.rstrip('/')}/", hours=SIGNUP_HOURS))
        return True
    except Exception:
        log.exception("already-registered notice to %s failed", address)
        return False


def _new_mail_token(member_id: int, purpose: str, address: str, hours: int) -> str:
    token = invitations.new_token()
    t = now()
    MailToken.create(
        member=member_id, purpose=purpose, mail=address, token_hash=invitations.token_hash(token),
        created_at=t, expires_at=t + hours * 3600,
    )
    return token


def verify_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{token}"


def _send_verification(nickname: str, address: str, token: str, base_url: str, purpose: str,
                       confirming: bool = False) -> bool:
    if purpose == SIGNUP:
        subject, body, hours = messages.MAIL_VERIFY_SUBJECT, messages.MAIL_VERIFY_BODY, SIGNUP_HOURS
    elif confirming:  # the member's own address, after mail to it came back
        subject, body, hours = messages.MAIL_CONFIRM_SUBJECT, messages.MAIL_CONFIRM_BODY, MAIL_CHANGE_HOURS
    else:
        subject, body, hours = messages.MAIL_CHANGE_SUBJECT, messages.MAIL_CHANGE_BODY, MAIL_CHANGE_HOURS
    try:
        mail.send(address, subject, body.format(nickname=nickname, hours=hours, link=verify_link(base_url, token)))
        return True
    except Exception:
        # The member can sign in later to get a fresh link; the sign-up itself stands.
        log.exception("verification mail to %s failed", address)
        return False


def resend_signup(member_id: int, base_url: str) -> bool:
    """Send a pending member a fresh link, unless one went out in the last few minutes."""
    row = fetchone("SELECT nickname, mail, status FROM members WHERE id = ?", (member_id,))
    if row is None or row[2] != "pending":
        return False
    t = now()
    if scalar("SELECT 1 FROM mail_tokens WHERE member_id = ? AND purpose = ? AND created_at > ? AND expires_at > ?"
              " AND used_at IS NULL", (member_id, SIGNUP, t - RESEND_AFTER, t)):
        return False
    token = _new_mail_token(member_id, SIGNUP, row[1], SIGNUP_HOURS)
    return _send_verification(row[0], row[1], token, base_url, SIGNUP)


@dataclass(frozen=True)
class Verified:
    ok: bool
    message: str
    purpose: str | None = None
    member_id: int | None = None
    mail: str | None = None


def verify(token: str) -> Verified:
    """Use a mailed link: activate the account (and befriend the inviter), or move the address."""
    if not token or len(token) > 128:
        return Verified(False, messages.VERIFY_UNKNOWN)
    row = fetchone(
        "SELECT id, member_id, purpose, mail, expires_at, used_at FROM mail_tokens WHERE token_hash = ?",
        (invitations.token_hash(token),),
    )
    if row is None:
        return Verified(False, messages.VERIFY_UNKNOWN)
    token_id, member_id, purpose, address, expires_at, used_at = row
    if used_at is not None:
        return Verified(False, messages.VERIFY_USED, purpose, member_id)
    if expires_at <= now():
        return Verified(False, messages.VERIFY_EXPIRED, purpose, member_id)
    with db.atomic():
        if purpose == MAIL_CHANGE and scalar("SELECT 1 FROM members WHERE mail = ? AND id <> ?", (address, member_id)):
            return Verified(False, messages.VERIFY_MAIL_TAKEN, purpose, member_id)
        claimed = execute("UPDATE mail_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL", (now(), token_id)).rowcount
        if not claimed:
            return Verified(False, messages.VERIFY_USED, purpose, member_id)
        if purpose == SIGNUP:
            activated = execute(
                "UPDATE members SET status = 'active' WHERE id = ? AND status = 'pending'", (member_id,)
            ).rowcount
            if activated:
                welcome(member_id)
            else:
                search.index_member(member_id)
            return Verified(True, messages.VERIFY_DONE, purpose, member_id, address)
        # The address is proven (a new one, or the same one confirmed): mail to it arrives again.
        same = scalar("SELECT mail FROM members WHERE id = ?", (member_id,)) == address
        execute("UPDATE members SET mail = ?, mail_bounces = 0 WHERE id = ?", (address, member_id))
        return Verified(True, messages.VERIFY_MAIL_CONFIRMED if same else messages.VERIFY_MAIL_CHANGED, purpose,
                        member_id, address)


def welcome(member_id: int) -> None:
    """A member just made active: findable from now on, and friends with their inviter."""
    search.index_member(member_id)
    inviter = invitations.inviter_of(member_id)
    if inviter is not None and _active(inviter) and not privacy.blocked_between(inviter, member_id):
        friends.befriend(inviter, member_id)  # the inviter vouched for them: mixi made them friends


def _active(member_id: int) -> bool:
    return scalar("SELECT 1 FROM members WHERE id = ? AND " + privacy.active_member_sql(), (member_id,)) is not None


def request_mail_change(member_id: int, new_mail: str, password: str, base_url: str) -> None:
    """Mail a link to the new address (the change happens when it is opened), or raise Refused."""
    address = accounts.normalize_mail(new_mail)
    error = mobile_mail.mobile_mail_error(address)
    if error:
        raise Refused("signup.mail_address", problem=error)
    if not accounts.password_ok(member_id, password):
        raise Refused("signup.password_wrong")
    if scalar("SELECT 1 FROM members WHERE mail = ?", (address,)):
        raise Refused("signup.mail_taken")
    nickname, old = fetchone("SELECT nickname, mail FROM members WHERE id = ?", (member_id,))
    send_mail_change(member_id, nickname, address, base_url)
    try:
        mail.send(old, messages.MAIL_CHANGE_NOTICE_SUBJECT, messages.MAIL_CHANGE_NOTICE_BODY.format(nickname=nickname))
    except Exception:
        log.exception("mail-change notice to the old address failed")


def send_mail_change(member_id: int, nickname: str, address: str, base_url: str) -> None:
    """Mail ``address`` the link that makes it the member's (or confirms it, if it already is);
    Refused ("signup.mail_send_failed") if the mail cannot go out."""
    with db.atomic():
        token = _new_mail_token(member_id, MAIL_CHANGE, address, MAIL_CHANGE_HOURS)
    confirming = scalar("SELECT mail FROM members WHERE id = ?", (member_id,)) == address
    if not _send_verification(nickname, address, token, base_url, MAIL_CHANGE, confirming):
        execute("DELETE FROM mail_tokens WHERE token_hash = ?", (invitations.token_hash(token),))
        raise Refused("signup.mail_send_failed")


def confirm_mail(member_id: int, base_url: str) -> None:
    """Mail the member's own address a link that confirms it (after bounces: it works again)."""
    nickname, address = fetchone("SELECT nickname, mail FROM members WHERE id = ?", (member_id,))
    send_mail_change(member_id, nickname, address, base_url)
