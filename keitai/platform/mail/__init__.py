"""Outgoing mail: SMTP when ``KEITAI_SMTP_HOST`` is set, otherwise a file per mail in the outbox.

Carrier addresses issued before 2009 may break RFC 5322 (``taro..x.@docomo.ne.jp``);
they are sent with the local part quoted, which carriers' servers accept.
Bodies go out as ISO-2022-JP, what every handset reads, unless they hold
characters it cannot carry (then UTF-8).  Emoji become their text fallbacks.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import smtplib
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from keitai import config
from keitai.platform import text

log = logging.getLogger("keitai.mail")

_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def quote_address(address: str) -> str:
    """``local@domain`` with the local part quoted when it is not a plain dot-atom."""
    local, _, domain = address.rpartition("@")
    if _DOT_ATOM.match(local) or (local.startswith('"') and local.endswith('"')):
        return address
    escaped = local.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{domain}'


def _charset(body: str) -> str:
    try:
        body.encode("iso-2022-jp")
        return "iso-2022-jp"
    except UnicodeEncodeError:
        return "utf-8"


def build(to: str, subject: str, body: str, settings=None) -> EmailMessage:
    settings = settings or config.get()
    subject, body = text.strip_emoji(subject), text.strip_emoji(body)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = quote_address(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="keitai.invalid")
    charset = _charset(body)
    message.set_content(body, charset=charset, cte="7bit" if charset == "iso-2022-jp" else "base64")
    return message


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
            smtp.send_message(message, from_addr=None, to_addrs=[quote_address(to)])
        log.info("mail sent to %s", to)
        return None
    outbox = Path(settings.outbox_dir)
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}.eml"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(bytes(message))
    os.replace(tmp, path)
    print(f"mail to {to}: {path}", flush=True)
    return str(path)
