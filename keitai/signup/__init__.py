"""Sign-up: invitations (``/invite``), joining (``/join/<token>``, open sign-up), proving and
changing a mobile mail address (``/verify/<token>``, ``/settings/mail``)."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
