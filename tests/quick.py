"""Quick members and sign-ins for tests that need many of them.

Hashing a password with argon2 takes ~0.4 s; these members share one hash, and
``sign_in`` starts a session the way a password sign-in does (same device binding)
without checking the password again.  Signing in through /login is tested elsewhere.
"""
from __future__ import annotations

import functools
import itertools

from conftest import PASSWORD
from keitai import config
from keitai.platform import device
from keitai.platform.db.connection import now
from keitai.accounts.models import Member
from keitai.accounts import rules as accounts
from keitai.platform.web import sessions

_numbers = itertools.count(1)


@functools.lru_cache(maxsize=1)
def _password_hash() -> str:
    return accounts.hash_password(PASSWORD)


def member(nickname: str | None = None, mail: str | None = None, **fields) -> int:
    """An active member (password conftest.PASSWORD); returns the id."""
    n = next(_numbers)
    fields.setdefault("birthday", "1990-01-01")
    return Member.create(
        nickname=nickname or f"会員{n}", mail=mail or f"quick{n}@docomo.ne.jp", password_hash=_password_hash(),
        status="active", created_at=now(), **fields,
    ).id


def sign_in(client, member_id: int):
    """Sign ``client`` in as ``member_id``; returns the client."""
    settings = config.get()
    dev = device.detect(client.extra_environ, check_gateway=settings.gateway_check)
    sid = sessions.start(member_id, dev, settings)
    if dev.cookies:
        client.set_cookie("sid", sid)
    else:
        client.sid = sid
    return client


def submit(response, form_index: int = 0, **fields):
    """Fill and submit a form as the device would: a Shift_JIS page posts its answer in CP932."""
    form = response.forms[form_index]
    for name, value in fields.items():
        form[name] = value
    if (response.charset or "").lower() in ("shift_jis", "cp932"):
        return form.submit(content_type="application/x-www-form-urlencoded; charset=cp932")
    return form.submit()
