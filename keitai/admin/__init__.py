"""The operator's pages (``/admin``): members, suspension, site switches and notice, reports."""


def install(app) -> None:
    """Register this feature's routes on ``app`` and what its log keeps of a member."""
    from keitai.accounts import owned as owned_registry

    from . import owned, views

    views.routes.install(app)
    owned_registry.register("admin", export=owned.export, delete=owned.delete)
