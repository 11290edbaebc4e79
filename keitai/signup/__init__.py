"""Sign-up: invitations (``/invite``), joining (``/join/<token>``, open sign-up), proving and
changing a mobile mail address (``/verify/<token>``, ``/settings/mail``)."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from keitai.accounts import owned as owned_registry

    from . import owned, views

    views.routes.install(app)
    owned_registry.register("signup", export=owned.export, delete=owned.delete)
