"""Search: members, communities, diary entries and community topics by text or kana/romaji reading."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
