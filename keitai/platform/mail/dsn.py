"""Bounces: which addresses a returned mail says could not be delivered, for good.

Standard bounces are delivery status notifications (RFC 3464): a ``multipart/report`` whose
``message/delivery-status`` part has a block per recipient with ``Final-Recipient``,
``Action`` and ``Status``; only ``Action: failed`` with a permanent status (5.x.x) counts.
docomo's and SoftBank's servers send these.  Others write the failure as text: au's
"Mail System Error - Returned Mail" from Postmaster@ezweb.ne.jp (the addresses in angle
brackets after "The user(s) account is disabled." or "Each of the following recipients was
rejected"; the layout Sisimai reads as EZweb's), sendmail's "The following addresses had
permanent fatal errors" and qmail's "I'm afraid I wasn't able to deliver your message".
A failure the text calls temporary (a full mailbox, "temporarily limited") does not count.
Knows no member.
"""
from __future__ import annotations

import re
from email.message import Message

from keitai.platform.mail.inbound import address_of, decode_text

_PERMANENT = re.compile(
    r"permanent fatal error|user unknown|unknown user|no such user|not exist|account is disabled"
    r"|was rejected|did not receive this message|wasn't able to deliver|could not be delivered"
    r"|undeliverable|\b5\.[0-9]{1,3}\.[0-9]{1,3}\b|\b55[0-9]\b",
    re.I,
)
_TEMPORARY = re.compile(r"temporar|over quota|mailbox (is )?full|\b4\.[0-9]{1,3}\.[0-9]{1,3}\b", re.I)
#: Where a text bounce's own words end and the returned message begins.
_RETURNED = re.compile(
    r"^[ \t]*(-{20,}.*|Content-Type:\s*(message/rfc822|text/rfc822-headers).*|-+ ?(Original message|This is a copy).*"
    r"|--- Below this line is a copy of the message.*|-+ ?Transcript of session follows.*)$",
    re.I | re.M,
)
_BRACKETED = re.compile(r"<([^<>\s]+@[^<>\s]+)>")


def _field(block: Message, name: str) -> str:
    value = block.get(name) or ""
    return " ".join(str(value).split())


def _from_report(message: Message) -> list[str] | None:
    """The failed recipients of an RFC 3464 report, or None if there is no delivery-status part."""
    found, seen_status = [], False
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        seen_status = True
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            continue
        for block in blocks:
            recipient = _field(block, "Final-Recipient") or _field(block, "Original-Recipient")
            if not recipient:
                continue
            action, status = _field(block, "Action").lower(), _field(block, "Status")
            permanent = status.startswith("5") or (action == "failed" and not status.startswith("4"))
            if action in ("failed", "") and permanent:
                address = address_of(recipient.partition(";")[2] or recipient)
                if address:
                    found.append(address)
    return found if seen_status else None


def _bounce_text(message: Message) -> str:
    """The text a bounce says before the returned message."""
    for part in message.walk():
        if part.get_content_maintype() == "message":
            break
        if part.get_content_type() == "text/plain":
            data = part.get_payload(decode=True) or b""
            text = decode_text(data, part.get_content_charset(), None)
            match = _RETURNED.search(text)
            return text[:match.start()] if match else text
    return ""


def _from_text(message: Message) -> list[str]:
    """The failed recipients a carrier's or an old MTA's plain-text bounce names."""
    text = _bounce_text(message)
    if not _PERMANENT.search(text) or _TEMPORARY.search(text):
        return []
    found = []
    for line in text.splitlines():
        line = line.strip()
        match = _BRACKETED.search(line)
        if match is None:
            plain = re.fullmatch(r"(?:Recipient:\s*)?([^<>\s:]+@[^<>\s:]+?):?", line)
            address = address_of(plain[1]) if plain else ""
        else:
            address = address_of(match[0])
        if address and address not in found:
            found.append(address)
    return found


def failed_recipients(message: Message) -> list[str]:
    """The addresses ``message``, a bounce, says could not be delivered for good (none if it
    is no bounce, or only a delay or a full mailbox)."""
    reported = _from_report(message)
    return reported if reported is not None else _from_text(message)
