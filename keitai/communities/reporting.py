"""Communities, topics and topic comments as reportable kinds (keitai.reports).  A takedown
removes a topic or comment as the board's admins would (its number stays, shown removed),
and deletes a community with everything in it (as a site admin may)."""
from __future__ import annotations

from keitai.platform.db.connection import fetchone
from keitai.reports.rules import Reported

from . import board
from .community import delete_community
from .rules import standing


def find_community(community_id: int) -> Reported | None:
    row = fetchone("SELECT owner_id, name, description FROM communities WHERE id = ?", (community_id,))
    return Reported(row[0], row[1], row[2], "communities.community", {"community_id": community_id}) if row else None


def may_see_community(viewer_id: int, community_id: int) -> bool:
    return standing(community_id, viewer_id) is not None  # a community's page is every member's


def take_down_community(community_id: int, operator_id: int) -> None:
    delete_community(standing(community_id, operator_id, site_admin=True))


def find_topic(topic_id: int) -> Reported | None:
    row = fetchone("SELECT author_id, title, body FROM community_topics WHERE id = ? AND deleted = FALSE", (topic_id,))
    return Reported(row[0], row[1], row[2], "communities.topic", {"topic_id": topic_id}) if row else None


def may_see_topic(viewer_id: int, topic_id: int) -> bool:
    return board.may_read_topic(viewer_id, topic_id)


def take_down_topic(topic_id: int, operator_id: int) -> None:
    board.remove_topic(topic_id, operator_id)


def find_comment(comment_id: int) -> Reported | None:
    row = fetchone("SELECT cm.author_id, t.title, cm.body, cm.topic_id, cm.number FROM community_comments cm"
                   " JOIN community_topics t ON t.id = cm.topic_id WHERE cm.id = ? AND cm.deleted = FALSE",
                   (comment_id,))
    if row is None:
        return None
    return Reported(row[0], f"{row[1]} [{row[4]}]", row[2], "communities.topic", {"topic_id": row[3]})


def may_see_comment(viewer_id: int, comment_id: int) -> bool:
    return board.may_read_comment(viewer_id, comment_id)


def take_down_comment(comment_id: int, operator_id: int) -> None:
    board.remove_comment(comment_id, operator_id)
