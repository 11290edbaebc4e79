"""Communities (コミュニティ): who may join, read, open topics, comment and moderate.

Every rule about a community lives here; views only parse input and render.

- Join policy: ``open`` (anyone joins at once) or ``approval`` (the owner or a
  sub-admin approves each request).  Members the admins removed, and members on
  either side of a block with the owner, cannot join.
- Read policy: ``everyone`` (every signed-in member reads the board) or
  ``members``.  Only members write; topic policy ``admins`` lets only the owner
  and sub-admins open topics.
- Comments are numbered 1, 2, 3... per topic by a counter on the topic row,
  incremented in the comment's own transaction, so two members posting at once
  never get the same number.  Removing a comment keeps its row and number.
- Blocking and suspension: topics, comments and memberships of a member on either
  side of a block with the viewer, or suspended, are left out of every list
  (``keitai.privacy.shown_member_sql`` in the same query) and their pages are not
  found; lifting the suspension brings them back.
- Counters (members, topics, comments, last activity) are kept on write; lists
  are keyset-paged on indexed columns.  A count shown is the counter less the rows
  of members hidden from the viewer (:func:`shown_counts`,
  ``board.shown_comment_counts``), so it always agrees with its list.

The feature's modules: this one holds the decisions (limits, the viewer's
:class:`Standing` and what it permits, who may remove or report an item) and the
list mechanics; community.py makes, edits and deletes a community (the one place
each happens, so the search index is kept there); membership.py joins, leaves,
answers requests, names admins and lists members; lists.py lists communities;
board.py holds topics and comments; moderation.py reports and notice counts.
The package's ``__init__`` is the front door callers import.
"""
from __future__ import annotations

from dataclasses import dataclass

from keitai.platform.db.connection import fetchone, scalar
from keitai.words import Refused

from keitai.privacy import hidden_counts, not_blocked_sql

#: Categories, as mixi had them: key (stored) -> name (shown).
CATEGORIES = {
    "area": "地域",
    "music": "音楽",
    "movie": "映画",
    "tv": "テレビ番組",
    "books": "本・マンガ",
    "games": "ゲーム",
    "sports": "スポーツ",
    "outdoor": "アウトドア",
    "hobby": "趣味",
    "school": "学校",
    "company": "会社・団体",
    "fashion": "ファッション",
    "beauty": "美容・健康",
    "food": "食べ物・飲み物",
    "vehicles": "乗り物",
    "animals": "動物・ペット",
    "love": "恋愛・結婚",
    "celebrity": "芸能人・有名人",
    "study": "学問・研究",
    "life": "生活",
    "other": "その他",
}

JOIN_POLICIES = ("open", "approval")
READ_POLICIES = ("everyone", "members")
TOPIC_POLICIES = ("members", "admins")

NAME_MAX = 50
DESCRIPTION_MAX = 5000
TITLE_MAX = 100
TOPIC_BODY_MAX = 10000
COMMENT_MAX = 3000
REQUEST_MESSAGE_MAX = 300
#: mixi's limits: a member joins at most 1,000 communities, a topic takes 1,000 comments.
MAX_MEMBERSHIPS = 1000
MAX_COMMENTS = 1000
MAX_SUBADMINS = 10


def category_name(key: str) -> str:
    return CATEGORIES.get(key, CATEGORIES["other"])


# ---------------------------------------------------------------------------
# Reading one community, and how a viewer stands to it


@dataclass(frozen=True)
class Community:
    id: int
    name: str
    category: str
    description: str
    photo_id: int | None
    join_policy: str
    read_policy: str
    topic_policy: str
    owner_id: int
    owner_nickname: str
    member_count: int
    topic_count: int
    created_at: int
    last_activity_at: int
    # What the viewer is shown: the members and topics on the community's lists (see :func:`shown_counts`).
    shown_members: int = 0
    shown_topics: int = 0

    @property
    def category_name(self) -> str:
        return category_name(self.category)


@dataclass(frozen=True)
class Standing:
    """How one viewer stands to one community; every permission is a property here."""

    community: Community
    viewer_id: int
    role: str | None  # owner | subadmin | member | None
    requested: bool  # has asked to join and waits
    banned: bool  # was removed by an admin
    blocked_with_owner: bool  # a block either way between viewer and owner
    site_admin: bool

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def is_admin(self) -> bool:
        """The owner (管理人) or a sub-admin (副管理人)."""
        return self.role in ("owner", "subadmin")

    @property
    def can_moderate(self) -> bool:
        """Remove topics and comments, see reports: the community's admins and the site's."""
        return self.is_admin or self.site_admin

    @property
    def can_read(self) -> bool:
        return self.community.read_policy == "everyone" or self.is_member or self.site_admin

    @property
    def can_open_topic(self) -> bool:
        return self.is_member and (self.community.topic_policy == "members" or self.is_admin)

    @property
    def can_join(self) -> bool:
        """May join or ask to (a request still waiting counts as asked, unless the community is now open)."""
        waiting = self.requested and self.community.join_policy == "approval"
        return not self.is_member and not waiting and not self.banned and not self.blocked_with_owner

    @property
    def can_leave(self) -> bool:
        """Members leave; the owner hands the community over first."""
        return self.is_member and not self.is_owner

    @property
    def can_appoint(self) -> bool:
        """Name or drop sub-admins, hand the community over: its owner alone."""
        return self.is_owner

    @property
    def can_delete(self) -> bool:
        """Ask to delete the community: its owner (once it is empty) and site admins."""
        return self.is_owner or self.site_admin

    @property
    def sees_owner(self) -> bool:
        """The owner's name and the community's photo: hidden across a block with the owner."""
        return not self.blocked_with_owner

    @property
    def sees_reporters(self) -> bool:
        """Who reported an item: the site's admins only (a community's admins never learn it)."""
        return self.site_admin


