"""Messages as a reportable kind (keitai.reports): its recipient reports it; a takedown
deletes it for both sides."""
from __future__ import annotations

from keitai.platform.db.connection import execute, fetchone
from keitai.reports.rules import Reported


def find(message_id: int) -> Reported | None:
    row = fetchone("SELECT sender_id, subject, body FROM messages WHERE id = ?", (message_id,))
    return Reported(row[0], row[1], row[2], "messages.show", {"message_id": message_id}) if row else None


def may_see(viewer_id: int, message_id: int) -> bool:
    """Its recipient, while they keep it (its sender reports nothing they sent)."""
    return fetchone("SELECT 1 FROM messages WHERE id = ? AND recipient_id = ? AND NOT recipient_deleted",
                    (message_id, viewer_id)) is not None


def take_down(message_id: int, operator_id: int) -> None:
    execute("DELETE FROM messages WHERE id = ?", (message_id,))
