"""What communities keep of a member, for 退会 and データのダウンロード (keitai.accounts.owned).

A community the member runs (管理人) passes to its longest-serving sub-admin (副管理人), or
else to its longest-standing member; one with no one else in it closes, with everything in
it.  Topics and comments they wrote on boards stay, shown as 「退会したメンバー」: a board's
comments are numbered and answer each other (>>3), and holes would leave the others' words
without what they answer.  Their memberships, requests and bans go.
"""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.photos import rules as photos
from keitai.platform.db.connection import execute, fetchall, fetchone, now
from keitai.search import rules as search

from . import board
from .community import PHOTO_KIND


def export(member_id: int) -> list[dict]:
    """Communities run, memberships, requests to join, and the topics and comments written."""
    m = (member_id,)
    return (
        rows("SELECT 'community_run' AS what, id AS community_id, name, category, description, created_at"
             " FROM communities WHERE owner_id = ? ORDER BY id", m)
        + rows("SELECT 'membership' AS what, c.id AS community_id, c.name, cm.role, cm.joined_at"
               " FROM community_members cm JOIN communities c ON c.id = cm.community_id WHERE cm.member_id = ?"
               " ORDER BY cm.joined_at", m)
        + rows("SELECT 'join_request' AS what, c.name, r.message, r.created_at FROM community_join_requests r"
               " JOIN communities c ON c.id = r.community_id WHERE r.member_id = ?", m)
        + rows("SELECT 'topic' AS what, t.id AS topic_id, c.name AS community, t.title, t.body, t.created_at"
               " FROM community_topics t JOIN communities c ON c.id = t.community_id"
               " WHERE t.author_id = ? AND t.deleted = FALSE ORDER BY t.id", m)
        + rows("SELECT 'topic_comment' AS what, cm.topic_id, t.title AS topic, cm.number, cm.body, cm.created_at"
               " FROM community_comments cm JOIN community_topics t ON t.id = cm.topic_id"
               " WHERE cm.author_id = ? AND cm.deleted = FALSE ORDER BY cm.id", m)
    )


def _successor(community_id: int, member_id: int) -> int | None:
    row = fetchone(
        "SELECT member_id FROM community_members WHERE community_id = ? AND member_id <> ?"
        " ORDER BY CASE WHEN role = 'subadmin' THEN 0 ELSE 1 END, joined_at, member_id LIMIT 1",
        (community_id, member_id))
    return row[0] if row else None


def _closing(member_id: int) -> list[int]:
    """The communities the member runs with no one else in them."""
    return [r[0] for r in fetchall(
        "SELECT id FROM communities c WHERE owner_id = ? AND NOT EXISTS("
        "SELECT 1 FROM community_members cm WHERE cm.community_id = c.id AND cm.member_id <> ?)",
        (member_id, member_id))]


def files(member_id: int) -> list[str]:
    """Photos of the communities that close, their boards' too (the member's own photos are the
    photos feature's)."""
    names = []
    for community_id in _closing(member_id):
        names += [r[0] for r in fetchall("SELECT file FROM photos WHERE kind = ? AND ref_id = ? AND owner_id <> ?",
                                         (PHOTO_KIND, community_id, member_id))]
        names += board.photo_files_under("t.community_id = ?", (community_id,), except_owner=member_id)
    return photos.file_paths(names)


def delete(member_id: int) -> None:
    m = member_id
    for community_id in _closing(m):
        board.delete_photos_under("t.community_id = ?", (community_id,))  # files: see files()
        execute("DELETE FROM communities WHERE id = ?", (community_id,))
        search.remove(search.COMMUNITY, community_id)
        photos.delete_rows(PHOTO_KIND, community_id)  # files: see files()
    for community_id, name, description in fetchall(
            "SELECT id, name, description FROM communities WHERE owner_id = ?", (m,)):
        heir = _successor(community_id, m)
        execute("UPDATE communities SET owner_id = ? WHERE id = ?", (heir, community_id))
        execute("UPDATE community_members SET role = 'member' WHERE community_id = ? AND member_id = ?",
                (community_id, heir))
        search.index(search.COMMUNITY, community_id, heir, name, description, updated_at=now())
    # A community photo the member put up goes with their photos.
    execute("UPDATE communities SET photo_id = NULL WHERE photo_id IN (SELECT id FROM photos WHERE owner_id = ?)", (m,))
    execute("UPDATE communities SET member_count = member_count - 1"
            " WHERE id IN (SELECT community_id FROM community_members WHERE member_id = ?)", (m,))
    execute("DELETE FROM community_members WHERE member_id = ?", (m,))
    execute("DELETE FROM community_join_requests WHERE member_id = ?", (m,))
    execute("DELETE FROM community_bans WHERE member_id = ?", (m,))
    execute("UPDATE community_topics SET author_id = NULL WHERE author_id = ?", (m,))
    execute("UPDATE community_comments SET author_id = NULL WHERE author_id = ?", (m,))


def handover_plan(member_id: int) -> list[tuple[int, str, str | None]]:
    """What 退会 would do with each community the member runs: (id, name, the nickname of the
    member who would run it next, or None when it would close)."""
    plan = []
    for community_id, name in fetchall("SELECT id, name FROM communities WHERE owner_id = ? ORDER BY id", (member_id,)):
        heir = _successor(community_id, member_id)
        nickname = fetchone("SELECT nickname FROM members WHERE id = ?", (heir,))[0] if heir else None
        plan.append((community_id, name, nickname))
    return plan
