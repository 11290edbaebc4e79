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

    parser.add_argument("--members", type=int, default=0, help="members to make (0: the demo members)")
    parser.add_argument("--friends", type=int, default=Sizes.friends, help="median friends per member")
    parser.add_argument("--hubs", type=float, default=Sizes.hubs, help="share of members with thousands of friends")
    parser.add_argument("--requests", type=float, default=Sizes.requests, help="pending friend requests per member")
    parser.add_argument("--groups", type=float, default=Sizes.groups, help="share of members with friend lists")
    parser.add_argument("--blocks", type=float, default=Sizes.blocks, help="share of members who blocked someone")
    content = "(default: proportional to --members)"
    parser.add_argument("--diaries", type=int, help=f"diary entries {content}: 2 per member")
    parser.add_argument("--comments", type=int, help=f"comments on diaries {content}: 3 per member")
    parser.add_argument("--communities", type=int, help=f"communities {content}: 1 per 50 members")
    parser.add_argument("--big-community", type=int, help="members of the biggest community (default: min(100000, members))")
    parser.add_argument("--topics", type=int, help=f"community topics {content}: 1 per 5 members")
    parser.add_argument("--topic-comments", type=int, help=f"numbered comments on topics {content}: 8 per topic")
    parser.add_argument("--footprints", type=int, help=f"footprints {content}: 10 per member")
    parser.add_argument("--messages", type=int, help=f"messages {content}: 2 per member")
    parser.add_argument("--no-search", dest="search", action="store_false",
                        help="do not index the seeded members, diaries and communities for search")
    parser.add_argument("--seed", type=int, default=Sizes.seed, help="random seed (same seed, same site)")


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
