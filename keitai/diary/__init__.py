"""Diaries (日記): entries with an audience, comments and photos, members' lists, the friends' feed."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
