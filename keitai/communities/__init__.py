"""Communities (コミュニティ): boards, membership policies, topics, comments, moderation, reports.

The feature's front door: callers use ``from keitai import communities`` and the names below;
the modules behind them are described in rules.py.
"""
from . import rules
from .board import (Comment, CommentPage, Topic, TopicRow, add_comment, as_seen_by, comment_page, comments,
                    create_topic, delete_comment, delete_topic, get_comment, get_topic, may_delete_comment,
                    may_manage_topic, set_closed, topic_search_docs, topics)
from .community import (PHOTO_KIND, check_description, create_community, delete_community, edit_community,
                        may_view_photo, remove_photo, replace_description, search_docs, set_photo)
from .lists import (CommunityRow, Update, active_communities, home_updates, member_communities,
                    member_community_count, my_communities, newest_communities)
from .membership import (MemberRow, PersonRow, RequestRow, answer_request, banned_members, cancel_request,
                         hand_over, join, join_requests, leave, member_in, members, remove_member, set_subadmin,
                         subadmins, unban)
from .moderation import (COUNT_CAP, PENDING_JOIN_REQUESTS_COUNT_SQL, ReportRow, community_reports,
                         open_report_count, open_reports, open_request_count, pending_join_requests_count, report,
                         resolve_report)
from .rules import (CATEGORIES, COMMENT_MAX, DESCRIPTION_MAX, JOIN_POLICIES, MAX_COMMENTS, MAX_MEMBERSHIPS,
                    MAX_SUBADMINS, NAME_MAX, READ_POLICIES, REPORT_REASONS, TITLE_MAX, TOPIC_BODY_MAX,
                    TOPIC_POLICIES, Community, Standing, standing)


def install(app) -> None:
    """Register this feature's routes on ``app``, its photos' kind and its line in the home notices."""
    from keitai import notices
    from keitai.photos import rules as photos

    from . import board_views, community, moderation, views  # board_views adds its routes to views.routes

    views.routes.install(app)
    photos.register_kind(community.PHOTO_KIND, community.may_view_photo, "communities.community", "community_id")
    notices.register("community_requests", moderation.PENDING_JOIN_REQUESTS_COUNT_SQL, "communities.listing", kind="mine")
