"""Back up the database and photos while the site keeps serving: run.py backup DEST.

DEST must not exist yet; it becomes a directory with the database (SQLite: one file
copied with SQLite's online backup API; PostgreSQL: pg_dump from one snapshot), the
photo files that snapshot names (and no other), and manifest.json with the row count of
every table and each photo file's size and SHA-256.  A photo the database names but the
media folder lacks is listed as missing, and the backup says so and exits with 2.  The backup is
written beside DEST and renamed into place only when complete and checked.  It shows
how far it is (pages copied, rows per table, photos copied) on one line on a terminal,
as plain lines otherwise.  Restore with run.py restore DEST.  The secret key
(db/secret_key or KEITAI_SECRET_KEY) is not included: keep it with your backups,
separately, or members sign in again.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from . import connect
from ._progress import Progress

NAME = "backup"


def add_arguments(parser) -> None:
    parser.add_argument("dest", help="directory to create for the backup")
    parser.add_argument("--no-media", action="store_true",
                        help="leave the photo files out (default: they are copied)")


def run(args) -> int:
    from . import _archive as archive

    settings = connect()  # no migration: a backup must not change what it copies
    dest = Path(args.dest).resolve()
    if dest.exists():
        print(f"backup: {dest} already exists; give a new directory", file=sys.stderr)
        return 1
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    partial.mkdir(parents=True)
    try:
        with Progress() as progress:
            if settings.is_sqlite:
                counts, files = archive.backup_sqlite(archive.sqlite_path(settings.database_url),
                                                      partial / archive.SQLITE_FILE, progress.show)
                kind = "sqlite"
            else:
                counts, files = archive.backup_postgres(settings.database_url, partial / archive.PG_FILE,
                                                        progress.show)
                kind = "postgresql"
            photos, missing = (None, []) if args.no_media else archive.copy_photos(
                files, Path(settings.media_dir), partial / archive.MEDIA, progress.show)
        from keitai.platform.db import migrations

        archive.write_manifest(partial, kind, counts, sorted(migrations.applied()), photos, missing)
        archive.fsync_tree(partial)
        partial.rename(dest)
    except archive.ArchiveError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    rows = sum(counts.values())
    print(f"backup: {dest} ({kind}, {len(counts):,} tables, {rows:,} rows, {len(photos or ()):,} photo files)")
    if missing:
        print(f"backup: {len(missing):,} photo file(s) the database names are not in {settings.media_dir}"
              f" (listed in {archive.MANIFEST} as missing_photos): {', '.join(missing[:5])}"
              + (" ..." if len(missing) > 5 else ""), file=sys.stderr)
        return 2
    return 0
