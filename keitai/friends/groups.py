"""Friend lists ("groups"): a member sorts friends into named lists to choose as an audience.

Only friends can be in a member's groups; ending a friendship takes the ex-friend out
(keitai.friends.rules.unfriend).  A diary with audience ``group`` names one group of
its author's; the audience rule checks the group belongs to the author.
"""
from __future__ import annotations

from dataclasses import dataclass

from keitai import privacy
from keitai.words import Refused
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now, scalar
from keitai.platform.db.paging import Page, page_of, parse_cursor
from keitai.friends.models import FriendGroup
from keitai.friends.rules import member_cursor

from keitai.profiles.rules import clean_text

NAME_LIMIT = 20
GROUP_LIMIT = 20


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    size: int


def groups_of(owner_id: int) -> list[Group]:
    """A member's groups with their sizes, in the order made: what audience choices list."""
    rows = fetchall(
        "SELECT g.id, g.name, (SELECT COUNT(*) FROM friend_group_members gm WHERE gm.group_id = g.id)"
        " FROM friend_groups g WHERE g.owner_id = ? ORDER BY g.id",
        (owner_id,),
    )
    return [Group(*row) for row in rows]


def get(owner_id: int, group_id: int) -> Group | None:
    """The group if it is ``owner_id``'s, else None."""
    row = fetchone(
        "SELECT g.id, g.name, (SELECT COUNT(*) FROM friend_group_members gm WHERE gm.group_id = g.id)"
        " FROM friend_groups g WHERE g.id = ? AND g.owner_id = ?",
        (group_id, owner_id),
    )
    return Group(*row) if row else None


def owns(owner_id: int, group_id: int | None) -> bool:
    """Is ``group_id`` one of ``owner_id``'s groups?  (For features that let authors pick one.)"""
    return group_id is not None and scalar(
        "SELECT 1 FROM friend_groups WHERE id = ? AND owner_id = ?", (group_id, owner_id)
    ) is not None


def _name(value: str) -> str:
    errors: list[str] = []
    name = clean_text("name", value, errors)
    if errors:
        raise Refused("friends.group_name_invalid")
    if len(name) > NAME_LIMIT:
        raise Refused("friends.group_name_too_long", limit=NAME_LIMIT)
    if not name:
        raise Refused("friends.group_name_required")
    return name


def create(owner_id: int, name: str) -> int:
    name = _name(name)
    with db.atomic():
        if scalar("SELECT COUNT(*) FROM friend_groups WHERE owner_id = ?", (owner_id,)) >= GROUP_LIMIT:
            raise Refused("friends.group_limit", limit=GROUP_LIMIT)
        return FriendGroup.create(owner=owner_id, name=name, created_at=now()).id


def rename(owner_id: int, group_id: int, name: str) -> bool:
    name = _name(name)
    return execute("UPDATE friend_groups SET name = ? WHERE id = ? AND owner_id = ?", (name, group_id, owner_id)).rowcount == 1


def delete(owner_id: int, group_id: int) -> bool:
    with db.atomic():
        if not owns(owner_id, group_id):
            return False
        execute("DELETE FROM friend_group_members WHERE group_id = ?", (group_id,))
        execute("DELETE FROM friend_groups WHERE id = ?", (group_id,))
    return True


def members(owner_id: int, group_id: int, before: str | None = None, limit: int = 10) -> Page:
    """(id, nickname) of the group's members, keyset-paged by member id."""
    cursor = parse_cursor(before, 1)
    rows = fetchall(
        "SELECT m.id, m.nickname FROM friend_group_members gm JOIN friend_groups g ON g.id = gm.group_id AND g.owner_id = ?"
        " JOIN members m ON m.id = gm.member_id WHERE gm.group_id = ? AND gm.member_id < ?"
        " ORDER BY gm.member_id DESC LIMIT ?",
        (owner_id, group_id, cursor[0] if cursor else 2**62, limit + 1),
    )
    return page_of(rows, limit, member_cursor)


def candidates(owner_id: int, group_id: int, before: str | None = None, limit: int = 10) -> Page:
    """(id, nickname) of friends not yet in the group, keyset-paged by member id."""
    cursor = parse_cursor(before, 1)
    rows = fetchall(
        "SELECT m.id, m.nickname FROM friendships f JOIN members m ON m.id = f.friend_id AND "
        + privacy.active_member_sql("m.") + " WHERE f.member_id = ? AND f.friend_id < ?"
        " AND NOT EXISTS(SELECT 1 FROM friend_group_members gm WHERE gm.group_id = ? AND gm.member_id = f.friend_id)"
        " ORDER BY f.friend_id DESC LIMIT ?",
        (owner_id, cursor[0] if cursor else 2**62, group_id, limit + 1),
    )
    return page_of(rows, limit, member_cursor)


def add(owner_id: int, group_id: int, member_ids: list[int]) -> int:
    """Put friends into one's group; returns how many joined it.  Non-friends are refused."""
    member_ids = sorted(set(member_ids))
    if not member_ids:
        return 0
    with db.atomic():
        if not owns(owner_id, group_id):
            raise Refused("friends.not_found")
        marks = ", ".join("?" * len(member_ids))
        friends_among = {row[0] for row in fetchall(
            f"SELECT friend_id FROM friendships WHERE member_id = ? AND friend_id IN ({marks})", (owner_id, *member_ids)
        )}
        if friends_among != set(member_ids):
            raise Refused("friends.group_not_friends")
        present = {row[0] for row in fetchall(
            f"SELECT member_id FROM friend_group_members WHERE group_id = ? AND member_id IN ({marks})", (group_id, *member_ids)
        )}
        new = [m for m in member_ids if m not in present]
        if new:
            rows = ", ".join("(?, ?)" for _ in new)
            execute(f"INSERT INTO friend_group_members (group_id, member_id) VALUES {rows}",
                    [value for member_id in new for value in (group_id, member_id)])
    return len(new)


def remove(owner_id: int, group_id: int, member_ids: list[int]) -> int:
    """Take members out of one's group; returns how many left it."""
    member_ids = sorted(set(member_ids))
    if not member_ids or not owns(owner_id, group_id):
        return 0
    marks = ", ".join("?" * len(member_ids))
    return execute(
        f"DELETE FROM friend_group_members WHERE group_id = ? AND member_id IN ({marks})", (group_id, *member_ids)
    ).rowcount
