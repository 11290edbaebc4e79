"""お気に入り: a member's private list of the members and communities they added (``/favorites``)."""


def install(app) -> None:
    """Register this feature's routes on ``app`` and what it keeps of a member."""
    from keitai.accounts import owned as owned_registry

    from . import owned, views

    views.routes.install(app)
    owned_registry.register("favorites", export=owned.export, delete=owned.delete)
