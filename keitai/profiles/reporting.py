"""A member's profile as a reportable kind (keitai.reports): a takedown empties what they
wrote on it (自己紹介, 趣味, 本名, 所属) and takes its photos down; the nickname stays."""
from __future__ import annotations

from keitai.platform.db.connection import execute, fetchone
from keitai.reports.rules import Reported
from keitai.search import rules as search

from .rules import photo_ids, profile_for, remove_photo


def find(member_id: int) -> Reported | None:
    row = fetchone("SELECT nickname, hobbies, about FROM members WHERE id = ?", (member_id,))
    if row is None:
        return None
    return Reported(member_id, row[0], "\n".join(text for text in row[1:] if text), "profile.profile",
                    {"member_id": member_id})


def may_see(viewer_id: int, member_id: int) -> bool:
    return profile_for(viewer_id, member_id) is not None


def take_down(member_id: int, operator_id: int) -> None:
    execute("UPDATE members SET about = '', hobbies = '', real_name = '', affiliation = '' WHERE id = ?", (member_id,))
    for photo_id in photo_ids(member_id):  # every profile photo, not only the main one
        remove_photo(member_id, photo_id)
    search.index_member(member_id)
