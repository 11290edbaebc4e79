"""The operator's pages (``/admin``): members, suspension, site switches and notice, reports."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
