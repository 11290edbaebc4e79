"""Restore a backup made by run.py backup: run.py restore SRC [--force].

Stop the site first.  The whole backup is checked before anything is touched: the
database (SQLite's integrity check and every table's rows against the manifest, or a
readable pg_dump archive with every table's data), the photo files (each one the manifest
lists, by size and SHA-256) and that the database names exactly those photos.  A database
that already holds data is only replaced with --force.  The database is replaced all or
nothing (SQLite backup API; PostgreSQL in one transaction that commits only once every
table's rows and the photos named match the manifest), then the photos are copied back and
the schema is migrated to this version of keitai.
"""
from __future__ import annotations

import sys
from pathlib import Path

from . import connect
from ._progress import Progress

NAME = "restore"


def add_arguments(parser) -> None:
    parser.add_argument("src", help="a directory made by run.py backup")
    parser.add_argument("--force", action="store_true",
                        help="replace a database that already holds data (default: refuse to)")


def run(args) -> int:
    from keitai.platform.db import connection as base
    from keitai.platform.db import migrations

    from . import _archive as archive

    settings = connect()
    src = Path(args.src)
    try:
        manifest = archive.read_manifest(src)
        kind = "sqlite" if settings.is_sqlite else "postgresql"
        if manifest["database"] != kind:
            raise archive.ArchiveError(f"this is a {manifest['database']} backup; the site uses {kind}")
        base.db.close()  # the restore works through its own connections
        if settings.is_sqlite:
            target = archive.sqlite_path(settings.database_url)
            if archive.sqlite_has_rows(target) and not args.force:
                raise archive.ArchiveError(f"{target} holds data; add --force to replace it")
            archive.check_sqlite(src / archive.SQLITE_FILE, manifest)
        else:
            if archive.pg_has_rows(settings.database_url) and not args.force:
                raise archive.ArchiveError("the database holds data; add --force to replace it")
            archive.check_postgres(src / archive.PG_FILE, settings.database_url, manifest)
        archive.check_photos(src, manifest)
        if settings.is_sqlite:
            target.parent.mkdir(parents=True, exist_ok=True)
            counts = archive.restore_sqlite(src / archive.SQLITE_FILE, target)
        else:
            counts = archive.restore_postgres(src / archive.PG_FILE, settings.database_url, manifest)
    except archive.ArchiveError as exc:
        print(f"restore: {exc}", file=sys.stderr)
        return 1
    with Progress() as progress:
        media = archive.restore_photos(src, manifest, Path(settings.media_dir), progress.show)
    applied = migrations.migrate(log=None)
    print(f"restore: {sum(counts.values()):,} rows in {len(counts):,} tables, {media:,} photo files"
          + (f"; migrated: {', '.join(applied)}" if applied else ""))
    missing = manifest.get("missing_photos") or []
    if missing:
        print(f"restore: {len(missing):,} photo file(s) were already missing when the backup was made:"
              f" {', '.join(missing[:5])}" + (" ..." if len(missing) > 5 else ""), file=sys.stderr)
    return 0
