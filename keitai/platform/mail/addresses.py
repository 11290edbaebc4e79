"""Mail addresses: what an address may look like, and which are Japanese carrier (mobile) addresses.

Carriers let members choose local parts that break RFC 5322 until 2009 (``taro..x``,
``hanako.@docomo.ne.jp``); those addresses still exist, so local parts are checked
for the characters carriers issued, not for RFC dot-atoms.  Mail to them is sent
with the local part quoted (keitai.platform.mail.quote_address).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from keitai import words as messages

DOMAINS_FILE = Path(__file__).with_name("mail_domains.txt")

MAX_LENGTH = 254
# Letters, digits and the RFC 5322 atext symbols; dots anywhere, as carriers issued them.
_LOCAL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}")
_DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


@functools.lru_cache(maxsize=1)
def carrier_domains() -> dict[str, str]:
    """Carrier mail domain -> carrier name, from mail_domains.txt."""
    domains = {}
    for line in DOMAINS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            domain, carrier = line.split("\t")
            domains[domain.lower()] = carrier
    return domains


def normalize(mail: str) -> str:
    """Trimmed, with the domain in lower case (local parts are kept exactly as issued)."""
    local, _, domain = mail.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def address_error(mail: str) -> str | None:
    """Why ``mail`` is not a usable mail address, or None if it is."""
    if not mail:
        return messages.MAIL_REQUIRED
    if len(mail) > MAX_LENGTH:
        return messages.MAIL_INVALID
    local, at, domain = mail.rpartition("@")
    if not at or not _LOCAL.fullmatch(local) or not _DOMAIN.fullmatch(domain.lower()):
        return messages.MAIL_INVALID
    return None


def carrier_of(mail: str) -> str | None:
    """The carrier whose handsets use this address's domain, or None for any other address."""
    return carrier_domains().get(mail.rpartition("@")[2].lower())


def mobile_mail_error(mail: str) -> str | None:
    """Why ``mail`` cannot be a member's address (not an address, or not a carrier's), or None."""
    error = address_error(mail)
    if error:
        return error
    if carrier_of(mail) is None:
        return messages.MAIL_NOT_MOBILE.format(domain=mail.rpartition("@")[2])
    return None
