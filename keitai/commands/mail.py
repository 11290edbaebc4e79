"""Receive mail for KEITAI_MAIL_DOMAIN: an SMTP server (posting by mail, 空メール, bounces).

Each message is stored in the database before the server answers 250, then handled; one that
could not be handled is tried again every minute.  Put it behind the domain's MX (Postfix
relaying to it), or run it on port 25 itself; `run.py receive-mail` serves a Postfix pipe instead.
"""
from __future__ import annotations

import signal
import sys
import threading

from . import settings

NAME = "mail"
#: Seconds between two looks for stored messages that were not handled.
RETRY_EVERY = 60


def add_arguments(parser) -> None:
    from keitai.platform.mail import mailbox

    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=2525, help="port to listen on (default: %(default)s; 25 needs root)")
    parser.add_argument("--max-bytes", type=int, default=mailbox.MAX_BYTES, metavar="N",
                        help="largest message accepted (default: %(default)s)")


def run(args) -> int:
    from keitai.app import create_app
    from keitai.platform.db import migrations
    from keitai.platform.mail import mailbox, server

    current = settings()
    if not current.mail_domain:
        print("KEITAI_MAIL_DOMAIN is not set: there is no domain to receive mail for", file=sys.stderr)
        return 2
    create_app(current)  # activates the settings, connects, and lets each feature register its addresses
    migrations.migrate(log=None)
    smtp = server.controller(args.host, args.port, args.max_bytes)
    smtp.start()
    print(f"keitai mail for @{mailbox.domain()} on {args.host}:{args.port} (largest message {args.max_bytes} bytes)",
          flush=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        while True:
            mailbox.process_waiting()
            if stop.wait(RETRY_EVERY):
                break
    finally:
        smtp.stop()
    return 0
