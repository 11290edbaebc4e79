"""Communities (コミュニティ): boards, membership policies, topics, comments, moderation, reports."""


def install(app) -> None:
    """Register this feature's routes on ``app``, its photos' kind and its line in the home notices."""
    from keitai.pages import notices
    from keitai.photos import rules as photos

    from . import rules, views

    views.routes.install(app)
    photos.register_kind(rules.PHOTO_KIND, rules.may_view_photo, "communities.community", "community_id")
    notices.register("community_requests", rules.PENDING_JOIN_REQUESTS_COUNT_SQL, "communities.listing", kind="mine")
