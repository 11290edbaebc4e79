"""Friends: requests and approval, friend lists (groups) to choose as an audience, blocking."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
