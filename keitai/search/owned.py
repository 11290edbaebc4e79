"""What search keeps of a member, for 退会 (keitai.accounts.owned): the documents that make
them and their writing findable.  Nothing for the archive: they copy what the other
features export."""
from __future__ import annotations

from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    return []


def delete(member_id: int) -> None:
    """Every document the member owns (their profile, their entries).  Runs after communities,
    which re-index the ones they handed on under their new owner."""
    execute("DELETE FROM search_docs WHERE owner_id = ?", (member_id,))
