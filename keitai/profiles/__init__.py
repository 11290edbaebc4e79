"""Profiles: the fields of a member's profile, each with its own audience, and editing them.

Its pages are the profile (keitai/pages/profile.py) and the settings (keitai/pages/settings.py).
"""


def install(app) -> None:
    """Register the profile photo's kind (keitai.pages installs the pages)."""
    from keitai.accounts import owned as owned_registry
    from keitai.photos import rules as photos
    from keitai.reports import rules as reports

    from . import owned, reporting, rules

    photos.register_kind(rules.PHOTO_KIND, rules.may_view_photo, "profile.profile", "member_id")
    owned_registry.register("profiles", export=owned.export, delete=owned.delete)
    reports.register_kind("profile", label="プロフィール", find=reporting.find, may_see=reporting.may_see,
                          take_down=reporting.take_down)
