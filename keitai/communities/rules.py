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
- Blocking: topics and comments by a member on either side of a block with the
  viewer are left out of every list (a NOT EXISTS in the same query) and their
  pages are not found.
- Counters (members, topics, comments, last activity) are kept on write; lists
  are keyset-paged on indexed columns and never count rows.

create_community / edit_community / delete_community are the one place each of
those happens, so a search index can hook them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from peewee import IntegrityError

from keitai import words as messages
from keitai.models import communities as models
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar
from keitai.platform.text import parts

from keitai import privacy as audience
from keitai.photos import rules as photos
from keitai.search import rules as search

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

#: Why a member reports a topic or comment: key -> what the admins see.
REPORT_REASONS = {
    "abuse": "誹謗中傷・嫌がらせ",
    "spam": "宣伝・スパム",
    "obscene": "わいせつな内容",
    "personal": "個人情報の書き込み",
    "other": "その他",
}

NAME_MAX = 50
DESCRIPTION_MAX = 5000
TITLE_MAX = 100
TOPIC_BODY_MAX = 10000
COMMENT_MAX = 3000
REQUEST_MESSAGE_MAX = 300
REPORT_NOTE_MAX = 500
#: mixi's limits: a member joins at most 1,000 communities, a topic takes 1,000 comments.
MAX_MEMBERSHIPS = 1000
MAX_COMMENTS = 1000
MAX_SUBADMINS = 10


class CommunityError(Exception):
    """A request the rules refuse; ``message`` is the Japanese sentence to show."""

    def __init__(self, code: str, **values):
        self.code = code
        self.message = messages.COMMUNITY[code].format(**values)
        super().__init__(self.message)


class FieldTooLong(CommunityError):
    def __init__(self, limit: int):
        self.code = "too_long"
        self.message = messages.FIELD_TOO_LONG.format(limit=limit)
        Exception.__init__(self, self.message)


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

    @property
    def category_name(self) -> str:
        return CATEGORIES.get(self.category, CATEGORIES["other"])


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


_COMMUNITY = (
    "c.id, c.name, c.category, c.description, c.photo_id, c.join_policy, c.read_policy, c.topic_policy,"
    " c.owner_id, o.nickname, c.member_count, c.topic_count, c.created_at, c.last_activity_at"
)
_STANDING = (
    f"SELECT {_COMMUNITY},"
    " (SELECT role FROM community_members WHERE community_id = c.id AND member_id = ?),"
    " EXISTS(SELECT 1 FROM community_join_requests WHERE community_id = c.id AND member_id = ?),"
    " EXISTS(SELECT 1 FROM community_bans WHERE community_id = c.id AND member_id = ?),"
    " EXISTS(SELECT 1 FROM blocks WHERE (blocker_id = c.owner_id AND blocked_id = ?)"
    "        OR (blocker_id = ? AND blocked_id = c.owner_id))"
    " FROM communities c JOIN members o ON o.id = c.owner_id WHERE c.id = ?"
)


def standing(community_id: int, viewer_id: int, site_admin: bool = False) -> Standing | None:
    """The community and how ``viewer_id`` stands to it (one query); None if there is none."""
    row = fetchone(_STANDING, (viewer_id,) * 5 + (community_id,))
    if row is None:
        return None
    community = Community(*row[:14])
    role, requested, banned, blocked = row[14:]
    if community.owner_id == viewer_id:
        role = "owner"
    return Standing(community, viewer_id, role, bool(requested), bool(banned), bool(blocked), site_admin)


def _require(condition: bool, code: str, **values) -> None:
    if not condition:
        raise CommunityError(code, **values)


def _text(value: str | None, limit: int, required: str | None = None) -> str:
    """``value`` trimmed; refused when longer than ``limit`` or (if ``required``) empty."""
    value = (value or "").strip()
    if len(value) > limit:
        raise FieldTooLong(limit)
    if required and not value:
        raise CommunityError(required)
    return value


def _membership_count(member_id: int) -> int:
    return scalar("SELECT COUNT(*) FROM community_members WHERE member_id = ?", (member_id,))


# ---------------------------------------------------------------------------
# Creating, editing and deleting communities (one function each: hooks go here)


def _settings(name, category, description, join_policy, read_policy, topic_policy) -> dict:
    settings = {
        "name": _text(name, NAME_MAX, "name_required"),
        "category": category,
        "description": _text(description, DESCRIPTION_MAX),
        "join_policy": join_policy,
        "read_policy": read_policy,
        "topic_policy": topic_policy,
    }
    _require(category in CATEGORIES, "bad_category")
    _require(
        join_policy in JOIN_POLICIES and read_policy in READ_POLICIES and topic_policy in TOPIC_POLICIES,
        "bad_policy",
    )
    return settings


