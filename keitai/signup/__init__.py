"""Sign-up: invitations (``/invite``), joining (``/join/<token>``, open sign-up, or by an empty
mail: bymail.py), proving and changing a mobile mail address (``/verify/<token>``,
``/settings/mail``), and mail to members that came back (bounces.py)."""


def install(app) -> None:
    """Register this feature's routes, its addresses in the site's mailbox and its home line."""
    from keitai import notices
    from keitai.platform.mail import mailbox

    from . import bounces, bymail, views

    views.routes.install(app)
    mailbox.register("join", bymail.JOIN_PATTERN, bymail.receive_join)
    mailbox.register("mail-change", bymail.CHANGE_PATTERN, bymail.receive_change)
    mailbox.register("bounce", bounces.LOCAL_PART, bounces.receive)
    notices.register("mail_bounces", bounces.BOUNCES_COUNT_SQL, "settings.mail_page")
