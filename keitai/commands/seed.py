"""Make demo members (no sizes given), or a large realistic site: ``seed --members 100000``.

Without ``--members`` it makes the demo members (friends with each other) and prints
each as 'MAIL PASSWORD'.  With it, it makes that many members with friends, friend
requests, friend lists, blocks, diaries with comments, communities with topics and
numbered comments, footprints and messages, in bulk, then indexes them for search,
printing progress; every seeded member
signs in as ``s<id>@<carrier domain>`` with the password printed at the end.
"""
from . import connect

NAME = "seed"


def add_arguments(parser) -> None:
    from keitai.devtools.seed import Sizes

    def option(name, help, default=None, kind=int, metavar="N"):
        parser.add_argument(name, type=kind, default=default, metavar=metavar, help=help)

    option("--members", "members to make (default: 0, the demo members)", 0)
    option("--friends", "median friends per member (default: %(default)s)", Sizes.friends)
    option("--hubs", "share of members with 1,000-5,000 friends (default: %(default)s)", Sizes.hubs, float, "SHARE")
    option("--requests", "pending friend requests per member (default: %(default)s)", Sizes.requests, float)
    option("--groups", "share of members with friend lists (default: %(default)s)", Sizes.groups, float, "SHARE")
    option("--blocks", "share of members who blocked someone (default: %(default)s)", Sizes.blocks, float, "SHARE")
    # Content is made in proportion to --members unless given (see keitai.devtools.seed.Sizes).
    option("--diaries", "diary entries (default: 2 per member)")
    option("--comments", "comments on diaries (default: 3 per member)")
    option("--communities", "communities (default: 1 per 50 members)")
    option("--big-community", "members of the biggest community (default: 100,000, or --members if fewer)")
    option("--topics", "community topics (default: 1 per 5 members)")
    option("--topic-comments", "numbered comments on topics (default: 8 per topic)")
    option("--footprints", "footprints (default: 10 per member)")
    option("--messages", "messages (default: 2 per member)")
    parser.add_argument("--no-search", dest="search", action="store_false",
                        help="leave the seeded site out of the search index (default: index it)")
    option("--seed", "random seed: the same seed makes the same site (default: %(default)s)", Sizes.seed)


def run(args) -> None:
    connect(migrate=True)
    if not getattr(args, "members", 0):
        from keitai.devtools import demo

        for mail, password in demo.seed_demo():
            print(f"{mail} {password}")
        return
    from keitai.devtools import seed

    sizes = seed.Sizes(
        members=args.members, friends=args.friends, hubs=args.hubs, requests=args.requests,
        groups=args.groups, blocks=args.blocks, diaries=args.diaries, comments=args.comments,
        communities=args.communities, big_community=args.big_community, topics=args.topics,
        topic_comments=args.topic_comments, footprints=args.footprints, messages=args.messages,
        search=args.search, seed=args.seed,
    )
    made = seed.seed_site(sizes, progress=lambda line: print(line, flush=True))
    print(", ".join(f"{name}: {count:,}" for name, count in made.items()))
    print(f"members sign in as s<id>@<domain> with password {seed.SEED_PASSWORD}")
