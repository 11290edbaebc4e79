"""The embedded default: seed demo members, print them, and serve (SQLite, mail to db/outbox)."""
from . import seed, serve

NAME = "demo"
add_arguments = serve.add_arguments


def run(args) -> None:
    seed.run(args)
    print("mail is written to db/outbox/ (no mail server needed)")
    serve.run(args)
