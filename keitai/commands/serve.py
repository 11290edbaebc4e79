"""Serve the site with waitress (migrating the database first)."""
from . import settings

NAME = "serve"


def add_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=4)


def run(args) -> None:
    import waitress

    from keitai.app import create_app
    from keitai.models import migrations

    current = settings()
    app = create_app(current)
    migrations.migrate(log=None)
    print(f"keitai on http://{args.host}:{args.port}/ (database {current.database_url})", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="keitai")
