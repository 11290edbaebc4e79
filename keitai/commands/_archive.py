"""What ``run.py backup`` and ``run.py restore`` share: one backup is a directory

    manifest.json       when, which database, applied migrations, rows per table, and each
                        photo file with its size and SHA-256
    database.sqlite3    (SQLite) one self-contained file, copied with SQLite's online backup API
    database.pgdump     (PostgreSQL) pg_dump's custom format, taken from one snapshot
    media/photos/       the photo files (kept outside the database)

Both databases are copied from a single snapshot while the site keeps serving; the row
counts in the manifest are counted, and the photos to copy listed, in that same snapshot.
A photo deleted after the snapshot is still copied, from where deleted photos wait a day
(keitai.photos.rules.DELETED); one uploaded after it is not.  So a restore can prove, before
it replaces anything, that it brings back exactly what was saved.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote, urlparse

from keitai.photos.rules import DELETED, ORIGINALS

from ._progress import every

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"
FORMAT = 2  # 1: no photo list (the media folder copied whole, unchecked)

#: Where a backup reports how far it is: a line of text (see _progress.Progress.show).
Report = Callable[[str], None]


class ArchiveError(Exception):
    """A backup or restore that must not go ahead; the message says why, for the operator."""


# --- SQLite ----------------------------------------------------------------------------------

def sqlite_path(url: str) -> Path:
    path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
    if not path or path == ":memory:":
        raise ArchiveError(f"not a database file: {url}")
    return Path(path)


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _rows(table: str, count: int) -> str:
    return f"{table}: {count:,} row{'' if count == 1 else 's'}"


def sqlite_counts(conn: sqlite3.Connection, report: Report | None = None) -> dict[str, int]:
    counts = {}
    for table in _sqlite_tables(conn):
        counts[table] = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        if report:
            report(_rows(table, counts[table]))
    return counts


def sqlite_check(conn: sqlite3.Connection) -> None:
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"integrity check failed: {exc}") from None
    if result != ["ok"]:
        raise ArchiveError("integrity check failed: " + "; ".join(result[:5]))


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def sqlite_photo_files(conn: sqlite3.Connection) -> list[str]:
    """The photo files the database names (none before the photos table existed)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'photos'").fetchone():
        return []
    return sorted(r[0] for r in conn.execute("SELECT file FROM photos"))


def backup_sqlite(source: Path, out: Path, report: Report | None = None) -> tuple[dict[str, int], list[str]]:
    """Copy the live database into ``out``, a twentieth of its pages at a time, then count
    the rows of each table in the copy and list the photo files it names.

    The source connection holds one read transaction over the whole copy: every step reads
    the same snapshot and writers go on meanwhile (WAL).  Without it SQLite starts a stepwise
    copy over after each write by another connection, and on a busy site it would never end.
    """
    if not source.exists():
        raise ArchiveError(f"no database at {source}")
    src, dst = _open(source), _open(out)
    try:
        src.execute("BEGIN")
        total = src.execute("PRAGMA page_count").fetchone()[0]  # the first read fixes the snapshot

        def pages(_status: int, remaining: int, count: int) -> None:
            report(f"database: {count - remaining:,} of {count:,} pages copied")

        src.backup(dst, pages=every(total), progress=pages if report else None)
        src.execute("ROLLBACK")
        dst.execute("PRAGMA journal_mode = DELETE")  # a single file, no -wal beside it
        sqlite_check(dst)
        return sqlite_counts(dst, report), sqlite_photo_files(dst)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"backup failed: {exc}") from None
    finally:
        src.close()
        dst.close()


def check_sqlite(backup: Path, manifest: dict) -> None:
    """The backup's database is sound and holds what its manifest says: every table's rows,
    and the photo files.  Read only; before anything is replaced."""
    if not backup.exists():
        raise ArchiveError(f"no database in the backup: {backup}")
    conn = sqlite3.connect(f"file:{quote(str(backup))}?mode=ro", uri=True)
    try:
        sqlite_check(conn)
        _differ(sqlite_counts(conn), manifest["tables"])
        if manifest.get("photos") is not None and set(sqlite_photo_files(conn)) != named_photos(manifest):
            raise ArchiveError("the database names other photo files than the backup holds")
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"the backup's database cannot be read: {exc}") from None
    finally:
        conn.close()