def create_community(owner_id: int, name: str, category: str, description: str = "",
                     join_policy: str = "open", read_policy: str = "everyone",
                     topic_policy: str = "members") -> int:
    """Make a community whose owner (and first member) is ``owner_id``; return its id."""
    settings = _settings(name, category, description, join_policy, read_policy, topic_policy)
    _require(_membership_count(owner_id) < MAX_MEMBERSHIPS, "too_many", limit=MAX_MEMBERSHIPS)
    t = now()
    with db.atomic():
        community_id = models.Community.insert(
            **settings, owner=owner_id, member_count=1, topic_count=0, created_at=t, last_activity_at=t
        ).execute()
        execute(
            "INSERT INTO community_members (community_id, member_id, role, joined_at) VALUES (?, ?, 'member', ?)",
            (community_id, owner_id, t),
        )
        # A community's name and description are shown to every member, whatever its board's policy.
        search.index(search.COMMUNITY, community_id, owner_id, settings["name"], settings["description"],
                     updated_at=t)
    return community_id


def edit_community(standing: Standing, name: str, category: str, description: str | None,
                   join_policy: str, read_policy: str, topic_policy: str, expected_description: str | None = None) -> None:
    """Change a community's name, category, description and policies (its admins may).

    ``description`` None leaves it as it is.  With ``expected_description``, nothing changes
    unless the description still is that text (else :class:`keitai.platform.text.parts.Changed`).
    """
    _require(standing.is_admin, "not_admin")
    settings = _settings(name, category, description or "", join_policy, read_policy, topic_policy)
    if description is None:
        del settings["description"]
    sets = ", ".join(f"{column} = ?" for column in settings)
    expect_sql, expect_value = ("", ()) if expected_description is None else (" AND description = ?", (expected_description,))
    with db.atomic():
        changed = execute(f"UPDATE communities SET {sets} WHERE id = ?{expect_sql}",
                          (*settings.values(), standing.community.id, *expect_value)).rowcount
        if not changed and expected_description is not None:
            raise parts.Changed(standing.community.id)
        _index_community(standing.community)


def check_description(description: str) -> tuple[str, list[str]]:
    """A community's description as it would be stored, and what is wrong with it."""
    try:
        return _text(description, DESCRIPTION_MAX), []
    except CommunityError as exc:
        return description, [exc.message]


def replace_description(standing: Standing, old: str, new: str) -> bool:
    """Change a community's description from ``old`` to ``new`` (already checked; its admins may);
    False if it is no longer ``old``."""
    _require(standing.is_admin, "not_admin")
    with db.atomic():
        if not execute("UPDATE communities SET description = ? WHERE id = ? AND description = ?",
                       (new, standing.community.id, old)).rowcount:
            return False
        _index_community(standing.community)
    return True


def _index_community(community) -> None:
    name, description = fetchone("SELECT name, description FROM communities WHERE id = ?", (community.id,))
    search.index(search.COMMUNITY, community.id, community.owner_id, name, description, updated_at=now())


def delete_community(standing: Standing) -> None:
    """Delete a community with everything in it.

    Its owner may once no one else is left in it (members' writing is not the
    owner's to throw away); site admins may at any time.
    """
    if not standing.site_admin:
        _require(standing.is_owner, "not_owner")
        _require(standing.community.member_count <= 1, "cannot_delete")
    with db.atomic():
        execute("DELETE FROM communities WHERE id = ?", (standing.community.id,))
        search.remove(search.COMMUNITY, standing.community.id)
        files = photos.delete_rows(PHOTO_KIND, standing.community.id)
    photos.remove_files(files)


# ---------------------------------------------------------------------------
# The community's photo (one; its admins change it)

PHOTO_KIND = "community"


def may_view_photo(viewer_id: int, community_id: int) -> bool:
    """A community's photo, like its name and description, is shown to every signed-in member
    except those blocked with its owner either way."""
    row = fetchone("SELECT owner_id FROM communities WHERE id = ?", (community_id,))
    return row is not None and (row[0] == viewer_id or not audience.blocked_between(viewer_id, row[0]))


def set_photo(standing: Standing, prepared: photos.Prepared) -> int:
    """Make ``prepared`` the community's photo, replacing any (its admins may); returns its id."""
    _require(standing.is_admin, "not_admin")
    community_id = standing.community.id
    stored = photos.write_files([prepared])
    try:
        with db.atomic():
            old_files = photos.delete_rows(PHOTO_KIND, community_id)
            photos.add_rows(standing.viewer_id, PHOTO_KIND, community_id, stored)
            photo_id = fetchone(
                "SELECT id FROM photos WHERE kind = ? AND ref_id = ? ORDER BY id DESC", (PHOTO_KIND, community_id)
            )[0]
            execute("UPDATE communities SET photo_id = ? WHERE id = ?", (photo_id, community_id))
    except BaseException:
        photos.remove_files([name for name, _ in stored])
        raise
    photos.remove_files(old_files)
    return photo_id


def remove_photo(standing: Standing) -> None:
    """Take the community's photo down (its admins may)."""
    _require(standing.is_admin, "not_admin")
    with db.atomic():
        files = photos.delete_rows(PHOTO_KIND, standing.community.id)
        execute("UPDATE communities SET photo_id = NULL WHERE id = ?", (standing.community.id,))
    photos.remove_files(files)


# ---------------------------------------------------------------------------
# Membership


