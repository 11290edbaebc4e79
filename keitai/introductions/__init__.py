"""Introductions (紹介文): what a friend writes about a member, shown once approved."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
