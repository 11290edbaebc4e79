"""Outgoing mail: queued in the database (queue.py), then handed to the SMTP server of
``KEITAI_SMTP_HOST``, or without one written as a file per mail into the outbox folder.

Carrier addresses issued before 2009 may break RFC 5322 (``taro..x.@docomo.ne.jp``);
they are sent with the local part quoted, which carriers' servers accept.
Each mail is written in the charset and emoji its reader's handset reads (charsets.py).
"""
from __future__ import annotations

import re
from email.utils import formatdate, make_msgid, parseaddr

from keitai import config

from . import charsets, queue

_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def quote_address(address: str) -> str:
    """``local@domain`` with the local part quoted when it is not a plain dot-atom."""
    local, _, domain = address.rpartition("@")
    if _DOT_ATOM.match(local) or (local.startswith('"') and local.endswith('"')):
        return address
    escaped = local.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{domain}'


def _sender(mail_from: str, reader: charsets.Reader) -> str:
    name, address = parseaddr(mail_from)
    return f"{charsets.header(name, reader)} <{address}>" if name else address


def build(to: str, subject: str, body: str, settings=None) -> bytes:
    """The whole message as it goes on the wire, written for the reader of ``to``."""
    settings = settings or config.get()
    reader = charsets.reader_of(to)
    charset, transfer_encoding, content = charsets.body(body, reader)
    head = [
        ("From", _sender(settings.mail_from, reader)),
        ("To", quote_address(to)),
        ("Subject", charsets.header(subject, reader)),
        ("Date", formatdate(localtime=True)),
        ("Message-ID", make_msgid(domain=settings.mail_domain or "keitai.invalid")),
        ("MIME-Version", "1.0"),
        ("Content-Type", f"text/plain; charset={charset}"),
        ("Content-Transfer-Encoding", transfer_encoding),
    ]
    return "".join(f"{name}: {value}\r\n" for name, value in head).encode("ascii") + b"\r\n" + content


def envelope_sender(settings=None) -> str:
    """The envelope sender (Return-Path): ``bounce@<KEITAI_MAIL_DOMAIN>`` where the site receives
    mail, so delivery reports come back to it; else the From address."""
    settings = settings or config.get()
    return f"bounce@{settings.mail_domain}" if settings.mail_domain else parseaddr(settings.mail_from)[1]


def send(to: str, subject: str, body: str) -> None:
    """Queue one mail for ``to`` (queue.py delivers it); returns at once, whatever the mail
    server is doing."""
    settings = config.get()
    queue.enqueue(quote_address(to), envelope_sender(settings), build(to, subject, body, settings))
