"""Sign-up: invitations (``/invite``), joining (``/join/<token>``, open sign-up, or by an empty
mail: bymail.py), proving and changing a mobile mail address (``/verify/<token>``,
``/settings/mail``), and mail to members that came back (bounces.py)."""


def install(app) -> None:
    """Register this feature's routes, what it keeps of a member, its addresses in the site's
    mailbox and its home line."""
    from keitai import notices
    from keitai.accounts import owned as owned_registry
    from keitai.platform.mail import mailbox

    from . import bounces, bymail, owned, views

    views.routes.install(app)
    owned_registry.register("signup", export=owned.export, delete=owned.delete)
    mailbox.register("join", bymail.JOIN_PATTERN, bymail.receive_join)
    mailbox.register("mail-change", bymail.CHANGE_PATTERN, bymail.receive_change)
    mailbox.register("bounce", bounces.LOCAL_PART, bounces.receive)
    notices.register("mail_bounces", bounces.BOUNCES_COUNT_SQL, "settings.mail_page")
