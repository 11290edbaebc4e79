#!/usr/bin/env python3
"""keitai's command line: ``python run.py COMMAND --help`` for each command.

Commands live in keitai/commands/, one module each.
"""
from __future__ import annotations

import argparse
import sys

from keitai import commands
from keitai.platform.web import accesslog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run.py", description="keitai: run and operate the site")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in commands.modules():
        doc = (module.__doc__ or "").strip()
        p = sub.add_parser(module.NAME, help=doc.splitlines()[0] if doc else "", description=doc)
        if hasattr(module, "add_arguments"):
            module.add_arguments(p)
        p.set_defaults(run=module.run)
    args = parser.parse_args(argv)
    accesslog.configure(commands.settings())  # log lines to stderr; access lines where KEITAI_ACCESS_LOG says
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
