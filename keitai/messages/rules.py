"""Messages between members: send, inbox and sent box, read/unread, replies, delete for one side.

A message belongs to both its sender and its recipient; each deletes only their own
copy, and the row goes when both have.  Members who have blocked each other can
neither send nor see each other's messages; a suspended member's messages are hidden from their
recipients until the suspension is lifted.  A mail (with no content in it) tells the
recipient a message has come, if they want one: only for the first unread message,
so a burst of messages is one mail.
"""
from __future__ import annotations

import logging
from typing import NamedTuple

from keitai.platform import mail
from keitai import words
from keitai.words import Refused
from keitai.platform.db.connection import best_effort, db, execute, fetchall, fetchone, now, scalar
from keitai.messages.models import Message as MessageRow
from keitai.platform.db.paging import Page, page_of, parse_cursor

from keitai import privacy

log = logging.getLogger("keitai.messages")

MAX_SUBJECT = 100
MAX_BODY = 5000
#: A member sends at most this many messages a day (spam from a stolen account stays small).
DAILY_LIMIT = 100
#: Earlier messages of the conversation shown under a message.
THREAD_SHOWN = 5
COUNT_CAP = 100
_END = 2**62


class Message(NamedTuple):
    id: int
    sender_id: int
    sender_nickname: str
    recipient_id: int
    recipient_nickname: str
    subject: str
    body: str
    created_at: int
    read_at: int | None
    thread_id: int | None

    @property
    def conversation_id(self) -> int:
        return self.thread_id or self.id

    def other(self, member_id: int) -> tuple[int, str]:
        """The other party's id and nickname, as ``member_id`` sees the message."""
        if member_id == self.sender_id:
            return self.recipient_id, self.recipient_nickname
        return self.sender_id, self.sender_nickname


class Line(NamedTuple):
    """A message in a list: the other party, subject, time, read or not."""

    id: int
    other_id: int
    other_nickname: str
    subject: str
    created_at: int
    read_at: int | None


def clean(subject: str, body: str) -> tuple[str, str, list[str]]:
    """Trimmed subject and body, and what is wrong with them (Japanese)."""
    subject = " ".join(subject.split())
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    errors = []
    if len(subject) > MAX_SUBJECT:
        errors.append(words.FIELD_TOO_LONG_NAMED.format(field="件名", limit=MAX_SUBJECT))
    if not body:
        errors.append(words.MESSAGE_BODY_EMPTY)
    elif len(body) > MAX_BODY:
        errors.append(words.FIELD_TOO_LONG_NAMED.format(field="本文", limit=MAX_BODY))
    return subject or words.MESSAGE_NO_SUBJECT, body, errors


def reply_subject(subject: str) -> str:
    """``Re: subject``, without piling up ``Re: Re: ...``."""
    if subject.lower().startswith("re:"):
        return subject
    return ("Re: " + subject)[:MAX_SUBJECT]


def recipient_for(sender_id: int, recipient_id: int) -> tuple[int, str] | None:
    """(id, nickname) of the member ``sender_id`` may write to, or None (unknown, inactive, blocked, self)."""
    if sender_id == recipient_id:
        return None
    row = fetchone("SELECT id, nickname FROM members WHERE id = ? AND " + privacy.active_member_sql(), (recipient_id,))
    if row is None or privacy.blocked_between(sender_id, recipient_id):
        return None
    return row[0], row[1]


def send(sender_id: int, recipient_id: int, subject: str, body: str,
         reply_to: int | None = None, inbox_link: str | None = None) -> int:
    """Send a message (already cleaned) and return its id; raises Refused with the reason.

    ``reply_to`` is a message of the sender's conversation with the recipient;
    ``inbox_link`` is the address put in the notice mail.
    """
    if recipient_for(sender_id, recipient_id) is None:
        raise Refused("messages.cannot_send")
    thread_id = None
    if reply_to is not None:
        parent = fetchone(
            "SELECT id, thread_id FROM messages WHERE id = ?"
            " AND ((sender_id = ? AND recipient_id = ?) OR (sender_id = ? AND recipient_id = ?))",
            (reply_to, sender_id, recipient_id, recipient_id, sender_id),
        )
        if parent is None:
            reply_to = None  # the message replied to was deleted meanwhile: send it on its own
        else:
            thread_id = parent[1] or parent[0]
    t = now()
    # The 100th latest message sent: if it is less than a day old, the day's quota is used up.
    hundredth = scalar(
        "SELECT created_at FROM messages WHERE sender_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?",
        (sender_id, DAILY_LIMIT - 1),
    )
    if hundredth is not None and hundredth > t - 86400:
        raise Refused("messages.daily_limit", limit=DAILY_LIMIT)
    message_id = MessageRow.insert(
        sender=sender_id, recipient=recipient_id, subject=subject, body=body,
        reply_to=reply_to, thread_id=thread_id, created_at=t,
    ).execute()
    if inbox_link:
        _notify(recipient_id, message_id, inbox_link)
    return message_id


def _notify(recipient_id: int, message_id: int, inbox_link: str) -> None:
    """Mail the recipient that a message came, unless they said no or already have one unread."""
    row = fetchone(
        "SELECT m.mail FROM members m WHERE m.id = ? AND m.message_mail AND " + privacy.active_member_sql("m.") +
        " AND NOT EXISTS(SELECT 1 FROM messages u WHERE u.recipient_id = m.id AND u.read_at IS NULL"
        " AND NOT u.recipient_deleted AND u.id <> ?)",
        (recipient_id, message_id),
    )
    if row is None:
        return
    try:
        mail.send(row[0], words.MESSAGE_MAIL_SUBJECT, words.MESSAGE_MAIL_BODY.format(link=inbox_link))
    except Exception:  # the message is sent; a mail server being down must not undo that
        log.exception("message notice mail to member %s failed", recipient_id)


