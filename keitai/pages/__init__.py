"""Pages that combine features: home (``/``), コメント記入履歴 (``/comments``), a member's profile,
the settings menu, ``/out``, ``/health``, the handset preview tool and static files."""


def install(app) -> None:
    """Register these pages' routes on ``app``."""
    from . import comments, health, home, out, profile, settings, static, tools

    for module in (home, comments, profile, settings, out, health, tools, static):
        module.routes.install(app)
