"""``run.py`` subcommands, one module each.

A command module has a docstring (its help), ``NAME`` (the subcommand), optionally
``add_arguments(parser)``, and ``run(args) -> int | None``.  run.py finds them all.
"""
from __future__ import annotations

import importlib
import pkgutil


def modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{__name__}.{info.name}")


def settings():
    from keitai.config import Settings

    return Settings.from_env()


def connect(migrate: bool = False):
    """Activate settings from the environment and connect; optionally migrate quietly."""
    from keitai import config
    from keitai.platform.db import connection as base
    from keitai.platform.db import migrations

    current = settings()
    config.activate(current)
    base.connect(current.database_url, statement_timeout=0)  # commands may run long
    if migrate:
        migrations.migrate(log=None)
    return current
