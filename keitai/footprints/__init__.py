"""Footprints (足あと): who looked at a member's pages, and how they are connected."""


def install(app) -> None:
    """Register this feature's routes on ``app``, and its line in the home notices."""
    from keitai import notices
    from keitai.accounts import owned as owned_registry

    from . import owned, rules, views

    views.routes.install(app)
    notices.register("footprints", rules.NEW_COUNT_SQL, "footprints.visitors")
    owned_registry.register("footprints", export=owned.export, delete=owned.delete)
