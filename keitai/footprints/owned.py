"""What footprints keep of a member, for 退会 and データのダウンロード (keitai.accounts.owned)."""
from __future__ import annotations

from keitai.accounts.owned import rows
from keitai.platform.db.connection import execute


def export(member_id: int) -> list[dict]:
    """The member's visits to others (who visited them is the visitors' to tell, not the archive's)."""
    return rows("SELECT m.nickname AS visited, f.visited_at, f.visits FROM footprints f JOIN members m"
                " ON m.id = f.visited_id WHERE f.visitor_id = ? ORDER BY f.visited_at", (member_id,))


def delete(member_id: int) -> None:
    """The footprints they left and the ones left on them."""
    execute("DELETE FROM footprints WHERE visitor_id = ? OR visited_id = ?", (member_id, member_id))
