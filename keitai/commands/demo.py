"""The embedded default: seed demo members, print them, and serve (SQLite, mail to db/outbox)."""
from . import seed, serve, settings

NAME = "demo"
add_arguments = serve.add_arguments


def run(args) -> None:
    seed.run(args)
    if not settings().smtp_host:
        print(f"mail is written to {settings().outbox_dir}/ (no mail server needed)")
    serve.run(args)
