"""Fixtures: a migrated database (SQLite, or PostgreSQL by KEITAI_DATABASE_URL), the app,
and clients that present themselves as real handsets, smartphones and PCs."""
from __future__ import annotations

import os
import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import webtest

from keitai import config
from keitai.app import create_app
from keitai.platform.db import connection as base
from keitai.platform.db import migrations
from keitai.accounts import rules as accounts

# User agents of the handsets the suite signs in from.
DOCOMO_1 = "DoCoMo/1.0/N505i/c20/TB/W20H10"  # i-mode 1.0: no cookies, 20 KB cache
DOCOMO_1_5K = "DoCoMo/1.0/P503i"  # declares no cache: 5 KB pages
DOCOMO_2 = "DoCoMo/2.0 N905i(c100;TB;W24H16)"
AU = "KDDI-SA31 UP.Browser/6.2.0.7.3.129 (GUI) MMP/2.0"
SOFTBANK = "SoftBank/1.0/910T/TJ001/SN123456789012345 Browser/NetFront/3.3 Profile/MIDP-2.0 Configuration/CLDC-1.1"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
PC = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"

# Addresses inside each carrier's published gateway ranges, and one outside all of them.
GATEWAY_IP = {"docomo": "210.153.84.1", "au": "27.90.206.1", "softbank": "123.108.237.113"}
OUTSIDE_IP = "192.0.2.10"

PASSWORD = "correct horse 42"

DATABASE_URL = os.environ.get("KEITAI_DATABASE_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if DATABASE_URL:
        database = base.make_database(DATABASE_URL)
        if DATABASE_URL.startswith("postgres"):
            database.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
            database.execute_sql("CREATE SCHEMA public")
            database.close()
        return DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """argon2 at test strength: the suite signs in hundreds of times."""
    from argon2 import PasswordHasher

    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts._DUMMY_HASH = accounts._hasher.hash("keitai-dummy-password")


@pytest.fixture(scope="session")
def migrated(database_url):
    base.connect(database_url)
    migrations.migrate(log=None)
    return database_url


def _wipe() -> None:
    """Empty every table but the migration record, between tests."""
    db = base.db.obj
    if base.is_sqlite():
        rows = db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = [name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL")]
        names = [
            name for name, _sql in rows
            if name != "schema_migrations" and not name.startswith("sqlite_")
            and not any(name.startswith(v + "_") for v in virtual)
        ]
        db.execute_sql("PRAGMA foreign_keys = OFF")
        with db.atomic():
            for name in names:
                db.execute_sql(f'DELETE FROM "{name}"')
            if any(name == "sqlite_sequence" for name, _ in rows):
                db.execute_sql("DELETE FROM sqlite_sequence")
        db.execute_sql("PRAGMA foreign_keys = ON")
    else:
        names = [r[0] for r in db.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'"
        ).fetchall()]
        if names:
            db.execute_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")


@pytest.fixture
def settings(migrated, tmp_path):
    return config.Settings.from_env(
        {},
        database_url=migrated,
        secret_key="test-secret-key",
        outbox_dir=str(tmp_path / "outbox"),
        media_dir=str(tmp_path / "media"),
    )


@pytest.fixture
def app(settings):
    application = create_app(settings, connect=False)
    _wipe()
    yield application


class Client(webtest.TestApp):
    """A browser of one kind, at one address; keeps the sid a cookie-less handset carries."""

    def __init__(self, app, ua: str, ip: str = OUTSIDE_IP, headers: dict | None = None):
        environ = {"HTTP_USER_AGENT": ua, "REMOTE_ADDR": ip}
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        super().__init__(app, extra_environ=environ)
        self.sid: str | None = None

    def page(self, path: str, **kwargs):
        """GET ``path`` with this client's sid (as a handset's links would carry it)."""
        return self.get(self.with_sid(path), **kwargs)

    def with_sid(self, path: str) -> str:
        if not self.sid:
            return path
        return path + ("&" if "?" in path else "?") + "sid=" + self.sid

    def text(self, response) -> str:
        """The response body as the device would show it."""
        charset = response.charset or "utf-8"
        return response.body.decode("cp932" if charset.lower() in ("shift_jis", "cp932") else charset)

    def login(self, mail: str, password: str = PASSWORD):
        page = self.get("/login")
        form = page.forms[0]
        form["mail"] = mail
        form["password"] = password
        response = form.submit()
        assert response.status_int == 303, self.text(response)
        sid = parse_qs(urlsplit(response.headers["Location"]).query).get("sid")
        self.sid = sid[0] if sid else None
        return response.follow()

    def submit(self, response, form_index: int = 0, **fields):
        """Fill and submit a form of ``response`` (its sid and CSRF fields ride along)."""
        form = response.forms[form_index]
        for name, value in fields.items():
            form[name] = value
        if (response.charset or "").lower() in ("shift_jis", "cp932"):
            # A Shift_JIS page's form comes back in CP932, as a handset sends it.
            return form.submit(content_type="application/x-www-form-urlencoded; charset=cp932")
        return form.submit()


@pytest.fixture
def client(app):
    """Make a client: ``client(DOCOMO_1)``, ``client(PC)``, ``client(AU, ip=GATEWAY_IP['au'])``."""

    def make(ua: str = PC, ip: str = OUTSIDE_IP, headers: dict | None = None) -> Client:
        return Client(app, ua, ip, headers)

    return make


@pytest.fixture
def make_member(app):
    """Create an active member; returns its id.  Mail defaults to a unique docomo address."""
    counter = iter(range(1, 10_000))

    def make(nickname: str | None = None, mail: str | None = None, birthday: str = "1990-01-01", **fields) -> int:
        n = next(counter)
        return accounts.create_member(
            nickname or f"会員{n}", mail or f"member{n}@docomo.ne.jp", PASSWORD, birthday, active=True, **fields
        ).id

    return make


@pytest.fixture
def live_server(app):
    """The app on a real waitress server on loopback; yields its base URL."""
    import waitress

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


HREF = re.compile(r'<a\s[^>]*href="([^"]*)"', re.I)
ACTION = re.compile(r'<form\s[^>]*action="([^"]*)"[^>]*>(.*?)</form>', re.I | re.S)
