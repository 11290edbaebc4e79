"""Delete old footprints (older than KEITAI_FOOTPRINT_DAYS, default 90), expired sessions,
kept texts older than 30 days, the files of photos deleted more than a day ago, expired
データのダウンロード archives, password reset links that can no longer be used, and mail given
up on more than 30 days ago.

Runs in short transactions, so the site keeps serving meanwhile; run it daily from cron.
"""
from . import connect

NAME = "prune"


def add_arguments(parser) -> None:
    from keitai.config import Settings

    parser.add_argument("--footprint-days", type=int, default=None, metavar="N",
                        help="keep footprints of the last N days"
                             f" (default: KEITAI_FOOTPRINT_DAYS, or {Settings.footprint_days} if unset)")


def run(args) -> int:
    from keitai.accounts import archive
    from keitai.footprints import rules as footprints
    from keitai.accounts import reset
    from keitai.kept import rules as kept
    from keitai.photos import rules as photos
    from keitai.platform.mail import queue
    from keitai.platform.web import sessions

    settings = connect(migrate=True)
    days = settings.footprint_days if args.footprint_days is None else args.footprint_days
    if days < 1:
        print("--footprint-days must be at least 1")
        return 2
    gone = footprints.prune(days)
    expired = sessions.prune()
    print(f"pruned {gone:,} footprints older than {days:,} days and {expired:,} expired sessions")
    print(f"pruned {kept.prune():,} kept texts older than {kept.KEEP_DAYS} days")
    print(f"pruned the files of {photos.prune_deleted():,} photos deleted more than"
          f" {photos.KEEP_DELETED // 3600} hours ago")
    print(f"pruned {archive.prune():,} expired archives")
    print(f"pruned {reset.prune():,} used or expired password reset links"
          f" and {queue.prune():,} mails given up on more than {queue.KEEP_FAILED_DAYS} days ago")
    return 0
