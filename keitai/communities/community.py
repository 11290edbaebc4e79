"""One community: making, editing and deleting it (one function each, so the search index
is kept here), its photo, and its search documents."""
from __future__ import annotations

from keitai.communities import models
from keitai.photos import rules as photos
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now
from keitai.platform.text import parts
from keitai.privacy import blocked_between
from keitai.search import rules as search
from keitai.words import Refused

from . import board
from .rules import (CATEGORIES, DESCRIPTION_MAX, JOIN_POLICIES, NAME_MAX, READ_POLICIES, TOPIC_POLICIES,
                    Standing, checked_text, require, require_room)


def _settings(name, category, description, join_policy, read_policy, topic_policy) -> dict:
    settings = {
        "name": checked_text(name, NAME_MAX, "communities.name_required"),
        "category": category,
        "description": checked_text(description, DESCRIPTION_MAX),
        "join_policy": join_policy,
        "read_policy": read_policy,
        "topic_policy": topic_policy,
    }
    require(category in CATEGORIES, "communities.bad_category")
    require(
        join_policy in JOIN_POLICIES and read_policy in READ_POLICIES and topic_policy in TOPIC_POLICIES,
        "communities.bad_policy",
    )
    return settings


def create_community(owner_id: int, name: str, category: str, description: str = "",
                     join_policy: str = "open", read_policy: str = "everyone",
                     topic_policy: str = "members") -> int:
    """Make a community whose owner (and first member) is ``owner_id``; return its id."""
    settings = _settings(name, category, description, join_policy, read_policy, topic_policy)
    require_room(owner_id)
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
    require(standing.is_admin, "communities.not_admin")
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
        return checked_text(description, DESCRIPTION_MAX), []
    except Refused as exc:
        return description, [exc.message]


def replace_description(standing: Standing, old: str, new: str) -> bool:
    """Change a community's description from ``old`` to ``new`` (already checked; its admins may);
    False if it is no longer ``old``."""
    require(standing.is_admin, "communities.not_admin")
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
        require(standing.is_owner, "communities.not_owner")
        require(standing.community.member_count <= 1, "communities.cannot_delete")
    with db.atomic():
        for (topic_id,) in fetchall("SELECT id FROM community_topics WHERE community_id = ? AND deleted = FALSE",
                                    (standing.community.id,)):
            search.remove(search.TOPIC, topic_id)
        files = board.delete_photos_under("t.community_id = ?", (standing.community.id,))
        execute("DELETE FROM communities WHERE id = ?", (standing.community.id,))
        search.remove(search.COMMUNITY, standing.community.id)
        files += photos.delete_rows(PHOTO_KIND, standing.community.id)
    photos.remove_files(files)


# ---------------------------------------------------------------------------
# The community's photo (one; its admins change it)

PHOTO_KIND = "community"


def may_view_photo(viewer_id: int, community_id: int) -> bool:
    """A community's photo, like its name and description, is shown to every signed-in member
    except those blocked with its owner either way."""
    row = fetchone("SELECT owner_id FROM communities WHERE id = ?", (community_id,))
    return row is not None and (row[0] == viewer_id or not blocked_between(viewer_id, row[0]))


def set_photo(standing: Standing, prepared: photos.Prepared) -> int:
    """Make ``prepared`` the community's photo, replacing any (its admins may); returns its id."""
    require(standing.is_admin, "communities.not_admin")
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
    require(standing.is_admin, "communities.not_admin")
    with db.atomic():
        files = photos.delete_rows(PHOTO_KIND, standing.community.id)
        execute("UPDATE communities SET photo_id = NULL WHERE id = ?", (standing.community.id,))
    photos.remove_files(files)


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
