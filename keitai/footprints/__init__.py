"""Footprints (足あと): who looked at a member's pages, and how they are connected."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