def _differ(counts: dict[str, int], saved: dict[str, int]) -> None:
    differ = sorted(t for t in set(counts) | set(saved) if counts.get(t) != saved.get(t))
    if differ:
        raise ArchiveError(f"rows differ from the manifest in: {', '.join(differ)}")


def restore_sqlite(backup: Path, target: Path) -> dict[str, int]:
    """Replace the target's content with the backup's (checked with :func:`check_sqlite` first),
    through SQLite (its locks, its journal): all or nothing."""
    src, dst = _open(backup), _open(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")
        sqlite_check(dst)
        return sqlite_counts(dst)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"restore failed: {exc}") from None
    finally:
        src.close()
        dst.close()


def sqlite_has_rows(path: Path) -> bool:
    if not path.exists():
        return False
    conn = _open(path)
    try:
        return any(n for t, n in sqlite_counts(conn).items() if t != "schema_migrations")
    finally:
        conn.close()


# --- PostgreSQL ------------------------------------------------------------------------------

def pg_env(url: str) -> dict[str, str]:
    """libpq's environment for ``url``: the password stays out of the process list."""
    parts = urlparse(url)
    env = dict(os.environ)
    for var, value in (("PGHOST", parts.hostname), ("PGPORT", parts.port), ("PGUSER", parts.username),
                       ("PGPASSWORD", parts.password), ("PGDATABASE", parts.path.lstrip("/"))):
        if value:
            env[var] = unquote(str(value))
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise ArchiveError(f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client)")
    return path


def _pg_connect(url: str):
    import psycopg

    return psycopg.connect(url)


def _pg_counts(cur) -> dict[str, int]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    names = [r[0] for r in cur.fetchall()]
    counts = {}
    for name in names:
        cur.execute(f'SELECT COUNT(*) FROM public."{name}"')
        counts[name] = cur.fetchone()[0]
    return counts


_DUMPING = re.compile(r'dumping contents of table "(?:public\.)?([^"]+)"')


def _pg_photo_files(cur) -> list[str]:
    cur.execute("SELECT to_regclass('public.photos') IS NOT NULL")
    if not cur.fetchone()[0]:
        return []
    cur.execute("SELECT file FROM public.photos")
    return sorted(r[0] for r in cur.fetchall())


