"""Update the carrier gateway IP ranges from a YAML file (carrier: [CIDR, ...]).

The ranges are kept in the database as the operator's set, dated today; the ranges
shipped in keitai/platform/device/gateways.txt are never rewritten.  The newer of the two sets is
in force (the operator's on the same day), in every running process within a minute.
A carrier the file leaves out keeps its ranges; an empty list removes it.  A file that
cannot be read or holds a bad range changes nothing and exits with code 2.
"""
import sys

from . import connect

NAME = "update-gateways"


def add_arguments(parser) -> None:
    parser.add_argument("file", help="YAML file: carrier name (docomo, ezweb, softbank, emobile, willcom)"
                                     " -> list of CIDR ranges")


def run(args) -> int:
    from keitai.platform.device import gateways

    connect(migrate=True)
    try:
        counts = gateways.store_from_yaml(args.file)
    except ValueError as exc:
        print(f"update-gateways: {exc}; nothing was changed", file=sys.stderr)
        return 2
    for carrier, count in sorted(counts.items()):
        print(f"{carrier}: {count:,} range{'' if count == 1 else 's'}")
    current = gateways.in_force()
    if current.origin == gateways.OPERATOR:
        print(f"in force: these ranges, dated {current.updated}; running processes take them up within a minute")
    else:
        print(f"stored, but not in force: the shipped ranges are newer ({current.updated})")
    return 0
