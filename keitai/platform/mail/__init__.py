"""Outgoing mail: SMTP when ``KEITAI_SMTP_HOST`` is set, otherwise a file per mail in the outbox.

Carrier addresses issued before 2009 may break RFC 5322 (``taro..x.@docomo.ne.jp``);
they are sent with the local part quoted, which carriers' servers accept.
Each mail is written in the charset and emoji its reader's handset reads (charsets.py).
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import smtplib
import time
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from keitai import config

from . import charsets

log = logging.getLogger("keitai.mail")

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
        ("Message-ID", make_msgid(domain="keitai.invalid")),
        ("MIME-Version", "1.0"),
        ("Content-Type", f"text/plain; charset={charset}"),
        ("Content-Transfer-Encoding", transfer_encoding),
    ]
    return "".join(f"{name}: {value}\r\n" for name, value in head).encode("ascii") + b"\r\n" + content


def send(to: str, subject: str, body: str) -> str | None:
    """Send one mail; returns the outbox file's path when there is no SMTP server."""
    settings = config.get()
    message = build(to, subject, body, settings)
    if settings.smtp_host:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            # Shift_JIS bodies are 8bit: say so where the server can take it (RFC 6152).
            smtp.ehlo_or_helo_if_needed()
            options = ["BODY=8BITMIME"] if not message.isascii() and smtp.has_extn("8bitmime") else []
            smtp.sendmail(parseaddr(settings.mail_from)[1], [quote_address(to)], message, mail_options=options)
        log.info("mail sent to %s", to)
        return None
    outbox = Path(settings.outbox_dir)
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}.eml"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(message)
    os.replace(tmp, path)
    print(f"mail to {to}: {path}", flush=True)
    return str(path)
