"""Messages (メッセージ) between members: inbox, sent box, replies, delete for one side."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from . import views

    views.routes.install(app)