# A suspended member's messages wait, hidden from their recipients, until the suspension is lifted.
_INBOX = (
    "SELECT ms.id, ms.sender_id, m.nickname, ms.subject, ms.created_at, ms.read_at"
    " FROM messages ms JOIN members m ON m.id = ms.sender_id AND " + privacy.active_member_sql("m.") +
    " WHERE ms.recipient_id = ? AND NOT ms.recipient_deleted AND ms.id < ?"
    " AND NOT " + privacy.blocked_sql("ms.recipient_id", "ms.sender_id") +
    " ORDER BY ms.id DESC LIMIT ?"
)
_SENT = (
    "SELECT ms.id, ms.recipient_id, m.nickname, ms.subject, ms.created_at, ms.read_at"
    " FROM messages ms JOIN members m ON m.id = ms.recipient_id"
    " WHERE ms.sender_id = ? AND NOT ms.sender_deleted AND ms.id < ?"
    " AND NOT " + privacy.blocked_sql("ms.sender_id", "ms.recipient_id") +
    " ORDER BY ms.id DESC LIMIT ?"
)


def _box(sql: str, member_id: int, before: str | None, limit: int) -> Page:
    cursor = parse_cursor(before, 1)
    rows = fetchall(sql, (member_id, cursor[0] if cursor else _END, limit + 1))
    return page_of([Line(*row) for row in rows], limit, lambda line: str(line.id))


def inbox(member_id: int, before: str | None = None, limit: int = 10) -> Page:
    """Messages to ``member_id`` (Lines), newest first, ``limit`` at a time (keyset on id)."""
    return _box(_INBOX, member_id, before, limit)


def sent(member_id: int, before: str | None = None, limit: int = 10) -> Page:
    """Messages from ``member_id``, newest first."""
    return _box(_SENT, member_id, before, limit)


_ONE = (
    "SELECT ms.id, ms.sender_id, s.nickname, ms.recipient_id, r.nickname, ms.subject, ms.body,"
    " ms.created_at, ms.read_at, ms.thread_id"
    " FROM messages ms JOIN members s ON s.id = ms.sender_id JOIN members r ON r.id = ms.recipient_id"
    " WHERE ms.id = ? AND ((ms.sender_id = ? AND NOT ms.sender_deleted)"
    " OR (ms.recipient_id = ? AND NOT ms.recipient_deleted AND " + privacy.active_member_sql("s.") + "))"
    " AND NOT " + privacy.blocked_sql("ms.sender_id", "ms.recipient_id")
)


def open_message(member_id: int, message_id: int) -> Message | None:
    """The message if ``member_id`` may read it (marking it read for its recipient), else None."""
    row = fetchone(_ONE, (message_id, member_id, member_id))
    if row is None:
        return None
    message = Message(*row)
    if message.recipient_id == member_id and message.read_at is None:
        t = now()
        if best_effort("message read mark", "UPDATE messages SET read_at = ? WHERE id = ? AND read_at IS NULL",
                       (t, message_id)):
            message = message._replace(read_at=t)
    return message


_THREAD = (
    "SELECT ms.id, ms.sender_id, s.nickname, ms.recipient_id, r.nickname, ms.subject, ms.body,"
    " ms.created_at, ms.read_at, ms.thread_id"
    " FROM messages ms JOIN members s ON s.id = ms.sender_id JOIN members r ON r.id = ms.recipient_id"
    " WHERE (ms.thread_id = ? OR ms.id = ?) AND ms.id < ?"
    " AND ((ms.sender_id = ? AND NOT ms.sender_deleted) OR (ms.recipient_id = ? AND NOT ms.recipient_deleted))"
    " ORDER BY ms.id DESC LIMIT ?"
)


def earlier_in_thread(member_id: int, message: Message, limit: int = THREAD_SHOWN) -> list[Message]:
    """The messages before ``message`` in its conversation that ``member_id`` still keeps, newest first."""
    root = message.conversation_id
    rows = fetchall(_THREAD, (root, root, message.id, member_id, member_id, limit))
    return [Message(*row) for row in rows]


def delete_for(member_id: int, message_id: int) -> bool:
    """Delete a message for ``member_id`` only; True if it was theirs to delete."""
    with db.atomic():
        done = execute(
            "UPDATE messages SET sender_deleted = ? WHERE id = ? AND sender_id = ? AND NOT sender_deleted",
            (True, message_id, member_id),
        ).rowcount
        done += execute(
            "UPDATE messages SET recipient_deleted = ? WHERE id = ? AND recipient_id = ? AND NOT recipient_deleted",
            (True, message_id, member_id),
        ).rowcount
        if done:
            execute("DELETE FROM messages WHERE id = ? AND sender_deleted AND recipient_deleted", (message_id,))
    return bool(done)


UNREAD_COUNT_SQL = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM messages ms JOIN members m ON m.id = ms.sender_id"
    " AND " + privacy.active_member_sql("m.") + " WHERE ms.recipient_id = ?"
    " AND ms.read_at IS NULL AND NOT ms.recipient_deleted"
    " AND NOT " + privacy.blocked_sql("ms.recipient_id", "ms.sender_id") + f" LIMIT {COUNT_CAP}) x"
)


def unread_count(member_id: int) -> int:
    """Unread messages in the inbox (an index holds only unread ones); at most COUNT_CAP."""
    return scalar(UNREAD_COUNT_SQL, (member_id,)) or 0


def wants_mail(member_id: int) -> bool:
    return bool(scalar("SELECT message_mail FROM members WHERE id = ?", (member_id,)))


def set_wants_mail(member_id: int, on: bool) -> None:
    execute("UPDATE members SET message_mail = ? WHERE id = ?", (on, member_id))
