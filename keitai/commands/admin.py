"""Make a member an operator (admin pages at /admin), or take it back with --revoke."""
from . import connect

NAME = "admin"


def add_arguments(parser) -> None:
    parser.add_argument("mail", help="the member's mail address")
    parser.add_argument("--revoke", action="store_true", help="take the admin rights away (default: give them)")


def run(args) -> int:
    from keitai.accounts import rules as accounts
    from keitai.platform.db.connection import execute, fetchone

    connect(migrate=True)
    mail = accounts.normalize_mail(args.mail)
    row = fetchone("SELECT id, nickname FROM members WHERE mail = ?", (mail,))
    if row is None:
        print(f"no member with mail {mail}")
        return 1
    execute("UPDATE members SET is_admin = ? WHERE id = ?", (not args.revoke, row[0]))
    print(f"{row[1]} (#{row[0]}, {mail}) is {'no longer ' if args.revoke else 'now '}an admin")
    return 0
