"""Rebuild the search index from members, communities and diaries (safe while the site runs).

Every document is made again, readings included: run it after changing how text is folded
or read, or if the index was damaged.  Searches see a partial index until it ends.
"""
from . import connect
from ._progress import Progress

NAME = "reindex"


def add_arguments(parser) -> None:
    batch = 1000
    parser.add_argument("--batch", type=int, default=batch, metavar="N",
                        help=f"documents per transaction (default: {batch:,})")


def run(args) -> None:
    import time

    from keitai.search import rules as search

    connect(migrate=True)
    started = time.perf_counter()
    current = []
    with Progress() as progress:

        def report(kind: str, done: int) -> None:
            if current and current[-1] != kind:
                progress.end()  # each kind's final count stays on the terminal
            current[:] = [kind]
            progress.show(f"{kind}: {done:,} documents ({time.perf_counter() - started:.0f} s)")

        counts = search.reindex(progress=report, batch=args.batch)
    summary = ", ".join(f"{kind} {n:,}" for kind, n in counts.items())
    print(f"search index rebuilt in {time.perf_counter() - started:.1f} s: {summary}")
