"""Messages (メッセージ) between members: inbox, sent box, replies, delete for one side."""


def install(app) -> None:
    """Register this feature's routes on ``app``, and its line in the home notices."""
    from keitai import notices
    from keitai.accounts import owned as owned_registry
    from keitai.reports import rules as reports

    from . import owned, reporting, rules, views

    views.routes.install(app)
    notices.register("messages", rules.UNREAD_COUNT_SQL, "messages.inbox")
    owned_registry.register("messages", export=owned.export, delete=owned.delete)
    reports.register_kind("message", label="メッセージ", find=reporting.find, may_see=reporting.may_see,
                          take_down=reporting.take_down)
