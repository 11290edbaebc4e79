"""Deliver one message from standard input, for a Postfix or Exim pipe transport.

    run.py receive-mail --to RECIPIENT [--from SENDER] < message

Exit status (sysexits.h, as Postfix reads it): 0 delivered (stored, then handled), 67
EX_NOUSER the address is not one of the site's, 65 EX_DATAERR the message is larger than
the limit, 75 EX_TEMPFAIL it could not be stored (the MTA keeps it and tries again).
"""
from __future__ import annotations

import sys

from . import settings

NAME = "receive-mail"
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75


def add_arguments(parser) -> None:
    from keitai.platform.mail import mailbox

    parser.add_argument("--to", required=True, metavar="RECIPIENT", help="the envelope recipient, Postfix's ${recipient} (default: none, it must be given)")
    parser.add_argument("--from", dest="sender", default="", metavar="SENDER",
                        help="the envelope sender, Postfix's ${sender} (default: empty, as for a bounce)")
    parser.add_argument("--max-bytes", type=int, default=mailbox.MAX_BYTES, metavar="N",
                        help="largest message accepted (default: %(default)s)")


def run(args) -> int:
    try:
        from keitai.app import create_app
        from keitai.platform.mail import mailbox

        current = settings()
        create_app(current)  # lets each feature register its addresses
        if mailbox.route(args.to) is None:
            print(f"receive-mail: no such address here: {args.to}", file=sys.stderr)
            return EX_NOUSER
        raw = sys.stdin.buffer.read(args.max_bytes + 1)
        if len(raw) > args.max_bytes:
            print(f"receive-mail: message larger than {args.max_bytes} bytes", file=sys.stderr)
            return EX_DATAERR
        ids = mailbox.store([args.to], args.sender, raw)
    except Exception as exc:  # noqa: BLE001 - not stored: the MTA must keep the message
        print(f"receive-mail: could not store the message ({exc}); try again later", file=sys.stderr)
        return EX_TEMPFAIL
    # Stored is delivered: handling it now (and any left behind) can no longer lose it; what
    # fails stays in the database for a later run.
    for mail_id in ids:
        mailbox.process(mail_id)
    try:
        mailbox.process_waiting(limit=10)
    except Exception as exc:  # noqa: BLE001
        print(f"receive-mail: stored messages left for later ({exc})", file=sys.stderr)
    return EX_OK
