"""Walking the whole site as a member would: links, forms and every route in the app.

Shared by the hostile-input, session-leak and privacy-audit tests, so each covers a
new feature as soon as it is merged: a page linked from anywhere is crawled, a form on
it is found, a route in ``app.routes`` is visited with ids filled in.
"""
from __future__ import annotations

import hashlib
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from keitai import config
from keitai.platform import device as devices
from keitai.platform.db import connection as base
from keitai.platform.web import sessions

HREF = re.compile(r'<a\s[^>]*href="([^"]*)"', re.I)
SRC = re.compile(r'<(?:img|script|iframe|link|form)\s[^>]*(?:src|href|action)="([^"]*)"', re.I)
WILDCARD = re.compile(r"<([A-Za-z_][A-Za-z_0-9]*)(?::([a-z]+))?(?::[^>]*)?>")
#: Fields a member types into.
TEXT_KINDS = ("text", "textarea", "search", "email", "password", "tel", "url", "number", "date")
#: Paths never followed while crawling: /out leads off the site.
NOT_CRAWLED = ("/out",)


def unescape(href: str) -> str:
    return href.replace("&amp;", "&")


def internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and href.startswith("/")


def without_sid(path: str) -> str:
    """``path`` with sid and csrf dropped from its query (how the crawler tells pages apart)."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("sid", "csrf")]
    return parts.path + ("?" + urlencode(sorted(query)) if query else "")


def start_session(client, member_id: int) -> str:
    """Sign ``client`` in as ``member_id`` without the password round trip; returns the sid."""
    device = devices.detect(client.extra_environ, check_gateway=config.get().gateway_check)
    sid = sessions.start(member_id, device, config.get())
    if device.cookies:
        client.set_cookie("sid", sid)
        client.sid = None
    else:
        client.sid = sid
    return sid


def crawl(client, starts=("/",), limit: int = 300, follow=None):
    """Yield ``(path, response)`` for internal pages reachable by GET from ``starts``.

    Links are followed without their sid and re-requested with the client's own, so a
    crawl never borrows a session from a page.  ``follow(path)`` may refuse a link.
    """
    seen: set[str] = set()
    queue = deque(without_sid(s) for s in starts)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(client.with_sid(path), status="*", expect_errors=True)
        yield path, response
        if response.status_int != 200 or "html" not in response.content_type:
            continue
        for href in HREF.findall(client.text(response)):
            href = unescape(href)
            if not internal(href) or urlsplit(href).path.startswith(NOT_CRAWLED):
                continue
            target = without_sid(href.split("#", 1)[0])
            if target not in seen and (follow is None or follow(target)):
                queue.append(target)


@dataclass
class FormSpec:
    """A form as found on a page: enough to submit it again with other values."""

    page: str
    action: str  # path (and query), without sid
    method: str
    multipart: bool
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, default value)
    options: dict[str, list[str]] = field(default_factory=dict)  # choices of selects and radio groups
    unchecked: dict[str, str] = field(default_factory=dict)  # checkboxes left unticked: name -> value

    @property
    def key(self) -> tuple:
        return (urlsplit(self.action).path, self.method, tuple(sorted({n for n, _k, _v in self.fields})))

    @property
    def text_fields(self) -> list[str]:
        return [n for n, kind, _v in self.fields if kind in TEXT_KINDS]


def forms_of(page: str, response) -> list[FormSpec]:
    """Every form on a page, with its fields (hidden sid and csrf left out: callers add their own).

    A field's default is what a browser would send untouched: an unchecked checkbox is
    left out, a radio group sends its checked (or first) value, a submit button its value.
    """
    found = []
    for form in response.forms.values():
        action = without_sid(unescape(form.action or page))
        spec = FormSpec(page, action, (form.method or "GET").upper(), "multipart" in (form.enctype or ""))
        submitted = False
        for name, fields in form.fields.items():
            if name in (None, "sid", "csrf"):
                continue
            for f in fields:
                kind = type(f).__name__.lower()
                if kind in ("field", "text", "email"):
                    kind = (f.attrs.get("type") or "text").lower()
                if kind in ("select", "multipleselect", "radio"):
                    spec.options[name] = [str(o[0]) for o in f.options if o[0] is not None]
                if kind == "checkbox":
                    if f.value is None:
                        spec.unchecked[name] = f._value or "on"
                        continue
                    value = f.value
                elif kind == "radio":
                    value = f.value if f.value is not None else (f.options[0][0] if f.options else "")
                elif kind == "submit":
                    if submitted:
                        continue
                    submitted, value = True, f.value_if_submitted()
                elif kind == "multipleselect":
                    kind, value = "select", (f.value or [""])[0]
                else:
                    value = f.value if f.value is not None else ""
                spec.fields.append((name, kind, str(value)))
        found.append(spec)
    return found


def route_rules(app, method: str | None = None) -> list[tuple[str, str]]:
    """``(method, rule)`` of every route in the app."""
    return sorted({(r.method, r.rule) for r in app.routes if method is None or r.method == method})


def fill(rule: str, values: dict[str, list[str]], default: list[str]) -> list[str]:
    """Concrete paths for ``rule``: each wildcard filled with each of ``values[filter]`` (or ``default``).

    One wildcard varies at a time (the others take their first value), which keeps the
    number of paths linear in the number of values.
    """
    names = WILDCARD.findall(rule)
    if not names:
        return [rule]
    choices = [values.get(flt or "re", default) for _name, flt in names]
    paths = []
    for i in range(len(names)):
        for value in choices[i]:
            picked = [c[0] for c in choices]
            picked[i] = value
            it = iter(picked)
            paths.append(WILDCARD.sub(lambda _m: next(it), rule))
    return list(dict.fromkeys(paths))  # first: every wildcard with its first value


def fingerprint() -> dict[str, str]:
    """A digest of every table's rows (sessions by id only: reading a page may touch last_seen;
    the sign-in rate limiter's counts left out)."""
    db = base.db.obj
    if base.is_sqlite():
        tables = [r[0] for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()]
    else:
        tables = [r[0] for r in db.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()]
    digest = {}
    for table in sorted(tables):
        if table in ("schema_migrations", "login_failures"):  # failed sign-ins are counted, by design
            continue
        columns = "id" if table == "sessions" else "*"
        rows = db.execute_sql(f'SELECT {columns} FROM "{table}"').fetchall()
        digest[table] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return digest


