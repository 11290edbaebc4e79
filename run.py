#!/usr/bin/env python3
"""keitai's command line: ``python run.py COMMAND --help`` for each command."""
from __future__ import annotations

import argparse
import sys


def _settings():
    from keitai.config import Settings

    return Settings.from_env()


def _connect():
    from keitai import config
    from keitai.models import base

    settings = _settings()
    config.activate(settings)
    base.connect(settings.database_url)
    return settings


def cmd_initdb(args) -> None:
    """Create the database or bring it to the latest schema (safe to run again)."""
    from keitai.models import migrations

    settings = _connect()
    ran = migrations.migrate()
    print(f"database {settings.database_url}: " + (f"{len(ran)} migrations applied" if ran else "up to date"))


def cmd_seed(args) -> None:
    """Make demo members (friends with each other) and print each as 'MAIL PASSWORD'."""
    from keitai.models import migrations
    from keitai.social import demo

    _connect()
    migrations.migrate(log=None)
    for mail, password in demo.seed_demo():
        print(f"{mail} {password}")


def cmd_serve(args) -> None:
    """Serve the site with waitress."""
    import waitress

    from keitai.app import create_app
    from keitai.models import migrations

    settings = _settings()
    app = create_app(settings)
    migrations.migrate(log=None)
    print(f"keitai on http://{args.host}:{args.port}/ (database {settings.database_url})", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="keitai")


def cmd_demo(args) -> None:
    """Set up the embedded default (SQLite, mail to db/outbox), print demo members, serve."""
    cmd_seed(args)
    print("mail is written to db/outbox/ (no mail server needed)")
    cmd_serve(args)


def cmd_update_gateways(args) -> None:
    """Replace the carrier gateway IP ranges with those in a YAML file (carrier: [CIDR, ...])."""
    from keitai.device import gateways

    counts = gateways.replace_from_yaml(args.file)
    for carrier, count in sorted(counts.items()):
        print(f"{carrier}: {count} ranges")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run.py", description="keitai: run and operate the site")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, func, help_text):
        p = sub.add_parser(name, help=help_text, description=func.__doc__)
        p.set_defaults(func=func)
        return p

    command("initdb", cmd_initdb, "create or migrate the database")
    command("seed", cmd_seed, "make demo members and print MAIL PASSWORD lines")
    for name, func, help_text in (
        ("serve", cmd_serve, "serve the site with waitress"),
        ("demo", cmd_demo, "seed demo members, then serve"),
    ):
        p = command(name, func, help_text)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8080)
        p.add_argument("--threads", type=int, default=4)
    p = command("update-gateways", cmd_update_gateways, "replace the carrier gateway IP ranges")
    p.add_argument("file", help="YAML file: carrier name -> list of CIDR ranges")

    args = parser.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
