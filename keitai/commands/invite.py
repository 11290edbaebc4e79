"""Invite someone by mail as the operator (how the first member joins): prints the sign-up link.

The link uses KEITAI_BASE_URL (the site's public address); set it before inviting
anyone who is not on this machine.
"""
import sys

from . import connect

NAME = "invite"


def add_arguments(parser) -> None:
    parser.add_argument("address", help="the mail address to invite")
    parser.add_argument("--message", default="", help="a short message for the invitation mail (default: none)")


def run(args) -> None:
    from keitai.signup import invitations
    from keitai.config import DEFAULT_BASE_URL
    from keitai.platform.mail import queue
    from keitai.words import Refused

    settings = connect(migrate=True)
    base_url = settings.base_url or DEFAULT_BASE_URL
    try:
        invitation, token = invitations.invite_and_send(None, args.address, args.message, base_url)
    except Refused as exc:
        print(f"not invited: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"invited {invitation.mail}; valid for {invitations.INVITATION_DAYS:,} days:")
    print(invitations.join_link(base_url, token))
    if not queue.deliver_due():
        print("(the mail server did not take the mail now: it waits in the queue for `run.py serve`'s senders)")
    if not settings.base_url:
        print(f"(KEITAI_BASE_URL is not set: the link points at {DEFAULT_BASE_URL})")
