"""Community events (イベント): a date, a place and a deadline; members 参加 and キャンセル until
the deadline; the list of participants and its count; upcoming events on home.

Who may see an event is its community's read policy (keitai/communities/rules.py); the rest
is in rules.py.
"""
from .rules import EventRow, upcoming_for


def install(app) -> None:
    """Register this feature's routes on ``app`` and what a member owns of it."""
    from keitai.accounts import owned

    from . import rules, views

    views.routes.install(app)
    owned.register("events", export=rules.export_member, delete=rules.delete_member)


__all__ = ["EventRow", "upcoming_for"]
