"""The privacy kernel: the only place the rules of who sees whom are written.

- may viewer V see item I of owner O?  :func:`may_see` (one item), :func:`visible_clause` (lists);
- blocked either way?  :func:`blocked_between`, :func:`blocked_sql`, :func:`not_blocked_sql`;
- an active member?  :func:`is_active`, :func:`active_member_sql`;
- is what member M wrote shown to V (no block either way, M active), and how many rows of a
  list does V not see?  :func:`shown_member_sql`, :func:`hidden_members_sql`, :func:`hidden_counts`;
- may V see O's friend list?  :func:`friend_list_visible`, :func:`friend_list_visible_sql`;
- may V see a profile field of many members at once?  :func:`field_visible_sql`.

Every page, list, feed, search result, count and photo URL goes through them.  Each rule
is written once in Python and once as an SQL fragment, and tests hold the two to each other.

Audiences: ``everyone`` (every signed-in member), ``friends_of_friends``,
``friends``, ``group`` (a friend list of the owner's), ``private`` (only the
owner).  A block either way hides everything; a signed-out visitor sees nothing.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai.platform.db.connection import fetchall, fetchone

EVERYONE = "everyone"
FRIENDS_OF_FRIENDS = "friends_of_friends"
FRIENDS = "friends"
GROUP = "group"
PRIVATE = "private"

#: For diaries and other writing.
ITEM_AUDIENCES = (EVERYONE, FRIENDS_OF_FRIENDS, FRIENDS, GROUP, PRIVATE)
#: For profile fields (no groups there).
FIELD_AUDIENCES = (EVERYONE, FRIENDS_OF_FRIENDS, FRIENDS, PRIVATE)


class Relation(NamedTuple):
    """How a viewer stands to an owner; ``viewer_id`` None is a signed-out visitor."""

    viewer_id: int | None
    owner_id: int
    is_self: bool
    is_friend: bool
    is_friend_of_friend: bool  # not a friend, but sharing one
    blocked: bool  # either has blocked the other

    @property
    def name(self) -> str:
        if self.is_self:
            return "self"
        if self.viewer_id is None:
            return "visitor"
        if self.blocked:
            return "blocked"
        if self.is_friend:
            return "friend"
        if self.is_friend_of_friend:
            return "friend_of_friend"
        return "stranger"


def blocked_sql(a: str = "?", b: str = "?") -> str:
    """SQL condition: either of members ``a`` and ``b`` (columns, or ``?``) has blocked the other.

    Each ``?`` given is bound twice, in the order ``a, b, b, a`` (two ``?``: ``(a, b, b, a)``;
    one: its value twice).  The alias ``blk`` is the fragment's own.
    """
    return (
        f"EXISTS(SELECT 1 FROM blocks blk WHERE (blk.blocker_id = {a} AND blk.blocked_id = {b})"
        f" OR (blk.blocker_id = {b} AND blk.blocked_id = {a}))"
    )


# The three facts the rule needs, as columns any query can select (the profile page reads
# them with the member in one query).  The shared-friend probe walks the viewer's friends
# and looks each up among the owner's: the most viewed members have thousands of friends.
RELATION_COLUMNS = (
    blocked_sql() + ","
    " EXISTS(SELECT 1 FROM friendships WHERE member_id = ? AND friend_id = ?),"
    " EXISTS(SELECT 1 FROM friendships a JOIN friendships b ON b.member_id = ? AND b.friend_id = a.friend_id"
    " WHERE a.member_id = ?)"
)
_RELATION = "SELECT " + RELATION_COLUMNS


def relation_params(viewer_id: int, owner_id: int) -> tuple:
    """The parameters of :data:`RELATION_COLUMNS`, in order."""
    v, o = viewer_id, owner_id
    return (v, o, o, v, o, v, o, v)


def relation_from(viewer_id: int | None, owner_id: int, blocked, friend, shared) -> Relation:
    """The Relation from the three columns (or for a visitor or oneself, whatever they say)."""
    if viewer_id is None:
        return Relation(None, owner_id, False, False, False, False)
    if viewer_id == owner_id:
        return Relation(viewer_id, owner_id, True, False, False, False)
    return Relation(viewer_id, owner_id, False, bool(friend), bool(shared) and not friend, bool(blocked))


def relation(viewer_id: int | None, owner_id: int) -> Relation:
    """One query for everything the rule needs to know about two members."""
    if viewer_id is None or viewer_id == owner_id:
        return relation_from(viewer_id, owner_id, False, False, False)
    return relation_from(viewer_id, owner_id, *fetchone(_RELATION, relation_params(viewer_id, owner_id)))


def blocked_between(a: int, b: int) -> bool:
    """Has either member blocked the other?"""
    return bool(fetchone("SELECT " + blocked_sql(), (a, b, b, a))[0])


def in_group(group_id: int | None, viewer_id: int, owner_id: int | None = None) -> bool:
    """Is the viewer in this group (and, given ``owner_id``, is the group that owner's)?"""
    if group_id is None:
        return False
    if owner_id is None:
        return fetchone(
            "SELECT 1 FROM friend_group_members WHERE group_id = ? AND member_id = ?", (group_id, viewer_id)
        ) is not None
    return fetchone(
        "SELECT 1 FROM friend_group_members gm JOIN friend_groups g ON g.id = gm.group_id"
        " WHERE gm.group_id = ? AND gm.member_id = ? AND g.owner_id = ?",
        (group_id, viewer_id, owner_id),
    ) is not None


def may_see(rel: Relation, audience: str, group_id: int | None = None) -> bool:
    """The rule, for one item whose owner and viewer stand as ``rel`` says."""
    if rel.is_self:
        return True
    if rel.viewer_id is None or rel.blocked:
        return False
    if audience == EVERYONE:
        return True
    if audience == FRIENDS_OF_FRIENDS:
        return rel.is_friend or rel.is_friend_of_friend
    if audience == FRIENDS:
        return rel.is_friend
    if audience == GROUP:
        # A group is a list of the owner's friends: leaving the friendship leaves the group's
        # audience, and someone else's group never opens the owner's writing.
        return rel.is_friend and in_group(group_id, rel.viewer_id, rel.owner_id)
    return False  # private, or anything unknown


#: How any friend, and any friend of a friend, stands: for rules applied to many members at once.
A_FRIEND = Relation(0, 1, False, True, False, False)
A_FRIEND_OF_FRIEND = Relation(0, 1, False, False, True, False)


def friend_list_visible(rel: Relation, aud_friends: str) -> bool:
    """May the viewer in ``rel`` see the owner's friend list (and so who the owner's friends are)?

    The owner's ``aud_friends`` decides; it also opens their introductions.
    """
    return may_see(rel, aud_friends)


def field_visible_sql(rel: Relation, audience_column: str) -> str:
    """:func:`may_see` for a profile field as an SQL condition on its audience column, for a
    viewer who stands as ``rel`` to every member the query looks at (``A_FRIEND``: any friend)."""
    if rel.is_self:
        return "1 = 1"
    opened = ", ".join(f"'{a}'" for a in FIELD_AUDIENCES if may_see(rel, a))
    return f"{audience_column} IN ({opened})" if opened else "1 = 0"


def friend_list_visible_sql(rel: Relation, member_prefix: str = "") -> str:
    """:func:`friend_list_visible` as an SQL condition on the member whose columns start with
    ``member_prefix``, for a viewer who stands as ``rel`` to every member the query looks at."""
    return field_visible_sql(rel, f"{member_prefix}aud_friends")


def can_see(viewer_id: int | None, owner_id: int, audience: str, group_id: int | None = None) -> bool:
    return may_see(relation(viewer_id, owner_id), audience, group_id)


def visible_clause(viewer_id: int | None, owner: str, audience: str, group: str | None = None) -> tuple[str, tuple]:
    """The rule as an SQL condition over columns named ``owner``/``audience``/``group``.

    Returns ``(sql, params)`` with ``?`` placeholders, to AND into a list query.
    """
    if viewer_id is None:
        return "1 = 0", ()
    v = viewer_id
    friend = f"EXISTS(SELECT 1 FROM friendships fa WHERE fa.member_id = {owner} AND fa.friend_id = ?)"
    shared = (
        f"EXISTS(SELECT 1 FROM friendships fo JOIN friendships fv ON fv.member_id = ? AND fv.friend_id = fo.friend_id"
        f" WHERE fo.member_id = {owner})"
    )
    blocked = blocked_sql(owner, "?")
    group_rule = "1 = 0"
    group_params: tuple = ()
    if group is not None:
        group_rule = (
            f"({audience} = 'group' AND {friend} AND EXISTS(SELECT 1 FROM friend_group_members gm"
            f" JOIN friend_groups gg ON gg.id = gm.group_id"
            f" WHERE gm.group_id = {group} AND gm.member_id = ? AND gg.owner_id = {owner}))"
        )
        group_params = (v, v)
    sql = (
        f"({owner} = ? OR (NOT {blocked} AND ("
        f"{audience} = 'everyone'"
        f" OR ({audience} = 'friends' AND {friend})"
        f" OR ({audience} = 'friends_of_friends' AND ({friend} OR {shared}))"
        f" OR {group_rule})))"
    )
    return sql, (v, v, v, v, v, v) + group_params


def shown_member_sql(member: str) -> str:
    """SQL condition (two ``?`` for the viewer's id): what the member in column ``member`` wrote
    is shown to the viewer: no block either way and an active member (a suspended member's
    writing is hidden from everyone until the suspension is lifted).  A NULL ``member`` (an
    account deleted since) is shown, as its rows say.  Lists of writing AND it in; their counts
    subtract :func:`hidden_counts`, which leaves out the same members."""
    return (f"NOT {blocked_sql('?', member)}"
            f" AND NOT EXISTS(SELECT 1 FROM members sx WHERE sx.id = {member} AND sx.status <> '{ACTIVE}')")


def hidden_members_sql() -> str:
    """SQL subquery (two ``?`` for the viewer's id): the ids of the members whose writing and
    membership the viewer is not shown, the complement of :func:`shown_member_sql`."""
    return ("SELECT hb.blocked_id FROM blocks hb WHERE hb.blocker_id = ?"
            " UNION ALL SELECT hb.blocker_id FROM blocks hb WHERE hb.blocked_id = ?"
            f" UNION ALL SELECT hm.id FROM members hm WHERE hm.status <> '{ACTIVE}'")


#: :func:`hidden_counts` walks up to this many rows rather than probe for every hidden member.
WALK_ROWS = 200


def hidden_counts(viewer_id: int, table: str, parent: str, member: str, parent_ids, where: str = "",
                  rows: int | None = None) -> dict[int, int]:
    """How many rows of ``table`` under each of ``parent_ids`` (column ``parent``) belong to a
    member the viewer is not shown (column ``member``): a count kept on write, less this, is
    the count of the list the viewer sees.  ``where`` narrows the rows as the list does.

    ``rows``, the parents' rows in all (their counts kept on write) if the caller has them,
    chooses how: up to :data:`WALK_ROWS` rows are read and each looked up among the hidden
    members; otherwise the index of ``(parent, member)`` is probed once per hidden member,
    and suspended members are a share of the whole site (140 probes at 10,000 members).
    Both give the same count."""
    ids = sorted({int(i) for i in parent_ids})
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    walk = "+" if rows is not None and rows <= WALK_ROWS else ""  # unary plus: no index on the member
    found = fetchall(
        f"SELECT {parent}, COUNT(*) FROM {table} WHERE {parent} IN ({marks}){' AND ' + where if where else ''}"
        f" AND {walk}{member} IN ({hidden_members_sql()}) GROUP BY {parent}",
        (*ids, viewer_id, viewer_id),
    )
    return {int(p): int(n) for p, n in found}


def hidden_count_sql(table: str, parent: str, of: str, member: str) -> str:
    """:func:`hidden_counts` for one row of an outer query, as an SQL expression (two ``?`` for
    the viewer's id): how many rows of ``table`` whose ``parent`` is ``of`` (the outer column)
    belong to a member the viewer is not shown."""
    return f"(SELECT COUNT(*) FROM {table} hx WHERE hx.{parent} = {of} AND hx.{member} IN ({hidden_members_sql()}))"


def not_blocked_sql(member: str) -> str:
    """SQL condition (two ``?`` for the viewer's id): no block either way with column ``member``."""
    return "NOT " + blocked_sql("?", member)


def not_blocked_clause(viewer_id: int | None, member: str) -> tuple[str, tuple]:
    """SQL condition: no block either way between the viewer and the member in column ``member``.

    For lists of members (friend lists, search results, footprints, members of a community):
    AND it into the query so blocked members never appear to each other.
    """
    if viewer_id is None:
        return "1 = 1", ()
    return not_blocked_sql(member), (viewer_id, viewer_id)


def board_readable_sql(community: str) -> str:
    """SQL condition (one ``?`` for the viewer's id): the viewer may read the board (topics,
    events, polls) of the community whose id is ``community``: every member may read a board
    whose read policy is ``everyone``, only its members one whose policy is ``members``.
    :attr:`keitai.communities.Standing.can_read` is its Python form (which also lets the
    site's admins read, for moderation); tests/privacy/test_board_readable.py holds the two together."""
    return (f"EXISTS (SELECT 1 FROM communities rc WHERE rc.id = {community} AND (rc.read_policy = 'everyone'"
            " OR EXISTS (SELECT 1 FROM community_members rm WHERE rm.community_id = rc.id AND rm.member_id = ?)))")


#: The status of a member who may sign in and be seen (others are pending or suspended).
ACTIVE = "active"


def is_active(status: str | None) -> bool:
    """Is a member with this status an active member?  :func:`active_member_sql` in SQL."""
    return status == ACTIVE


def active_member_sql(column_prefix: str = "") -> str:
    """SQL condition: the member (columns of ``members``, prefixed) is active."""
    return f"{column_prefix}status = 'active'"
