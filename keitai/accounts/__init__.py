"""Accounts: members' passwords and signing in (``/login``, ``/logout``), かんたんログイン by the
handset's subscriber id, the sign-in rate limits, and leaving: 退会 (``withdraw.py``) over the
registry of what each feature keeps of a member (``owned.py``), and データのダウンロード
(``archive.py``), a member's archive made from the same registry."""


def install(app) -> None:
    """Register this feature's routes on ``app`` and what it keeps of a member."""
    from . import archive, owned, views, withdraw

    views.routes.install(app)
    owned.register("accounts", export=withdraw.export_account, delete=withdraw.delete_account)
    owned.register("archives", export=archive.export_none, delete=archive.delete, files=archive.files)
