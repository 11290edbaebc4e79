"""Community polls (アンケート): a question with choices and a closing day; one vote per member,
changeable until the close; counts per choice once the viewer has voted or the poll has closed.

Who may see a poll is its community's read policy (keitai/communities/rules.py); the rest is
in rules.py.
"""


def install(app) -> None:
    """Register this feature's routes on ``app`` and what a member owns of it."""
    from keitai.accounts import owned

    from . import rules, views

    views.routes.install(app)
    owned.register("polls", export=rules.export_member, delete=rules.delete_member)
