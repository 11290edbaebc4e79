"""Search: members, communities and diary entries by text or kana/romaji reading."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