def shown_counts(viewer_id: int, counts: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """Community id -> (members, topics) the viewer is shown in its lists, from the counts kept on
    write: members and topics' authors hidden from the viewer (blocked, suspended) are left out."""
    members = hidden_counts(viewer_id, "community_members", "community_id", "member_id", counts)
    topics = hidden_counts(viewer_id, "community_topics", "community_id", "author_id",
                           [c for c, (_m, t) in counts.items() if t], where="deleted = FALSE")
    return {c: (m - members.get(c, 0), t - topics.get(c, 0)) for c, (m, t) in counts.items()}


_COMMUNITY = (
    "c.id, c.name, c.category, c.description, c.photo_id, c.join_policy, c.read_policy, c.topic_policy,"
    " c.owner_id, o.nickname, c.member_count, c.topic_count, c.created_at, c.last_activity_at"
)
_STANDING = (
    f"SELECT {_COMMUNITY},"
    " (SELECT role FROM community_members WHERE community_id = c.id AND member_id = ?),"
    " EXISTS(SELECT 1 FROM community_join_requests WHERE community_id = c.id AND member_id = ?),"
    " EXISTS(SELECT 1 FROM community_bans WHERE community_id = c.id AND member_id = ?),"
    f" NOT ({not_blocked_sql('c.owner_id')})"
    " FROM communities c JOIN members o ON o.id = c.owner_id WHERE c.id = ?"
)


def standing(community_id: int, viewer_id: int, site_admin: bool = False) -> Standing | None:
    """The community and how ``viewer_id`` stands to it; None if there is none."""
    row = fetchone(_STANDING, (viewer_id,) * 5 + (community_id,))
    if row is None:
        return None
    community = Community(*row[:14], *shown_counts(viewer_id, {row[0]: (row[10], row[11])})[row[0]])
    role, requested, banned, blocked = row[14:]
    if community.owner_id == viewer_id:
        role = "owner"
    return Standing(community, viewer_id, role, bool(requested), bool(banned), bool(blocked), site_admin)


# ---------------------------------------------------------------------------
# Who may act on one item


def may_remove_item(standing: Standing, author_id: int | None, deleted: bool) -> bool:
    """Remove a topic or comment (close a topic, too): its poster and the moderators."""
    return not deleted and (standing.can_moderate or author_id == standing.viewer_id)


def may_report_item(standing: Standing, author_id: int | None, deleted: bool) -> bool:
    """Report a topic or comment to the admins: anyone who reads it but its poster."""
    return not deleted and author_id != standing.viewer_id


def may_remove_member(standing: Standing, role: str | None) -> bool:
    """Remove a member (強制退会): admins remove ordinary members; only the owner (or the
    site's admins) a sub-admin; no one the owner."""
    if role is None or role == "owner" or not standing.can_moderate:
        return False
    return role == "member" or standing.is_owner or standing.site_admin


# ---------------------------------------------------------------------------
# Checking input


def require(condition: bool, code: str, **values) -> None:
    """Refuse with ``code`` (a "communities.<what>" key of words.REFUSALS) unless ``condition``."""
    if not condition:
        raise Refused(code, **values)


def checked_text(value: str | None, limit: int, required: str | None = None) -> str:
    """``value`` trimmed; refused when longer than ``limit`` or (if ``required``) empty."""
    value = (value or "").strip()
    if len(value) > limit:
        raise Refused("communities.too_long", limit=limit)
    if required and not value:
        raise Refused(required)
    return value


def require_room(member_id: int, code: str = "communities.too_many") -> None:
    """Refuse when ``member_id`` already belongs to MAX_MEMBERSHIPS communities."""
    count = scalar("SELECT COUNT(*) FROM community_members WHERE member_id = ?", (member_id,))
    require(count < MAX_MEMBERSHIPS, code, limit=MAX_MEMBERSHIPS)


# ---------------------------------------------------------------------------
# Lists (keyset-paged: keitai.platform.db.paging)


def activity_cursor(row) -> str:
    return f"{row.last_activity_at}_{row.id}"
