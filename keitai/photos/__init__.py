"""Photos: checked, stripped uploads kept under the media directory, served per device and audience."""


def install(app) -> None:
    """Register this feature's routes on ``app`` and what it keeps of a member."""
    from keitai.accounts import owned as owned_registry

    from . import owned, views

    views.routes.install(app)
    owned_registry.register("photos", export=owned.export, delete=owned.delete, files=owned.files,
                            attach=owned.attach)
