"""What albums keep of a member, for 退会 and データのダウンロード (keitai.accounts.owned).

Their albums go with them, and every comment they wrote on anyone's album (the albums'
comment counts are counted again).  The albums' photos, their files and captions, are the
photos feature's (by owner): 退会 removes them and the archive carries them there.
"""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    """The member's albums (with their photos' numbers and captions), then every comment they wrote."""
    m = (member_id,)
    return (
        rows("SELECT 'album' AS what, id AS album_id, title, description, audience, created_at, updated_at"
             " FROM albums WHERE owner_id = ? ORDER BY id", m)
        + rows("SELECT 'photo' AS what, p.ref_id AS album_id, p.id AS photo_id, p.caption FROM photos p"
               " JOIN albums a ON a.id = p.ref_id WHERE p.kind = 'album' AND a.owner_id = ? ORDER BY p.id", m)
        + rows("SELECT 'comment' AS what, album_id, body, created_at FROM album_comments WHERE author_id = ?"
               " ORDER BY id", m)
    )


def delete(member_id: int) -> None:
    m = member_id
    execute(
        "UPDATE albums SET comment_count = comment_count"
        " - (SELECT COUNT(*) FROM album_comments c WHERE c.album_id = albums.id AND c.author_id = ?)"
        " WHERE owner_id <> ? AND id IN (SELECT album_id FROM album_comments WHERE author_id = ?)", (m, m, m))
    execute("DELETE FROM album_comments WHERE author_id = ?", (m,))
    execute("DELETE FROM albums WHERE owner_id = ?", (m,))  # the comments on them go with them