def join(standing: Standing, message: str = "") -> str:
    """Join (open communities) or ask to join (approval); returns ``joined`` or ``requested``."""
    _require(not standing.is_member, "already_member")
    _require(not standing.banned and not standing.blocked_with_owner, "cannot_join")
    approval = standing.community.join_policy == "approval"
    _require(not (approval and standing.requested), "already_requested")
    message = _text(message, REQUEST_MESSAGE_MAX)
    member_id, community_id = standing.viewer_id, standing.community.id
    _require(_membership_count(member_id) < MAX_MEMBERSHIPS, "too_many", limit=MAX_MEMBERSHIPS)
    try:
        if approval:
            execute(
                "INSERT INTO community_join_requests (community_id, member_id, message, created_at) VALUES (?, ?, ?, ?)",
                (community_id, member_id, message, now()),
            )
            return "join_requested"
        _add_member(community_id, member_id)
    except IntegrityError:  # a second click that raced the first
        raise CommunityError("already_requested" if approval else "already_member") from None
    return "joined"


def _add_member(community_id: int, member_id: int) -> None:
    with db.atomic():
        execute(
            "INSERT INTO community_members (community_id, member_id, role, joined_at) VALUES (?, ?, 'member', ?)",
            (community_id, member_id, now()),
        )
        execute("UPDATE communities SET member_count = member_count + 1 WHERE id = ?", (community_id,))
        # A request left from when the community asked for approval is answered by joining.
        execute(
            "DELETE FROM community_join_requests WHERE community_id = ? AND member_id = ?", (community_id, member_id)
        )


def _drop_member(community_id: int, member_id: int) -> bool:
    with db.atomic():
        gone = execute(
            "DELETE FROM community_members WHERE community_id = ? AND member_id = ?", (community_id, member_id)
        ).rowcount
        if gone:
            execute("UPDATE communities SET member_count = member_count - 1 WHERE id = ?", (community_id,))
    return bool(gone)


def cancel_request(standing: Standing) -> None:
    """Withdraw my request to join."""
    _require(standing.requested, "no_request")
    execute(
        "DELETE FROM community_join_requests WHERE community_id = ? AND member_id = ?",
        (standing.community.id, standing.viewer_id),
    )


def leave(standing: Standing) -> None:
    """Leave a community; the owner must hand it over first."""
    _require(standing.is_member, "not_joined")
    _require(not standing.is_owner, "owner_cannot_leave")
    _drop_member(standing.community.id, standing.viewer_id)


def answer_request(standing: Standing, member_id: int, approve: bool) -> None:
    """Approve or turn down ``member_id``'s request to join (the community's admins)."""
    _require(standing.is_admin, "not_admin")
    community_id = standing.community.id
    _require(fetchone(
        "SELECT 1 FROM community_join_requests WHERE community_id = ? AND member_id = ?", (community_id, member_id)
    ) is not None, "no_request")
    if not approve:
        execute("DELETE FROM community_join_requests WHERE community_id = ? AND member_id = ?", (community_id, member_id))
        return
    _require(_membership_count(member_id) < MAX_MEMBERSHIPS, "their_too_many", limit=MAX_MEMBERSHIPS)
    try:
        _add_member(community_id, member_id)
    except IntegrityError:  # already in (approved twice at once): the request is answered
        execute("DELETE FROM community_join_requests WHERE community_id = ? AND member_id = ?", (community_id, member_id))


def _role_of(community_id: int, member_id: int) -> str | None:
    return scalar(
        "SELECT role FROM community_members WHERE community_id = ? AND member_id = ?", (community_id, member_id)
    )


def set_subadmin(standing: Standing, member_id: int, subadmin: bool) -> None:
    """Name a member sub-admin (副管理人), or take it back (the owner may)."""
    _require(standing.is_owner, "not_owner")
    community_id = standing.community.id
    _require(member_id != standing.community.owner_id and _role_of(community_id, member_id) is not None, "not_a_member")
    if subadmin:
        count = scalar(
            "SELECT COUNT(*) FROM community_members WHERE community_id = ? AND role = 'subadmin'", (community_id,)
        )
        _require(count < MAX_SUBADMINS, "too_many_subadmins", limit=MAX_SUBADMINS)
    execute(
        "UPDATE community_members SET role = ? WHERE community_id = ? AND member_id = ?",
        ("subadmin" if subadmin else "member", community_id, member_id),
    )


def hand_over(standing: Standing, member_id: int) -> None:
    """Make ``member_id`` the owner; the old owner stays on as an ordinary member."""
    _require(standing.is_owner, "not_owner")
    community_id = standing.community.id
    _require(member_id != standing.viewer_id and _role_of(community_id, member_id) is not None, "not_a_member")
    with db.atomic():
        execute("UPDATE communities SET owner_id = ? WHERE id = ?", (member_id, community_id))
        execute(
            "UPDATE community_members SET role = 'member' WHERE community_id = ? AND member_id = ?",
            (community_id, member_id),
        )


def remove_member(standing: Standing, member_id: int) -> None:
    """Remove a member and keep them from coming back (強制退会).

    Admins remove ordinary members; only the owner removes a sub-admin; no one removes the owner.
    """
    _require(standing.can_moderate, "not_admin")
    community_id = standing.community.id
    role = _role_of(community_id, member_id)
    _require(role is not None, "not_a_member")
    _require(member_id != standing.community.owner_id, "cannot_remove_admin")
    _require(role == "member" or standing.is_owner or standing.site_admin, "cannot_remove_admin")
    with db.atomic():
        _drop_member(community_id, member_id)
        execute(
            "INSERT INTO community_bans (community_id, member_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (community_id, member_id, now()),
        )


