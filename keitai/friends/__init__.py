"""Friends: requests and approval, friend lists (groups) to choose as an audience, blocking."""


def install(app) -> None:
    """Register this feature's routes on ``app``, and its line in the home notices."""
    from keitai import notices
    from keitai.accounts import owned as owned_registry

    from . import owned, rules, views

    views.routes.install(app)
    owned_registry.register("friends", export=owned.export, delete=owned.delete)
    notices.register("friend_requests", rules.INCOMING_COUNT_SQL, "friends.requests_page")
