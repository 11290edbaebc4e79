"""Build the データのダウンロード archives members asked for that were too large to make at once.

Run it from cron every few minutes; any number may run at once (each job is taken by one).
A job whose worker died is taken up again after an hour.
"""
from . import connect

NAME = "archives"


def add_arguments(parser) -> None:
    parser.add_argument("--limit", type=int, default=100, metavar="N",
                        help="at most this many archives in this run (default: %(default)s)")


def run(args) -> int:
    from keitai.accounts import archive
    from keitai.app import create_app

    settings = connect(migrate=True)
    create_app(settings, connect=False)  # every feature registers what it keeps of a member
    built = archive.build_waiting(args.limit)
    print(f"{built:,} archives built")
    return 0