def unban(standing: Standing, member_id: int) -> None:
    """Let a removed member join again."""
    _require(standing.can_moderate, "not_admin")
    execute("DELETE FROM community_bans WHERE community_id = ? AND member_id = ?", (standing.community.id, member_id))


# ---------------------------------------------------------------------------
# Lists (keyset-paged: ``before`` is the cursor the previous page handed out)


class Page(NamedTuple):
    items: list
    next: str | None  # cursor for the following page, None on the last


def _page(rows: list, limit: int, cursor) -> Page:
    if len(rows) > limit:
        return Page(rows[:limit], cursor(rows[limit - 1]))
    return Page(rows, None)


def parse_cursor(value: str | None, parts: int = 2) -> tuple[int, ...] | None:
    """``"1700000000_42"`` -> (1700000000, 42); anything malformed -> None (the first page)."""
    if not value:
        return None
    pieces = value.split("_")
    if len(pieces) != parts or not all(p.isdecimal() and len(p) < 19 for p in pieces):
        return None
    return tuple(int(p) for p in pieces)


def _not_blocked(author_column: str) -> str:
    """SQL: no block either way between the viewer (two ``?``) and ``author_column``."""
    return (
        f"NOT EXISTS(SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = {author_column})"
        f" AND NOT EXISTS(SELECT 1 FROM blocks WHERE blocker_id = {author_column} AND blocked_id = ?)"
    )


class CommunityRow(NamedTuple):
    id: int
    name: str
    category: str
    member_count: int
    topic_count: int
    last_activity_at: int

    @property
    def category_name(self) -> str:
        return CATEGORIES.get(self.category, CATEGORIES["other"])


_ROW = "c.id, c.name, c.category, c.member_count, c.topic_count, c.last_activity_at"


def _activity_cursor(row) -> str:
    return f"{row.last_activity_at}_{row.id}"


# A member's communities (at most MAX_MEMBERSHIPS), read first through
# community_members_member.  MATERIALIZED keeps it first: PostgreSQL's statistics know
# only the average member, and for one in hundreds of communities it would rather walk
# every community by activity and probe each for the membership.
_JOINED = "WITH joined AS MATERIALIZED (SELECT community_id FROM community_members WHERE member_id = ?)"


def my_communities(member_id: int, limit: int = 10, before: str | None = None) -> Page:
    """The communities ``member_id`` belongs to, most recently active first."""
    cursor = parse_cursor(before)
    sql = f"{_JOINED} SELECT {_ROW} FROM joined JOIN communities c ON c.id = joined.community_id"
    args: tuple = (member_id,)
    if cursor:
        sql += " WHERE (c.last_activity_at, c.id) < (?, ?)"
        args += cursor
    rows = [CommunityRow(*r) for r in fetchall(
        sql + " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?", args + (limit + 1,))]
    return _page(rows, limit, _activity_cursor)


def newest_communities(limit: int = 10, before: str | None = None) -> Page:
    cursor = parse_cursor(before, 1)
    sql, args = f"SELECT {_ROW} FROM communities c", ()
    if cursor:
        sql, args = sql + " WHERE c.id < ?", cursor
    rows = [CommunityRow(*r) for r in fetchall(sql + " ORDER BY c.id DESC LIMIT ?", args + (limit + 1,))]
    return _page(rows, limit, lambda row: str(row.id))


def active_communities(limit: int = 10, before: str | None = None, category: str | None = None) -> Page:
    """Communities by latest activity (a new topic or comment); optionally of one category."""
    cursor = parse_cursor(before)
    where, args = [], ()
    if category is not None:
        where.append("c.category = ?")
        args += (category,)
    if cursor:
        where.append("(c.last_activity_at, c.id) < (?, ?)")
        args += cursor
    sql = f"SELECT {_ROW} FROM communities c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = [CommunityRow(*r) for r in fetchall(
        sql + " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?", args + (limit + 1,))]
    return _page(rows, limit, _activity_cursor)


class TopicRow(NamedTuple):
    id: int
    title: str
    comment_count: int
    closed: bool
    last_activity_at: int
    author_nickname: str | None