def backup_postgres(url: str, out: Path, report: Report | None = None) -> tuple[dict[str, int], list[str]]:
    """pg_dump from one exported snapshot, with the rows counted and the photo files listed in
    that same snapshot; each table reported with its rows as pg_dump comes to it."""
    pg_dump = _tool("pg_dump")
    with _pg_connect(url) as conn:
        import psycopg

        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot for the transaction
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts = _pg_counts(cur)
            files = _pg_photo_files(cur)
            # --schema leaves out extensions, but search's indexes need pg_trgm and btree_gin
            # (dropping the schema at restore drops them too): name them so they come along.
            cur.execute("SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                        " WHERE n.nspname = 'public' ORDER BY e.extname")
            extensions = [f"--extension={name}" for (name,) in cur.fetchall()]
            dump = subprocess.Popen(
                [pg_dump, "--verbose", "--format=custom", "--no-owner", "--no-privileges", "--schema=public",
                 *extensions, f"--snapshot={snapshot}", f"--file={out}"],
                env={**pg_env(url), "LC_MESSAGES": "C"}, stderr=subprocess.PIPE, text=True)
            said = []
            for line in dump.stderr:
                dumping = _DUMPING.search(line)
                if dumping and report:
                    report(_rows(dumping.group(1), counts.get(dumping.group(1), 0)))
                said.append(line.strip())
            failed = dump.wait() != 0
        conn.rollback()
    if failed:
        errors = [line for line in said if re.search(r"\b(error|fatal|detail|hint):", line, re.I)]
        raise ArchiveError("pg_dump failed: " + "\n".join(errors or said[-5:]))
    return counts, files


def pg_has_rows(url: str) -> bool:
    with _pg_connect(url) as conn, conn.cursor() as cur:
        return any(n for t, n in _pg_counts(cur).items() if t != "schema_migrations")


def _pg_list(backup: Path, env: dict) -> str:
    if not backup.exists():
        raise ArchiveError(f"no database in the backup: {backup}")
    listed = subprocess.run([_tool("pg_restore"), "--list", str(backup)], env=env, capture_output=True, text=True)
    if listed.returncode != 0:
        raise ArchiveError(f"{backup} is not a readable pg_dump archive: {listed.stderr.strip()}")
    return listed.stdout


def check_postgres(backup: Path, url: str, manifest: dict) -> None:
    """The archive reads and holds the data of every table the manifest counts rows in (the
    rows themselves are counted inside the restore's transaction, before it commits)."""
    listed = _pg_list(backup, pg_env(url))
    with_data = set(re.findall(r"TABLE DATA public (\S+)", listed))
    absent = sorted(t for t, n in manifest["tables"].items() if n and t not in with_data)
    if absent:
        raise ArchiveError(f"the archive holds no rows for: {', '.join(absent)}")


def _pg_verify_sql(manifest: dict) -> str:
    """SQL that fails the restore's transaction unless the loaded rows are the manifest's."""
    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    checks = [
        f'IF (SELECT COUNT(*) FROM public."{table}") <> {int(rows)} THEN'
        f" RAISE EXCEPTION 'rows differ from the manifest in: %', {literal(table)}; END IF;"
        for table, rows in sorted(manifest["tables"].items()) if '"' not in table
    ]
    if manifest.get("photos") is not None:
        names = hashlib.md5("\n".join(sorted(named_photos(manifest))).encode()).hexdigest()
        checks.append(
            "IF (SELECT md5(COALESCE(string_agg(file, E'\\n' ORDER BY file COLLATE \"C\"), ''))"
            f" FROM public.photos) <> {literal(names)} THEN"
            " RAISE EXCEPTION 'the database names other photo files than the backup holds'; END IF;")
    return "DO $verify$ BEGIN\n" + "\n".join(checks) + "\nEND $verify$;\n"


def restore_postgres(backup: Path, url: str, manifest: dict) -> dict[str, int]:
    """Empty the public schema and load the dump, all in one transaction that commits only if
    every table's rows and the photo files named are the manifest's: all or nothing."""
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    env = pg_env(url)
    listed = _pg_list(backup, env)
    script = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file=-", str(backup)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    loader = subprocess.Popen([psql, "--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--file=-"], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # One transaction, committed only once pg_restore has read the whole archive: a dump cut
    # short ends the session without COMMIT, and PostgreSQL rolls everything back.
    prefix = "SET client_min_messages = warning;\nBEGIN;\nDROP SCHEMA IF EXISTS public CASCADE;\n"
    if not re.search(r"\bSCHEMA - public\b", listed):  # the dump creates it only if it was made by hand
        prefix += "CREATE SCHEMA public;\n"
    try:
        loader.stdin.write(prefix.encode())
        shutil.copyfileobj(script.stdout, loader.stdin)
        complete = script.wait() == 0
        if complete:
            loader.stdin.write(_pg_verify_sql(manifest).encode() + b"COMMIT;\n")
        loader.stdin.close()
    except BrokenPipeError:  # psql stopped at an error (and rolled back)
        script.stdout.close()
        complete = script.wait() == 0
    load_error = loader.stderr.read().decode(errors="replace")
    loaded = loader.wait() == 0
    if not complete or not loaded:
        why = script.stderr.read().decode(errors="replace") if not complete else load_error
        raise ArchiveError("restore failed, nothing was changed: " + why.strip()[:2000])
    with _pg_connect(url) as conn, conn.cursor() as cur:
        return _pg_counts(cur)


# --- the directory -----------------------------------------------------------------------------

def write_manifest(directory: Path, database: str, counts: dict[str, int], migrations: list[str],
                   photos: dict[str, dict] | None, missing: list[str]) -> dict:
    """``photos``: each photo file copied, with its bytes and SHA-256 (None: photos left out);
    ``missing``: files the database names that were not in the media folder to copy."""
    manifest = {
        "format": FORMAT,
        "created_at": int(time.time()),
        "database": database,
        "migrations": migrations,
        "tables": counts,
        "media_files": len(photos or ()),
        "photos": photos,
        "missing_photos": missing,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        raise ArchiveError(f"{directory} is not a keitai backup (no {MANIFEST})") from None
    except ValueError as exc:
        raise ArchiveError(f"{directory / MANIFEST} is damaged: {exc}") from None
    if manifest.get("format") not in (1, FORMAT):
        raise ArchiveError(f"unknown backup format {manifest.get('format')!r}")
    for name in [*(manifest.get("photos") or ()), *manifest.get("missing_photos", ())]:
        _inside(name)
    return manifest


def named_photos(manifest: dict) -> set[str]:
    """Every photo file the backup's database names: those copied and those already missing."""
    return set(manifest.get("photos") or ()) | set(manifest.get("missing_photos", ()))


def _inside(name: str) -> Path:
    """A photo's path under the originals' folder; a name that would lead out of it is refused."""
    path = Path(name)
    if not name or path.is_absolute() or ".." in path.parts:
        raise ArchiveError(f"not a photo file name: {name!r}")
    return path


def _copy_file(source: Path, dest: Path) -> dict:
    """Copy ``source`` to ``dest`` (written beside it, renamed into place); its bytes and SHA-256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as src, open(tmp, "wb") as out:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    os.replace(tmp, dest)
    return {"bytes": size, "sha256": digest.hexdigest()}


def copy_photos(files: list[str], media: Path, target: Path,
                report: Report | None = None) -> tuple[dict[str, dict], list[str]]:
    """Copy the photo files a database snapshot names into ``target``: from the originals, or,
    for a photo deleted since the snapshot, from where deleted photos wait.  Returns each
    file copied with its bytes and SHA-256, and the files found in neither place."""
    copied, missing = {}, []
    step = every(len(files))
    for count, name in enumerate(files, 1):
        for place in (media / ORIGINALS, media / DELETED):
            try:
                copied[name] = _copy_file(place / _inside(name), target / ORIGINALS / name)
                break
            except FileNotFoundError:
                continue
        else:
            missing.append(name)
        if report and (count % step == 0 or count == len(files)):
            report(f"photos: {count:,} of {len(files):,} files copied")
    return copied, missing


def check_photos(backup: Path, manifest: dict) -> None:
    """Every photo file the manifest lists is in the backup, whole (its bytes and SHA-256)."""
    bad = []
    for name, saved in sorted((manifest.get("photos") or {}).items()):
        path = backup / MEDIA / ORIGINALS / name
        if not path.is_file() or path.stat().st_size != saved["bytes"] or _sha256(path) != saved["sha256"]:
            bad.append(name)
    if bad:
        raise ArchiveError(f"{len(bad):,} photo file(s) missing or damaged in the backup: {', '.join(bad[:5])}"
                           + (" ..." if len(bad) > 5 else ""))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def restore_photos(backup: Path, manifest: dict, media: Path, report: Report | None = None) -> int:
    """Copy the backup's photo files (checked with :func:`check_photos`) into ``media``."""
    if manifest.get("format") == 1:  # no list: the folder as it was copied
        return copy_media(backup / MEDIA, media, report)
    names = sorted(manifest.get("photos") or ())
    step = every(len(names))
    for count, name in enumerate(names, 1):
        _copy_file(backup / MEDIA / ORIGINALS / name, media / ORIGINALS / name)
        if report and (count % step == 0 or count == len(names)):
            report(f"photos: {count:,} of {len(names):,} files copied")
    return len(names)


def copy_media(source: Path, target: Path, report: Report | None = None) -> int:
    """Copy photo files, each written beside its place and renamed into it."""
    files = [path for path in sorted(source.rglob("*")) if path.is_file()] if source.is_dir() else []
    step = every(len(files))
    for count, path in enumerate(files, 1):
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".restoring")
        shutil.copy2(path, tmp)
        os.replace(tmp, dest)
        if report and (count % step == 0 or count == len(files)):
            report(f"photos: {count:,} of {len(files):,} files copied")
    return len(files)


def fsync_tree(directory: Path) -> None:
    """Make the backup durable before it is called done."""
    for path in [*directory.rglob("*"), directory]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
