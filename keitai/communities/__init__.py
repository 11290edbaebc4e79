"""Communities (コミュニティ): boards, membership policies, topics, comments, moderation, reports.

The feature's front door: callers use ``from keitai import communities`` and the names below;
the modules behind them are described in rules.py.
"""
from . import rules
from .board import (COMMENT_PHOTO_KIND, MAX_PHOTOS, TOPIC_PHOTO_KIND, Comment, CommentPage, Topic, TopicRow, add_comment,
                    as_seen_by, comment_page, commented_topics, comments, create_topic, delete_comment, delete_topic,
                    get_comment, get_topic, may_delete_comment, may_manage_topic, may_read_comment, may_read_topic,
                    set_closed, topic_search_docs, topics)
from .community import (PHOTO_KIND, check_description, create_community, delete_community, edit_community,
                        may_view_photo, remove_photo, replace_description, search_docs, set_photo)
from .lists import (CommunityRow, Update, active_communities, home_updates, member_communities,
                    member_community_count, my_communities, newest_communities)
from .membership import (MemberRow, PersonRow, RequestRow, answer_request, banned_members, cancel_request,
                         hand_over, join, join_requests, leave, member_in, members, remove_member, set_subadmin,
                         subadmins, unban)
from .moderation import (COUNT_CAP, PENDING_JOIN_REQUESTS_COUNT_SQL, ReportRow, community_reports,
                         open_report_count, open_request_count, pending_join_requests_count,
                         resolve_report)
from .rules import (CATEGORIES, COMMENT_MAX, DESCRIPTION_MAX, JOIN_POLICIES, MAX_COMMENTS, MAX_MEMBERSHIPS,
                    MAX_SUBADMINS, NAME_MAX, READ_POLICIES, TITLE_MAX, TOPIC_BODY_MAX,
                    TOPIC_POLICIES, Community, Standing, standing)


def install(app) -> None:
    """Register this feature's routes on ``app``, its photos' kind and its line in the home notices."""
    from keitai import notices
    from keitai.accounts import owned as owned_registry
    from keitai.photos import rules as photos
    from keitai.reports import rules as reports

    from . import board, board_views, community, moderation, owned, reporting, views  # board_views adds to views.routes

    views.routes.install(app)
    owned_registry.register("communities", export=owned.export, delete=owned.delete, files=owned.files)
    reports.register_kind("community", label="コミュニティ", find=reporting.find_community,
                          may_see=reporting.may_see_community, take_down=reporting.take_down_community)
    reports.register_kind("topic", label="トピック", find=reporting.find_topic, may_see=reporting.may_see_topic,
                          take_down=reporting.take_down_topic)
    reports.register_kind("topic_comment", label="トピックのコメント", find=reporting.find_comment,
                          may_see=reporting.may_see_comment, take_down=reporting.take_down_comment)
    photos.register_kind(community.PHOTO_KIND, community.may_view_photo, "communities.community", "community_id")
    photos.register_kind(board.TOPIC_PHOTO_KIND, board.may_read_topic, "communities.topic", "topic_id")
    photos.register_kind(board.COMMENT_PHOTO_KIND, board.may_read_comment, "communities.comment_link", "comment_id")
    notices.register("community_requests", moderation.PENDING_JOIN_REQUESTS_COUNT_SQL, "communities.listing", kind="mine")
