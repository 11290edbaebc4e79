"""Introductions (紹介文): what a friend writes about a member, shown once approved."""


def install(app) -> None:
    """Register this feature's routes on ``app``, and its line in the home notices."""
    from keitai import notices
    from keitai.accounts import owned as owned_registry

    from . import owned, rules, views

    views.routes.install(app)
    notices.register("introductions", rules.PENDING_COUNT_SQL, "introductions.listing")
    owned_registry.register("introductions", export=owned.export, delete=owned.delete)
