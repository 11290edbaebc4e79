"""Import members' external blogs (RSS/Atom) that are due, as diary entries.

Run it from cron every few minutes, or set KEITAI_FEED_INTERVAL for ``run.py serve``
to do the same in the background.  Each feed is fetched at most every 30 minutes
(with backoff after errors); any number of these may run at once.
"""
from . import connect

NAME = "import-feeds"


def add_arguments(parser) -> None:
    parser.add_argument("--member", type=int, metavar="ID",
                        help="fetch this member's feed now, due or not (default: every feed that is due)")
    parser.add_argument("--limit", type=int, default=500, metavar="N",
                        help="at most this many feeds in this run (default: %(default)s)")


def run(args) -> int:
    from keitai.blog_import import rules as feeds

    connect(migrate=True)
    results = [feeds.import_feed(args.member)] if args.member else feeds.import_due(args.limit)
    failed = 0
    for result in results:
        if result.error:
            failed += 1
            print(f"member {result.member_id}: error {result.error}")
        elif result.imported:
            print(f"member {result.member_id}: {result.imported:,} new entries")
    print(f"{len(results):,} feeds fetched, {sum(r.imported for r in results):,} entries imported, {failed:,} failed")
    return 0
