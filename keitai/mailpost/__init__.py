"""Posting by mail (メール投稿): a member's secret addresses for the diary and the profile
photo (``/settings/post``), and what a mail to them does (rules.py)."""


def install(app) -> None:
    """Register this feature's routes, its addresses in the site's mailbox and what a member owns of it."""
    from keitai.accounts import owned
    from keitai.platform.mail import mailbox

    from . import rules, views

    views.routes.install(app)
    mailbox.register("mailpost", rules.SECRET_PATTERN, rules.receive)
    owned.register("mailpost", export=rules.export, delete=rules.delete)
