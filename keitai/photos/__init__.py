"""Photos: checked, stripped uploads kept under the media directory, served per device and audience."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
