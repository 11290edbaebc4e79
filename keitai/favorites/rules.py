"""お気に入り: a member's private list of members and communities, as on mixi.

- Only its owner ever sees the list; the member or community added is never told.
- A favourite member is shown only while the owner may see them: active (a suspended member
  disappears until the suspension is lifted) and no block either way.  Blocking deletes the
  favourites between the two, both ways (:func:`forget_between`, called by the block); the
  same condition in every read (:data:`SHOWN_MEMBER_SQL`) also hides a favourite whose block came
  in a parallel request.  Every count, the limit's included, counts only the shown ones, so
  no number tells of a member the list hides.
- What the list shows of a member is what their profile shows the owner: the photo and
  最終ログイン each by its own audience (:func:`keitai.profiles.rules.profile_for`), and
  their newest diary entry the owner may read.
- At most :data:`LIMIT` members and :data:`LIMIT` communities.
"""
from __future__ import annotations

from typing import NamedTuple

from keitai import diary as diaries
from keitai import privacy
from keitai.communities.rules import category_name
from keitai.platform.db.connection import db, execute, fetchall, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.profiles import rules as profiles
from keitai.words import Refused

#: mixi's limit: 100 members and 100 communities.
LIMIT = 100


class FavoriteMember(NamedTuple):
    row_id: int  # the list's cursor
    id: int
    nickname: str
    photo_id: int | None  # the main photo, when its audience lets the owner see it
    last_login: str | None  # 最終ログイン as the profile says it to the owner
    diary: diaries.EntryRow | None  # their newest entry the owner may read


class FavoriteCommunity(NamedTuple):
    id: int
    name: str
    category: str

    @property
    def category_name(self) -> str:
        return category_name(self.category)


# On ``favorite_members f JOIN members m ON m.id = f.favorite_id``; two ``?`` for the owner.
SHOWN_MEMBER_SQL = f"{privacy.active_member_sql('m.')} AND {privacy.not_blocked_sql('m.id')}"
_MEMBERS = ("FROM favorite_members f JOIN members m ON m.id = f.favorite_id"
            f" WHERE f.member_id = ? AND {SHOWN_MEMBER_SQL}")


def member_count(owner_id: int) -> int:
    """How many favourite members the owner's list shows."""
    return scalar(f"SELECT COUNT(*) {_MEMBERS}", (owner_id, owner_id, owner_id))


def community_count(owner_id: int) -> int:
    return scalar("SELECT COUNT(*) FROM favorite_communities WHERE member_id = ?", (owner_id,))


def is_favorite_member(owner_id: int, member_id: int) -> bool:
    return scalar(f"SELECT 1 {_MEMBERS} AND f.favorite_id = ?", (owner_id, owner_id, owner_id, member_id)) is not None


def is_favorite_community(owner_id: int, community_id: int) -> bool:
    return scalar("SELECT 1 FROM favorite_communities WHERE member_id = ? AND community_id = ?",
                  (owner_id, community_id)) is not None


def members(owner_id: int, before: str | None = None, limit: int = 10) -> Page:
    """A page of the owner's favourite members, the last added first."""
    cursor = parse_cursor(before, 1)
    rows = fetchall(f"SELECT f.id, m.id {_MEMBERS} AND f.id < ? ORDER BY f.id DESC LIMIT ?",
                    (owner_id, owner_id, owner_id, cursor[0] if cursor else 2 ** 62, limit + 1))
    page = page_of(rows, limit, lambda row: str(row[0]))
    shown = []
    for row_id, member_id in page.items:
        profile = profiles.profile_for(owner_id, member_id)
        if profile is None:  # gone since the list was read
            continue
        newest = diaries.member_diary(owner_id, member_id, limit=1).items
        shown.append(FavoriteMember(row_id, member_id, profile.nickname, profile.visible.get("photo"),
                                    profile.visible.get("last_login"), newest[0] if newest else None))
    return page._replace(items=shown)


def communities(owner_id: int) -> list[FavoriteCommunity]:
    """The owner's favourite communities (every member may see any community), the last added first."""
    return [FavoriteCommunity(*r) for r in fetchall(
        "SELECT c.id, c.name, c.category FROM favorite_communities f JOIN communities c ON c.id = f.community_id"
        " WHERE f.member_id = ? ORDER BY f.id DESC", (owner_id,))]


def _hold_list(owner_id: int) -> None:
    """Make two additions of the same owner take turns, so the limit's count holds (a row lock
    on PostgreSQL, the write lock on SQLite)."""
    execute("UPDATE members SET photo_id = photo_id WHERE id = ?", (owner_id,))


def add_member(owner_id: int, member_id: int) -> None:
    """Add ``member_id`` (whom the caller found the owner may see) to the owner's favourites.

    Refused: oneself, and a full list."""
    if owner_id == member_id:
        raise Refused("favorites.self")
    with db.atomic():
        _hold_list(owner_id)
        if is_favorite_member(owner_id, member_id):
            return
        if member_count(owner_id) >= LIMIT:
            raise Refused("favorites.members_full", limit=LIMIT)
        # A row hidden now (the member suspended) is kept as it was.
        execute("INSERT INTO favorite_members (member_id, favorite_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (member_id, favorite_id) DO NOTHING", (owner_id, member_id, now()))


def add_community(owner_id: int, community_id: int) -> None:
    """Add an existing community to the owner's favourites; refused when the list is full."""
    with db.atomic():
        _hold_list(owner_id)
        if is_favorite_community(owner_id, community_id):
            return
        if community_count(owner_id) >= LIMIT:
            raise Refused("favorites.communities_full", limit=LIMIT)
        execute("INSERT INTO favorite_communities (member_id, community_id, created_at) VALUES (?, ?, ?)",
                (owner_id, community_id, now()))


def remove_member(owner_id: int, member_id: int) -> None:
    execute("DELETE FROM favorite_members WHERE member_id = ? AND favorite_id = ?", (owner_id, member_id))


def remove_community(owner_id: int, community_id: int) -> None:
    execute("DELETE FROM favorite_communities WHERE member_id = ? AND community_id = ?", (owner_id, community_id))


def forget_between(a: int, b: int) -> None:
    """A block between ``a`` and ``b``: neither keeps the other as a favourite (inside the block's transaction)."""
    execute("DELETE FROM favorite_members WHERE (member_id = ? AND favorite_id = ?) OR (member_id = ? AND favorite_id = ?)",
            (a, b, b, a))
