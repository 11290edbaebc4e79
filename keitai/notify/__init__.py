"""Notice mails: a member learns by mail, without any content, that a friend request came, that
someone commented on their diary or after their comment, that someone asks to join a community
they run, or that an introduction waits for their approval (``/settings/notify`` switches each
kind).  Features call :func:`rules.notice` where the event happens and :func:`rules.looked` on
the page it points to: one mail per kind until the member has looked."""


def install(app) -> None:
    """Register this feature's routes and what it keeps of a member."""
    from keitai.accounts import owned

    from . import rules, views

    views.routes.install(app)
    owned.register("notify", export=rules.export, delete=rules.delete)
