"""Communities (コミュニティ): boards, membership policies, topics, comments, moderation, reports."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
