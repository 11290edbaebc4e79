"""Kept texts (預かった文章): what a handset member wrote that could not be saved or shown back
within the page budget, kept for them for 30 days (``/kept``)."""


def install(app) -> None:
    """Register this feature's routes on ``app`` and what it keeps of a member."""
    from keitai.accounts import owned as owned_registry

    from . import owned, views

    views.routes.install(app)
    owned_registry.register("kept", export=owned.export, delete=owned.delete)
