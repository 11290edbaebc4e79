"""Introductions (紹介文): what a friend writes about a member, shown once approved."""


def install(app) -> None:
    """Register this feature's routes on ``app``, and its line in the home notices."""
    from keitai import notices

    from . import rules, views

    views.routes.install(app)
    notices.register("introductions", rules.PENDING_COUNT_SQL, "introductions.listing")
