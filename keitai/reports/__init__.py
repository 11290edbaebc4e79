"""Reports (通報): one form for every kind of member content (``/report/<kind>/<id>``), and the
registry of reportable kinds each feature fills from its ``install(app)``; the operators'
queue is in keitai/admin."""


def install(app) -> None:
    """Register this feature's routes on ``app`` and what it keeps of a member."""
    from keitai.accounts import owned as owned_registry

    from . import rules, views

    views.routes.install(app)
    owned_registry.register("reports", export=rules.export, delete=rules.delete)
