"""Create the database or bring it to the latest schema (safe to run again)."""
from . import connect

NAME = "initdb"


def run(args) -> None:
    from keitai.platform.db import migrations

    settings = connect()
    ran = migrations.migrate()
    print(f"database {settings.database_url}: " + (f"{len(ran):,} migrations applied" if ran else "up to date"))
