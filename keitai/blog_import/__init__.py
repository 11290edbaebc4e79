"""Blog import: a member's external RSS/Atom feed becomes diary entries (``/settings/feed``)."""


def install(app) -> None:
    """Register this feature's routes on ``app``."""
    from keitai.accounts import owned as owned_registry

    from . import owned, views

    views.routes.install(app)
    owned_registry.register("blog_import", export=owned.export, delete=owned.delete)
