"""Restore a backup made by run.py backup: run.py restore SRC [--force].

Stop the site first.  The backup is checked (SQLite integrity check, or a readable
pg_dump archive) before anything is touched; a database that already holds data is
only replaced with --force.  The restore is all or nothing (SQLite backup API;
PostgreSQL in one transaction), then the row count of every table is compared with
the manifest, the schema is migrated to this version of keitai, and the photo files
are copied back.
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
            target.parent.mkdir(parents=True, exist_ok=True)
            counts = archive.restore_sqlite(src / archive.SQLITE_FILE, target)
        else:
            if archive.pg_has_rows(settings.database_url) and not args.force:
                raise archive.ArchiveError("the database holds data; add --force to replace it")
            counts = archive.restore_postgres(src / archive.PG_FILE, settings.database_url)
        if counts != manifest["tables"]:
            differ = sorted(t for t in set(counts) | set(manifest["tables"])
                            if counts.get(t) != manifest["tables"].get(t))
            raise archive.ArchiveError(f"restored rows differ from the backup's in: {', '.join(differ)}")
    except archive.ArchiveError as exc:
        print(f"restore: {exc}", file=sys.stderr)
        return 1
    applied = migrations.migrate(log=None)
    with Progress() as progress:
        media = archive.copy_media(src / archive.MEDIA, Path(settings.media_dir), progress.show)
    print(f"restore: {sum(counts.values()):,} rows in {len(counts):,} tables, {media:,} photo files"
          + (f"; migrated: {', '.join(applied)}" if applied else ""))
    return 0
