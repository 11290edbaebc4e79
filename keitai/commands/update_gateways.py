"""Replace the carrier gateway IP ranges with those in a YAML file (carrier: [CIDR, ...])."""
NAME = "update-gateways"


def add_arguments(parser) -> None:
    parser.add_argument("file", help="YAML file: carrier name -> list of CIDR ranges")


def run(args) -> None:
    from keitai.platform.device import gateways

    counts = gateways.replace_from_yaml(args.file)
    for carrier, count in sorted(counts.items()):
        print(f"{carrier}: {count} ranges")
