"""Diaries (日記): entries with an audience, comments and photos, members' lists, the friends' feed."""


def install(app) -> None:
    """Register this feature's routes on ``app``, its photos' kind and its line in the home notices."""
    from keitai import notices
    from keitai.photos import rules as photos

    from . import rules, views

    views.routes.install(app)
    photos.register_kind("diary", rules.can_read, "diary.entry", "diary_id")
    notices.register("diary_comments", rules.NEW_COMMENTS_COUNT_SQL, "diary.member_diary")
