"""Which notice mails a member gets, and at most one per kind until they have looked.

Each kind names the page its mail points to; visiting such a page (:func:`looked`) lets the
next event of that kind mail again: the friend requests page, any of one's own diary entries
(diary_comment) or anyone else's (comment_reply), a community's join requests, one's own
introductions.  A mail says only what happened, never who or what was written
(a handset's mail may be read by anyone holding the phone); its link is made on
``KEITAI_BASE_URL`` (keitai.platform.web.urls.mailed), never on a request's Host.
"""
from __future__ import annotations

import logging

from keitai import privacy, words
from keitai.platform import mail
from keitai.platform.db.connection import best_effort, db, execute, fetchall, fetchone, now
from keitai.platform.web.routes import path_for
from keitai.platform.web.urls import mailed

log = logging.getLogger("keitai.notify")

#: The kinds, in the order the settings page lists them; each mail's words are words.NOTICE_MAILS[kind].
KINDS = ("friend_request", "diary_comment", "comment_reply", "community_join", "introduction")


def _quiet(row: str) -> str:
    """SQL condition: the notice_mail row ``row`` stops the next mail of its kind: the member
    switched the kind off, or a mail of it waits that they have not looked at."""
    return f"({row}.mailed_at IS NOT NULL OR {row}.muted)"


#: SQL condition (one ``?``, the kind): the member in ``m`` gets no mail of the kind now.
_QUIET = f"EXISTS(SELECT 1 FROM notice_mail q WHERE q.member_id = m.id AND q.kind = ? AND {_quiet('q')})"


def notice(member_id: int, kind: str, route: str, /, **values) -> bool:
    """Mail ``member_id`` that an event of ``kind`` happened (its page: ``route`` with ``values``),
    unless they switched the kind off or a mail of it waits unlooked.  Never raises: the event
    has happened whatever the mail does.  Returns whether a mail was queued."""
    try:
        # A read first: most events find the kind switched off or a mail waiting, and then no
        # write (and on SQLite no write lock) is needed at all.
        row = fetchone(f"SELECT m.mail FROM members m WHERE m.id = ? AND {privacy.active_member_sql('m.')}"
                       f" AND NOT {_QUIET}", (member_id, kind))
        if row is None:
            return False
        with db.atomic():  # a savepoint: a failure here leaves the caller's transaction usable
            # One statement decides (two events at once both pass the read above): a new row
            # (on, nothing waiting) or a row neither muted nor waiting.
            claimed = fetchall(
                "INSERT INTO notice_mail (member_id, kind, mailed_at) VALUES (?, ?, ?)"
                " ON CONFLICT (member_id, kind) DO UPDATE SET mailed_at = excluded.mailed_at"
                f" WHERE NOT {_quiet('notice_mail')} RETURNING member_id",
                (member_id, kind, now()))
            if not claimed:
                return False
            path, _ = path_for(route, dict(values))
            subject, body = words.NOTICE_MAILS[kind]
            mail.send(row[0], subject, body.format(link=mailed(path)) + words.NOTICE_MAIL_FOOTER.format(
                settings=mailed(path_for("notify.settings_form", {})[0])))
        return True
    except Exception:  # a notice is a courtesy: the event must stand
        log.exception("notice mail %s to member %s failed", kind, member_id)
        return False


def looked(member_id: int, kind: str) -> None:
    """The member visited the page of ``kind``: its next event may mail again (best effort)."""
    # Read first: most visits find nothing waiting and need no write lock; the write waits for
    # a lock no longer than any other write that comes with reading a page.
    if fetchone("SELECT 1 FROM notice_mail WHERE member_id = ? AND kind = ? AND mailed_at IS NOT NULL",
                (member_id, kind)) is not None:
        best_effort("notice mail looked", "UPDATE notice_mail SET mailed_at = NULL WHERE member_id = ? AND kind = ?",
                    (member_id, kind))


# --- the events ----------------------------------------------------------------------------

def after_comment(commenter_id: int, diary_id: int) -> None:
    """A comment on an entry: its writer hears of it (diary_comment), and so does everyone who
    commented on it before and may still read it, unless blocked with the commenter (comment_reply)."""
    from keitai.diary.rules import can_read

    row = fetchone("SELECT author_id FROM diaries WHERE id = ?", (diary_id,))
    if row is None:
        return
    owner_id = row[0]
    if owner_id != commenter_id:
        notice(owner_id, "diary_comment", "diary.entry", diary_id=diary_id)
    # Only those a mail could reach now (active, not blocked with the commenter, the kind on and
    # nothing waiting) are checked against the entry's audience: on a busy entry most are not.
    earlier = fetchall(
        "SELECT DISTINCT c.author_id FROM diary_comments c JOIN members m ON m.id = c.author_id"
        f" WHERE c.diary_id = ? AND c.author_id <> ? AND c.author_id <> ? AND {privacy.active_member_sql('m.')}"
        f" AND NOT {privacy.blocked_sql('c.author_id', '?')} AND NOT {_QUIET}",
        (diary_id, commenter_id, owner_id, commenter_id, commenter_id, "comment_reply"))
    for (member_id,) in earlier:
        if can_read(member_id, diary_id):
            notice(member_id, "comment_reply", "diary.entry", diary_id=diary_id)


def join_requested(community_id: int) -> None:
    """Someone asks to join a community by approval: its owner and sub-admins hear of it."""
    admins = fetchall("SELECT owner_id FROM communities WHERE id = ? UNION SELECT member_id FROM community_members"
                      " WHERE community_id = ? AND role = 'subadmin'", (community_id, community_id))
    for (member_id,) in admins:
        notice(member_id, "community_join", "communities.requests", community_id=community_id)


# --- the settings page -------------------------------------------------------------------------

def switched_on(member_id: int) -> dict[str, bool]:
    """Each kind: is its mail on for this member?"""
    muted = {kind for (kind,) in fetchall("SELECT kind FROM notice_mail WHERE member_id = ? AND muted", (member_id,))}
    return {kind: kind not in muted for kind in KINDS}


def switch(member_id: int, on: set[str]) -> None:
    """Keep the kinds in ``on`` switched on and the others off (unknown kinds are ignored)."""
    for kind in KINDS:
        execute("INSERT INTO notice_mail (member_id, kind, muted) VALUES (?, ?, ?)"
                " ON CONFLICT (member_id, kind) DO UPDATE SET muted = excluded.muted",
                (member_id, kind, kind not in on))


def export(member_id: int) -> list[dict]:
    return [{"kind": kind, "mail": on} for kind, on in switched_on(member_id).items()]


def delete(member_id: int) -> None:
    execute("DELETE FROM notice_mail WHERE member_id = ?", (member_id,))
