"""Messages (メッセージ) between members: inbox, sent box, replies, delete for one side."""


def install(app) -> None:
    """Register this feature's routes on ``app``, and its line in the home notices."""
    from keitai import notices

    from . import rules, views

    views.routes.install(app)
    notices.register("messages", rules.UNREAD_COUNT_SQL, "messages.inbox")
