"""Search: members, communities, diary entries and community topics by text or kana/romaji reading."""


def install(app) -> None:
    """Register this feature's routes on ``app`` and what it keeps of a member."""
    from keitai.accounts import owned as owned_registry

    from . import owned, views

    views.routes.install(app)
    owned_registry.register("search", export=owned.export, delete=owned.delete)
