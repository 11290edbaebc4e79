"""Bounces: mail to a member that came back undeliverable.

The site sends its mail with the envelope sender ``bounce@KEITAI_MAIL_DOMAIN``, so returned
mail comes to that address (keitai.platform.mail.mailbox routes it here).  Each address a
bounce reports as failed for good (keitai.platform.mail.dsn) adds one to its member's
``mail_bounces``; while that is above zero, the member's home page begins with a line asking
them to update their address, linking to the mail address page.  Proving an address there (a
new one, or confirming the one they have, by its mailed link) sets it back to zero
(keitai.signup.rules.verify).

Anyone can send a made-up bounce; the worst it does is that notice, which the member clears
by confirming their address.
"""
from __future__ import annotations

from keitai.accounts import rules as accounts
from keitai.platform.db.connection import execute, scalar
from keitai.platform.mail import dsn, inbound

LOCAL_PART = "bounce"
#: The home page's line (keitai.notices): how many mails came back since the address was proven.
BOUNCES_COUNT_SQL = "SELECT CASE WHEN mail_bounces > 100 THEN 100 ELSE mail_bounces END FROM members WHERE id = ?"


def receive(message: inbound.Received, _match) -> str:
    """A bounce (keitai.platform.mail.mailbox calls this)."""
    marked = 0
    for address in dsn.failed_recipients(message.message):
        marked += execute("UPDATE members SET mail_bounces = mail_bounces + 1 WHERE mail = ?",
                          (accounts.normalize_mail(address),)).rowcount
    return f"{marked} member address(es) failing"


def failing(member_id: int) -> bool:
    """Whether mail to the member's address has come back since they last proved it."""
    return bool(scalar(BOUNCES_COUNT_SQL, (member_id,)))