def text_cells_containing(markers) -> list[str]:
    """Every text value in the database that contains one of ``markers`` (sorted)."""
    db = base.db.obj
    found = []
    if base.is_sqlite():
        tables = [r[0] for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()]
    else:
        tables = [r[0] for r in db.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()]
    for table in tables:
        for row in db.execute_sql(f'SELECT * FROM "{table}"').fetchall():
            for cell in row:
                if isinstance(cell, str) and any(m in cell for m in markers):
                    found.append(f"{table}: {cell}")
    return sorted(found)


_password_hashes: dict[int, str] = {}


@pytest.fixture
def cheap_passwords(monkeypatch):
    """argon2 with the cheapest parameters: these tests sign in hundreds of times, and the
    code path (verify, dummy verify for unknown mail, rehash) stays the real one."""
    from argon2 import PasswordHasher

    from keitai.accounts import rules as accounts

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", hasher.hash("keitai-dummy-password"))


def quick_member(nickname: str, mail: str, birthday: str = "1990-01-01", **fields) -> int:
    """An active member (password conftest.PASSWORD), without paying for a hash each time."""
    from conftest import PASSWORD
    from keitai.accounts.models import Member
    from keitai.accounts import rules as accounts

    key = id(accounts._hasher)
    if key not in _password_hashes:
        _password_hashes[key] = accounts.hash_password(PASSWORD)
    return Member.create(nickname=nickname, mail=accounts.normalize_mail(mail), password_hash=_password_hashes[key],
                         birthday=birthday, status="active", created_at=base.now(), **fields).id
