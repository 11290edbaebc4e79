"""What photos keep of a member, for 退会 and データのダウンロード (keitai.accounts.owned):
every photo they uploaded (profile, diaries, a community's), its file and its renditions."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute, fetchall

from . import rules


def _archive_name(photo_id: int) -> str:
    return f"photos/{photo_id}.jpg"


def export(member_id: int) -> list[dict]:
    """Each photo: what it belongs to, and its file in the archive (``archive_file``)."""
    found = rows("SELECT id AS photo_id, kind, ref_id, width, height, created_at FROM photos WHERE owner_id = ?"
                 " ORDER BY id", (member_id,))
    return [dict(row, archive_file=_archive_name(row["photo_id"])) for row in found]


def attach(member_id: int) -> list[tuple[str, str]]:
    """The originals (stripped of metadata when they were uploaded)."""
    return [(_archive_name(photo_id), str(rules._original_path(name)))
            for photo_id, name in fetchall("SELECT id, file FROM photos WHERE owner_id = ? ORDER BY id", (member_id,))]


def files(member_id: int) -> list[str]:
    return rules.file_paths([r[0] for r in fetchall("SELECT file FROM photos WHERE owner_id = ?", (member_id,))])


def delete(member_id: int) -> None:
    execute("DELETE FROM photos WHERE owner_id = ?", (member_id,))