def topics(standing: Standing, limit: int = 10, before: str | None = None) -> Page:
    """The community's topics, latest activity first, without those of blocked members."""
    if not standing.can_read:
        return Page([], None)
    cursor = parse_cursor(before)
    v = standing.viewer_id
    sql = (
        "SELECT t.id, t.title, t.comment_count, t.closed, t.last_activity_at, a.nickname"
        " FROM community_topics t LEFT JOIN members a ON a.id = t.author_id"
        f" WHERE t.community_id = ? AND t.deleted = FALSE AND {_not_blocked('t.author_id')}"
    )
    args: tuple = (standing.community.id, v, v)
    if cursor:
        sql += " AND (t.last_activity_at, t.id) < (?, ?)"
        args += cursor
    rows = fetchall(sql + " ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?", args + (limit + 1,))
    rows = [TopicRow(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]
    return _page(rows, limit, _activity_cursor)


class MemberRow(NamedTuple):
    id: int
    nickname: str
    role: str  # owner | subadmin | member
    joined_at: int


def members(standing: Standing, limit: int = 20, before: str | None = None) -> Page:
    """Members, newest first (those on either side of a block with the viewer left out)."""
    if not standing.can_read:
        return Page([], None)
    cursor = parse_cursor(before)
    v = standing.viewer_id
    sql = (
        "SELECT m.id, m.nickname, cm.role, cm.joined_at FROM community_members cm JOIN members m ON m.id = cm.member_id"
        f" WHERE cm.community_id = ? AND {_not_blocked('cm.member_id')}"
    )
    args: tuple = (standing.community.id, v, v)
    if cursor:
        sql += " AND (cm.joined_at, cm.member_id) < (?, ?)"
        args += cursor
    rows = fetchall(sql + " ORDER BY cm.joined_at DESC, cm.member_id DESC LIMIT ?", args + (limit + 1,))
    owner = standing.community.owner_id
    rows = [MemberRow(r[0], r[1], "owner" if r[0] == owner else r[2], r[3]) for r in rows]
    return _page(rows, limit, lambda row: f"{row.joined_at}_{row.id}")


class PersonRow(NamedTuple):
    id: int
    nickname: str
    role: str | None
    joined_at: int | None
    banned: bool


def member_in(standing: Standing, member_id: int) -> PersonRow | None:
    """A member as this community's admins see them (member, banned, or None if neither)."""
    row = fetchone(
        "SELECT m.id, m.nickname, cm.role, cm.joined_at,"
        " EXISTS(SELECT 1 FROM community_bans WHERE community_id = ? AND member_id = m.id)"
        " FROM members m LEFT JOIN community_members cm ON cm.community_id = ? AND cm.member_id = m.id"
        " WHERE m.id = ?",
        (standing.community.id, standing.community.id, member_id),
    )
    if row is None or (row[2] is None and not row[4]):
        return None
    role = "owner" if row[0] == standing.community.owner_id else row[2]
    return PersonRow(row[0], row[1], role, row[3], bool(row[4]))


def subadmins(standing: Standing) -> list[MemberRow]:
    rows = fetchall(
        "SELECT m.id, m.nickname, cm.role, cm.joined_at FROM community_members cm JOIN members m ON m.id = cm.member_id"
        " WHERE cm.community_id = ? AND cm.role = 'subadmin' ORDER BY cm.joined_at",
        (standing.community.id,),
    )
    return [MemberRow(*r) for r in rows]


def banned_members(standing: Standing, limit: int = 50) -> list[MemberRow]:
    rows = fetchall(
        "SELECT m.id, m.nickname, 'banned', b.created_at FROM community_bans b JOIN members m ON m.id = b.member_id"
        " WHERE b.community_id = ? ORDER BY b.created_at DESC LIMIT ?",
        (standing.community.id, limit),
    )
    return [MemberRow(*r) for r in rows]


class RequestRow(NamedTuple):
    member_id: int
    nickname: str
    message: str
    created_at: int


def join_requests(standing: Standing, limit: int = 20, before: str | None = None) -> Page:
    """Requests waiting for this community's admins, oldest first."""
    if not standing.is_admin:
        return Page([], None)
    cursor = parse_cursor(before)
    sql = (
        "SELECT r.member_id, m.nickname, r.message, r.created_at FROM community_join_requests r"
        " JOIN members m ON m.id = r.member_id WHERE r.community_id = ?"
    )
    args: tuple = (standing.community.id,)
    if cursor:
        sql += " AND (r.created_at, r.member_id) > (?, ?)"
        args += cursor
    rows = [RequestRow(*r) for r in fetchall(
        sql + " ORDER BY r.created_at, r.member_id LIMIT ?", args + (limit + 1,))]
    return _page(rows, limit, lambda row: f"{row.created_at}_{row.member_id}")


class Update(NamedTuple):
    """A topic with something new in one of my communities (home)."""

    topic_id: int
    title: str
    comment_count: int
    last_activity_at: int
    community_id: int
    community_name: str


# The newest N topics across my communities, read without touching every topic of
# every community I belong to: take my M most recently active communities (the
# newest topics are in them, since a community's last activity is its newest
# topic's), and from each only the topics at least as recent as its M-th newest
# (one short walk down community_topics_activity per community).  M = 2N leaves
# room for topics hidden from me (removed, or on either side of a block).
_HOME = (
    f"{_JOINED}, top AS ("
    " SELECT c.id, c.name FROM joined JOIN communities c ON c.id = joined.community_id"
    " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?),"
    " mine AS ("
    " SELECT top.id, top.name, COALESCE((SELECT t2.last_activity_at FROM community_topics t2"
    "  WHERE t2.community_id = top.id ORDER BY t2.last_activity_at DESC LIMIT 1 OFFSET ?), 0) AS floor"
    " FROM top)"
    " SELECT t.id, t.title, t.comment_count, t.last_activity_at, mine.id, mine.name"
    " FROM mine JOIN community_topics t ON t.community_id = mine.id AND t.last_activity_at >= mine.floor"
    f" WHERE t.deleted = FALSE AND {_not_blocked('t.author_id')}"
    " ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?"
)


def home_updates(member_id: int, limit: int = 5) -> list[Update]:
    """Newest topics and comments in my communities: one indexed query."""
    margin = limit * 2
    rows = fetchall(_HOME, (member_id, margin, margin - 1, member_id, member_id, limit))
    return [Update(*r) for r in rows]


# ---------------------------------------------------------------------------
# Topics and comments


@dataclass(frozen=True)
class Topic:
    id: int
    community_id: int
    author_id: int | None
    author_nickname: str | None
    title: str
    body: str
    comment_count: int
    closed: bool
    deleted: bool
    created_at: int
    last_activity_at: int


_TOPIC = (
    "SELECT t.id, t.community_id, t.author_id, a.nickname, t.title, t.body, t.comment_count, t.closed, t.deleted,"
    " t.created_at, t.last_activity_at,"
    " EXISTS(SELECT 1 FROM blocks WHERE (blocker_id = t.author_id AND blocked_id = ?)"
    "        OR (blocker_id = ? AND blocked_id = t.author_id))"
    " FROM community_topics t LEFT JOIN members a ON a.id = t.author_id WHERE t.id = ?"
)


def get_topic(topic_id: int, viewer_id: int) -> Topic | None:
    """The topic, or None if there is none or a block stands between its author and the viewer."""
    row = fetchone(_TOPIC, (viewer_id, viewer_id, topic_id))
    if row is None or row[11]:
        return None
    return Topic(*row[:7], bool(row[7]), bool(row[8]), row[9], row[10])


def create_topic(standing: Standing, title: str, body: str) -> int:
    """Open a topic in the community; return its id."""
    _require(standing.is_member, "not_member")
    _require(standing.can_open_topic, "admins_only_topics")
    title = _text(title, TITLE_MAX, "title_required")
    body = _text(body, TOPIC_BODY_MAX, "body_required")
    t = now()
    with db.atomic():
        topic_id = models.Topic.insert(
            community=standing.community.id, author=standing.viewer_id, title=title, body=body,
            created_at=t, last_activity_at=t,
        ).execute()
        execute(
            "UPDATE communities SET topic_count = topic_count + 1, last_activity_at = ? WHERE id = ?",
            (t, standing.community.id),
        )
    return topic_id


def may_manage_topic(standing: Standing, topic: Topic) -> bool:
    """Close, reopen or delete: the poster and the moderators."""
    return not topic.deleted and (standing.can_moderate or topic.author_id == standing.viewer_id)


def set_closed(standing: Standing, topic: Topic, closed: bool) -> None:
    """Close a topic to new comments, or open it again."""
    _require(may_manage_topic(standing, topic), "not_yours")
    execute("UPDATE community_topics SET closed = ? WHERE id = ? AND deleted = FALSE", (closed, topic.id))


def delete_topic(standing: Standing, topic: Topic) -> None:
    """Remove a topic: its title, body and comments go; a marker stays at its address."""
    _require(may_manage_topic(standing, topic), "not_yours")
    _remove_topic(topic.id, standing.viewer_id)


def _remove_topic(topic_id: int, by: int) -> None:
    with db.atomic():
        gone = execute(
            "UPDATE community_topics SET deleted = TRUE, closed = TRUE, title = '', body = ''"
            " WHERE id = ? AND deleted = FALSE",
            (topic_id,),
        ).rowcount
        if not gone:
            return
        community_id = scalar("SELECT community_id FROM community_topics WHERE id = ?", (topic_id,))
        execute("UPDATE communities SET topic_count = topic_count - 1 WHERE id = ?", (community_id,))
        execute(
            "UPDATE community_reports SET resolved_at = ?, resolved_by = ?, outcome = 'removed'"
            " WHERE topic_id = ? AND resolved_at IS NULL",
            (now(), by, topic_id),
        )
        execute("DELETE FROM community_comments WHERE topic_id = ?", (topic_id,))


@dataclass(frozen=True)
class Comment:
    id: int
    number: int
    author_id: int | None
    author_nickname: str | None
    body: str
    deleted: bool
    created_at: int


class CommentPage(NamedTuple):
    items: list[Comment]
    older: int | None  # ``before`` for the page of earlier comments, if any
    newer: int | None  # ``after`` for the page of later comments, if any


_COMMENTS = (
    "SELECT cm.id, cm.number, cm.author_id, a.nickname, cm.body, cm.deleted, cm.created_at"
    " FROM community_comments cm LEFT JOIN members a ON a.id = cm.author_id"
    f" WHERE cm.topic_id = ? AND {_not_blocked('cm.author_id')}"
)


def comments(topic: Topic, viewer_id: int, limit: int = 10,
             before: int | None = None, after: int | None = None) -> CommentPage:
    """A page of a topic's comments in number order: after ``after``, or else the last ones before ``before``.

    Comments by members on either side of a block with the viewer are left out;
    removed ones stay (with ``deleted``) so the numbering has no holes.
    """
    if topic.deleted:
        return CommentPage([], None, None)
    args = (topic.id, viewer_id, viewer_id)
    if after is not None:
        rows = fetchall(_COMMENTS + " AND cm.number > ? ORDER BY cm.number LIMIT ?", args + (after, limit + 1))
        more_newer = len(rows) > limit
        rows = rows[:limit]
    else:
        upper = before if before is not None else topic.comment_count + 1
        rows = fetchall(_COMMENTS + " AND cm.number < ? ORDER BY cm.number DESC LIMIT ?", args + (upper, limit + 1))
        more_older = len(rows) > limit
        rows = rows[:limit][::-1]
    items = [Comment(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]
    if not items:
        return CommentPage([], None, None)
    first, last = items[0].number, items[-1].number
    if after is not None:
        older = first if first > 1 else None
        newer = last if more_newer else None
    else:
        older = first if more_older else None
        newer = last if last < topic.comment_count else None
    return CommentPage(items, older, newer)


def add_comment(standing: Standing, topic: Topic, body: str) -> int:
    """Write a comment; returns its number in the topic."""
    _require(standing.is_member, "not_member")
    _require(not topic.deleted, "topic_deleted")
    _require(not topic.closed, "closed")
    body = _text(body, COMMENT_MAX, "comment_required")
    t = now()
    with db.atomic():
        # The write comes first: it locks the topic row (PostgreSQL) or the database
        # (SQLite) until commit, so the number read next is this transaction's alone.
        counted = execute(
            "UPDATE community_topics SET comment_count = comment_count + 1, last_activity_at = ?"
            " WHERE id = ? AND closed = FALSE AND deleted = FALSE AND comment_count < ?",
            (t, topic.id, MAX_COMMENTS),
        ).rowcount
        if not counted:
            raise _why_not_open(topic.id)
        number = scalar("SELECT comment_count FROM community_topics WHERE id = ?", (topic.id,))
        execute(
            "INSERT INTO community_comments (topic_id, number, author_id, body, deleted, created_at)"
            " VALUES (?, ?, ?, ?, FALSE, ?)",
            (topic.id, number, standing.viewer_id, body, t),
        )
        execute("UPDATE communities SET last_activity_at = ? WHERE id = ?", (t, topic.community_id))
    return number


def _why_not_open(topic_id: int) -> CommunityError:
    row = fetchone("SELECT closed, deleted FROM community_topics WHERE id = ?", (topic_id,))
    if row is None or row[1]:
        return CommunityError("topic_deleted")
    if row[0]:
        return CommunityError("closed")
    return CommunityError("topic_full", limit=MAX_COMMENTS)


def get_comment(comment_id: int, viewer_id: int) -> tuple[Comment, int] | None:
    """A comment and its topic's id; None if missing or a block stands between author and viewer."""
    row = fetchone(
        "SELECT cm.id, cm.number, cm.author_id, a.nickname, cm.body, cm.deleted, cm.created_at, cm.topic_id"
        " FROM community_comments cm LEFT JOIN members a ON a.id = cm.author_id"
        f" WHERE cm.id = ? AND {_not_blocked('cm.author_id')}",
        (comment_id, viewer_id, viewer_id),
    )
    if row is None:
        return None
    return Comment(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6]), row[7]


def may_delete_comment(standing: Standing, comment: Comment) -> bool:
    return not comment.deleted and (standing.can_moderate or comment.author_id == standing.viewer_id)


def delete_comment(standing: Standing, comment: Comment) -> None:
    """Remove a comment's words; its row and number stay, shown as removed."""
    _require(may_delete_comment(standing, comment), "not_yours")
    _remove_comment(comment.id, standing.viewer_id)


def _remove_comment(comment_id: int, by: int) -> None:
    with db.atomic():
        execute("UPDATE community_comments SET deleted = TRUE, body = '' WHERE id = ?", (comment_id,))
        execute(
            "UPDATE community_reports SET resolved_at = ?, resolved_by = ?, outcome = 'removed'"
            " WHERE comment_id = ? AND resolved_at IS NULL",
            (now(), by, comment_id),
        )


# ---------------------------------------------------------------------------
# Reports


def report(standing: Standing, topic: Topic, comment: Comment | None, reason: str, note: str = "") -> None:
    """A member tells the admins a topic or comment breaks the rules."""
    _require(standing.can_read, "members_only")
    _require(not topic.deleted and not (comment and comment.deleted), "topic_deleted" if topic.deleted else "comment_deleted")
    _require(reason in REPORT_REASONS, "bad_reason")
    note = _text(note, REPORT_NOTE_MAX)
    comment_id = comment.id if comment else None
    same = "comment_id = ?" if comment_id else "comment_id IS NULL"
    already = fetchone(
        f"SELECT 1 FROM community_reports WHERE topic_id = ? AND {same} AND reporter_id = ? AND resolved_at IS NULL",
        (topic.id, *((comment_id,) if comment_id else ()), standing.viewer_id),
    )
    _require(already is None, "already_reported")
    execute(
        "INSERT INTO community_reports (community_id, topic_id, comment_id, reporter_id, reason, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (topic.community_id, topic.id, comment_id, standing.viewer_id, reason, note, now()),
    )


class ReportRow(NamedTuple):
    id: int
    community_id: int
    community_name: str
    topic_id: int
    topic_title: str
    comment_id: int | None
    comment_number: int | None
    author_id: int | None
    author_nickname: str | None
    body: str  # what was reported: the comment's words, or the topic's
    reason: str
    note: str
    reporter_id: int
    reporter_nickname: str
    created_at: int

    @property
    def reason_name(self) -> str:
        return REPORT_REASONS.get(self.reason, REPORT_REASONS["other"])


_REPORTS = (
    "SELECT r.id, r.community_id, c.name, r.topic_id, t.title, r.comment_id, cm.number,"
    " COALESCE(cm.author_id, t.author_id), a.nickname, COALESCE(cm.body, t.body), r.reason, r.note,"
    " r.reporter_id, rp.nickname, r.created_at"
    " FROM community_reports r JOIN communities c ON c.id = r.community_id"
    " JOIN community_topics t ON t.id = r.topic_id"
    " LEFT JOIN community_comments cm ON cm.id = r.comment_id"
    " LEFT JOIN members a ON a.id = COALESCE(cm.author_id, t.author_id)"
    " JOIN members rp ON rp.id = r.reporter_id"
    " WHERE r.resolved_at IS NULL"
)


def community_reports(standing: Standing, limit: int = 10, before: str | None = None) -> Page:
    """Open reports in this community, newest first, for its moderators.

    Items by a member on either side of a block with the viewing admin are left
    for the other admins and the site's.
    """
    if not standing.can_moderate:
        return Page([], None)
    cursor = parse_cursor(before, 1)
    v = standing.viewer_id
    sql = _REPORTS + f" AND r.community_id = ? AND {_not_blocked('COALESCE(cm.author_id, t.author_id)')}"
    args: tuple = (standing.community.id, v, v)
    if cursor:
        sql += " AND r.id < ?"
        args += cursor
    rows = [ReportRow(*r) for r in fetchall(sql + " ORDER BY r.id DESC LIMIT ?", args + (limit + 1,))]
    return _page(rows, limit, lambda row: str(row.id))


def open_reports(limit: int = 50, before: str | None = None) -> Page:
    """Open reports across all communities, newest first (for the site's admin pages).

    Each row names its community; ``/community/<community_id>/reports`` is where a
    site admin acts on it.
    """
    cursor = parse_cursor(before, 1)
    sql, args = _REPORTS, ()
    if cursor:
        sql, args = sql + " AND r.id < ?", cursor
    rows = [ReportRow(*r) for r in fetchall(sql + " ORDER BY r.id DESC LIMIT ?", args + (limit + 1,))]
    return _page(rows, limit, lambda row: str(row.id))


def resolve_report(standing: Standing, report_id: int, remove: bool) -> None:
    """Act on a report: remove what was reported, or judge it fine (closes every open report on it)."""
    _require(standing.can_moderate, "not_admin")
    row = fetchone(
        "SELECT topic_id, comment_id FROM community_reports WHERE id = ? AND community_id = ? AND resolved_at IS NULL",
        (report_id, standing.community.id),
    )
    _require(row is not None, "no_report")
    topic_id, comment_id = row
    if remove and comment_id is None:
        _remove_topic(topic_id, standing.viewer_id)
    elif remove:
        _remove_comment(comment_id, standing.viewer_id)
    else:
        same = "comment_id = ?" if comment_id else "comment_id IS NULL"
        execute(
            "UPDATE community_reports SET resolved_at = ?, resolved_by = ?, outcome = 'dismissed'"
            f" WHERE topic_id = ? AND {same} AND resolved_at IS NULL",
            (now(), standing.viewer_id, topic_id, *((comment_id,) if comment_id else ())),
        )


# ---------------------------------------------------------------------------
# Counts for notices: capped, so a backlog costs no more than a glance


COUNT_CAP = 100


def _capped_count(sql: str, args: tuple) -> int:
    return scalar(f"SELECT COUNT(*) FROM ({sql} LIMIT {COUNT_CAP}) capped", args)


def open_report_count(standing: Standing) -> int:
    """Open reports in this community (at most COUNT_CAP)."""
    return _capped_count(
        "SELECT 1 FROM community_reports WHERE community_id = ? AND resolved_at IS NULL", (standing.community.id,)
    )


def open_request_count(standing: Standing) -> int:
    """Requests waiting in this community (at most COUNT_CAP)."""
    return _capped_count("SELECT 1 FROM community_join_requests WHERE community_id = ?", (standing.community.id,))


PENDING_JOIN_REQUESTS_COUNT_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM community_join_requests WHERE community_id IN ("
    " SELECT id FROM communities WHERE owner_id = ?"
    " UNION SELECT community_id FROM community_members WHERE member_id = ? AND role = 'subadmin')"
    f" LIMIT {COUNT_CAP}) capped"
)


def pending_join_requests_count(admin_member_id: int) -> int:
    """Requests waiting in the communities this member owns or sub-administers (at most COUNT_CAP).

    For the home notifications.
    """
    return scalar(PENDING_JOIN_REQUESTS_COUNT_SQL, (admin_member_id, admin_member_id))


def search_docs():
    """Every community as a search document (the community source of ``run.py reindex``)."""
    last = 0
    while True:
        rows = fetchall(
            "SELECT id, owner_id, name, description, last_activity_at FROM communities WHERE id > ? ORDER BY id LIMIT 500",
            (last,),
        )
        for community_id, owner_id, name, description, updated_at in rows:
            yield search.Doc(search.COMMUNITY, community_id, owner_id, name, description, updated_at=updated_at)
        if len(rows) < 500:
            return
        last = rows[-1][0]
