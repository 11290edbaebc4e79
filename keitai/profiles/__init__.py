"""Profiles: the fields of a member's profile, each with its own audience, and editing them.

Its pages are the profile (keitai/pages/profile.py) and the settings (keitai/pages/settings.py).
"""


def install(app) -> None:
    """Register the profile photo's kind (keitai.pages installs the pages)."""
    from keitai.photos import rules as photos

    from . import rules

    photos.register_kind(rules.PHOTO_KIND, rules.may_view_photo, "profile.profile", "member_id")
