"""Deliver queued mail: what each ``run.py serve`` worker does beside serving, as a command
(for a machine that only sends, or from cron with ``--once``).  Mail given up on is listed
with ``--failed``."""
import time

from . import connect

NAME = "send-mail"


def add_arguments(parser) -> None:
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then stop (default: keep sending until stopped)")
    parser.add_argument("--failed", action="store_true", help="list the mail given up on, newest first, and stop (default: send)")


def run(args) -> int:
    from keitai.platform.mail import queue

    connect(migrate=False)
    if args.failed:
        for mail_id, recipient, failed_at, attempts, error in queue.failed():
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(failed_at))
            print(f"{mail_id}\t{when}\t{recipient}\t{attempts} tries\t{error}")
        return 0
    if args.once:
        print(f"{queue.deliver_due():,} mail(s) delivered")
        return 0
    sender = queue.Sender()
    try:
        sender.run()
    except KeyboardInterrupt:
        sender.stop()
    return 0
