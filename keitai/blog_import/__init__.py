"""Blog import: a member's external RSS/Atom feed becomes diary entries (``/settings/feed``)."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
