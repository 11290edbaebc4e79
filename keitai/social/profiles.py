"""Profiles: what of a member's profile a viewer may see, field by field."""
from __future__ import annotations

import datetime
from collections import namedtuple
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from keitai.models.base import fetchone

from . import audience
from .accounts import age_on

#: Fields with their own audience (column ``aud_<name>``), in display order.
FIELDS = ("gender", "age", "birthday", "prefecture", "hobbies", "about", "real_name", "photo", "friends")

#: The member columns a profile shows, read with one query built once: a profile is a hot
#: page, and building the ORM query and model object cost several times the query itself.
MemberRow = namedtuple("MemberRow", (
    "id", "nickname", "birthday", "gender", "prefecture", "hobbies", "about", "real_name", "photo_id",
    "friend_count", *(f"aud_{name}" for name in FIELDS),
))
_LOAD = f"SELECT {', '.join(MemberRow._fields)} FROM members WHERE id = ? AND status = 'active'"
_LOAD_WITH_RELATION = (
    f"SELECT {', '.join(MemberRow._fields)}, {audience.RELATION_COLUMNS} FROM members WHERE id = ? AND status = 'active'"
)
TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass
class Profile:
    member: MemberRow
    relation: audience.Relation
    visible: dict[str, object] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.member.id

    @property
    def nickname(self) -> str:
        return self.member.nickname

    def shows(self, name: str) -> bool:
        return name in self.visible


def field_values(member: MemberRow) -> dict[str, object]:
    today = datetime.datetime.now(TOKYO).date()
    birthday = datetime.date.fromisoformat(member.birthday)
    return {
        "gender": member.gender,
        "age": age_on(birthday, today),
        "birthday": f"{birthday.month}月{birthday.day}日",
        "prefecture": member.prefecture,
        "hobbies": member.hobbies,
        "about": member.about,
        "real_name": member.real_name,
        "photo": member.photo_id,
        "friends": member.friend_count,
    }


def profile_for(viewer_id: int | None, member_id: int, as_relation: audience.Relation | None = None) -> Profile | None:
    """The profile of ``member_id`` as ``viewer_id`` may see it; None if they may not see it at all.

    ``as_relation`` lets an owner preview their profile as a friend or a stranger would see it.
    """
    if as_relation is not None or viewer_id is None or viewer_id == member_id:
        row = fetchone(_LOAD, (member_id,))
        if row is None:
            return None
        member = MemberRow(*row)
        rel = as_relation or audience.relation_from(viewer_id, member_id, False, False, False)
    else:  # the member and how the viewer stands to them, in one query
        row = fetchone(_LOAD_WITH_RELATION, audience.relation_params(viewer_id, member_id) + (member_id,))
        if row is None:
            return None
        member = MemberRow(*row[:-3])
        rel = audience.relation_from(viewer_id, member_id, *row[-3:])
    if rel.viewer_id is None or rel.blocked:
        return None
    values = field_values(member)
    visible = {
        name: values[name]
        for name in FIELDS
        if audience.may_see(rel, getattr(member, f"aud_{name}")) and values[name] not in ("", None)
    }
    return Profile(member, rel, visible)
