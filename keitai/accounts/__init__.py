"""Accounts: members' passwords and signing in (``/login``, ``/logout``), かんたんログイン by the
handset's subscriber id, and the sign-in rate limits."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
