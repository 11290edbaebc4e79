"""The embedded default: seed demo members, print them, and serve the site and its mail
(SQLite, mail out to db/outbox, mail in on 127.0.0.1:2525 for KEITAI_MAIL_DOMAIN, by default keitai.test)."""
from __future__ import annotations

import os
import subprocess
import sys

from . import seed, serve, settings

NAME = "demo"
#: The mail domain the demo receives for when none is set (.test is reserved for testing, RFC 2606).
DEMO_MAIL_DOMAIN = "keitai.test"
MAIL_PORT = 2525


def add_arguments(parser) -> None:
    serve.add_arguments(parser)
    parser.add_argument("--mail-port", type=int, default=MAIL_PORT,
                        help="port of the demo's mail server, beside the site (default: %(default)s)")


def run(args) -> None:
    os.environ.setdefault("KEITAI_MAIL_DOMAIN", DEMO_MAIL_DOMAIN)
    # Links in the demo's mails lead back to the demo's own pages.
    os.environ.setdefault("KEITAI_BASE_URL", f"http://{args.host}:{args.port}")
    seed.run(args)
    current = settings()
    if not current.smtp_host:
        print(f"mail is written to {current.outbox_dir}/ (no mail server needed)")
    run_py = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "run.py")
    mail = subprocess.Popen([sys.executable, run_py, "mail", "--host", args.host, "--port", str(args.mail_port)])
    try:
        serve.run(args)
    finally:
        mail.terminate()
        mail.wait()
