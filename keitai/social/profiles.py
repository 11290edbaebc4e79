"""Profiles: what of a member's profile a viewer may see, field by field."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from keitai.models.members import Member

from . import audience
from .accounts import age_on

#: Fields with their own audience (column ``aud_<name>``), in display order.
FIELDS = ("gender", "age", "birthday", "prefecture", "hobbies", "about", "real_name", "photo", "friends")


@dataclass
class Profile:
    member: Member
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


def field_values(member: Member) -> dict[str, object]:
    today = datetime.datetime.now(ZoneInfo("Asia/Tokyo")).date()
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
    member = Member.get_or_none((Member.id == member_id) & (Member.status == "active"))
    if member is None:
        return None
    rel = as_relation or audience.relation(viewer_id, member_id)
    if rel.viewer_id is None or rel.blocked:
        return None
    values = field_values(member)
    visible = {
        name: values[name]
        for name in FIELDS
        if audience.may_see(rel, getattr(member, f"aud_{name}")) and values[name] not in ("", None)
    }
    return Profile(member, rel, visible)
