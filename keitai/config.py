"""Settings, read once from ``KEITAI_*`` environment variables.

Every setting has a default that runs out of the box: SQLite in ``db/``, mail
written to ``db/outbox/``, a secret key generated on first use and kept in
``db/secret_key``.  ``create_app(settings)`` makes a set of settings the active
one; code that needs a setting calls :func:`get`.
"""
from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DB_DIR = PROJECT_ROOT / "db"
#: Where ``run.py serve`` listens by default: mailed links' base when KEITAI_BASE_URL is unset
#: and no ``serve`` has said where it listens (:func:`listening_at`).
DEFAULT_BASE_URL = "http://127.0.0.1:8080"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclasses.dataclass(frozen=True)
class Settings:
    #: ``sqlite:///path`` or ``postgresql://user@host/db``.
    database_url: str = f"sqlite:///{DB_DIR / 'keitai.sqlite3'}"
    #: A PostgreSQL streaming replica of it, for reads that may lag a second (empty: none).
    database_replica_url: str = ""
    #: Keys session CSRF tokens and subscriber-id hashes.  Unset: kept in ``db/secret_key``.
    secret_key: str = ""
    #: Addresses (or CIDRs) of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto we
    #: believe (keitai.platform.web.forwarded); with none, those headers are ignored.
    trusted_proxies: tuple[str, ...] = ()
    #: Off only in development: then any carrier user agent counts as coming from its gateway.
    gateway_check: bool = True
    #: かんたんログイン (sign-in by handset subscriber id), site-wide switch.
    easy_login: bool = True
    #: Sessions: idle and absolute lifetimes in seconds; handsets (sid in URLs) get shorter ones.
    session_idle: int = 14 * 24 * 3600
    session_absolute: int = 60 * 24 * 3600
    handset_session_idle: int = 2 * 3600
    handset_session_absolute: int = 24 * 3600
    #: Convert katakana to half-width on handset pages (saves bytes on 5 KB handsets).
    hankaku_output: bool = False
    #: Only invited members may join (the operator can switch it off in the admin pages).
    invitation_only: bool = True
    #: Public base URL: every link in mail, and absolute redirects.  Empty: redirects take the
    #: request's host, mailed links where serve listens (:func:`mail_base_url`; ``serve``
    #: refuses to send real mail without it).
    base_url: str = ""
    #: Mail: SMTP when smtp_host is set, otherwise files in outbox_dir.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "keitai <noreply@keitai.invalid>"
    #: The domain the site receives mail for; outgoing mail's envelope sender is
    #: ``bounce@<mail_domain>`` when it is set (else the From address).
    mail_domain: str = ""
    #: Seconds an SMTP server may take to answer one step before the sender gives up on it
    #: (and retries later); a whole delivery is cut off after four times that.
    smtp_timeout: int = 30
    #: Seconds before the first retry of a mail the server did not take; doubled each time
    #: up to an hour; after two days the mail is given up and logged.
    mail_retry: int = 60
    outbox_dir: str = str(DB_DIR / "outbox")
    #: The domain the site receives mail for (posting addresses, 空メール, bounces); empty: none.
    mail_domain: str = ""
    #: Photos: originals and cached renditions live here, outside the database.
    media_dir: str = str(DB_DIR / "media")
    #: Footprints older than this many days are pruned by ``run.py prune``.
    footprint_days: int = 90
    #: Access log, one line per request with session ids masked: ``-`` (stderr, the default),
    #: a file path, or ``off``.  ``run.py`` sets up the handler.
    access_log: str = "-"
    #: ``run.py serve``: connections each worker holds at most, and seconds a connection may stay
    #: silent, or a request take to arrive unless it comes at 1 KB/s or faster
    #: (keitai/platform/web/server.py).
    connection_limit: int = 1000
    client_timeout: int = 30
    #: Background import of external blog feeds inside ``run.py serve`` (seconds; 0 = off).
    feed_interval: int = 0
    #: Let members' feed URLs reach loopback and private addresses.  Off in production: a feed
    #: URL must not reach the server's own network (SSRF); tests turn it on for a local server.
    feed_allow_private: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Build settings from ``KEITAI_<FIELD>`` variables, then apply ``overrides``."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get("KEITAI_" + field.name.upper())
            if raw is None:
                continue
            if field.type == "bool":
                values[field.name] = _bool(raw)
            elif field.type == "int":
                values[field.name] = int(raw)
            elif field.type.startswith("tuple"):
                values[field.name] = _list(raw)
            else:
                values[field.name] = raw
        values.update(overrides)
        settings = cls(**values)
        if not settings.secret_key:
            settings = dataclasses.replace(settings, secret_key=_stored_secret_key())
        return settings

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _stored_secret_key() -> str:
    """The key in ``db/secret_key``, made on first use so restarts keep sessions valid."""
    path = DB_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DB_DIR.mkdir(exist_ok=True)
        key = secrets.token_urlsafe(48)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(key + "\n")
        return key


_active: Settings | None = None


def activate(settings: Settings) -> None:
    global _active
    _active = settings


_listening: str | None = None


def listening_at(url: str) -> None:
    """``run.py serve`` without KEITAI_BASE_URL: mailed links point where it listens."""
    global _listening
    _listening = url


def mail_base_url() -> str:
    """The base of every link that goes out by mail: KEITAI_BASE_URL, never a request's Host."""
    return (get().base_url or _listening or DEFAULT_BASE_URL).rstrip("/")


def get() -> Settings:
    """The active settings (from the environment if no app has set any)."""
    global _active
    if _active is None:
        _active = Settings.from_env()
    return _active
