"""Diaries (日記): entries with an audience, comments and photos, members' lists, the friends' feed.

The feature's front door: callers use ``from keitai import diary as diaries`` and the names
below.  rules.py: entries and who may read them; comments.py: comments and the author's
"new comments" mark; feed.py: the friends' feed; archive.py: a member's diary by month (月別アーカイブ).
"""
from . import rules
from .archive import Month, month_entries, months, parse_month
from .comments import (COMMENT_MAX, NEW_COMMENTS_COUNT_SQL, Comment, UnreadEntry, add_comment, check_comment,
                       comment_count, comment_to_delete, comments_for, delete_comment, mark_comments_seen,
                       may_delete_comment, new_comment_count, unread_entries)
from .feed import friends_feed, home_section
from .rules import (BODY_MAX, DEFAULT_AUDIENCE, MAX_PHOTOS, NEWEST, REFRESH_ALL_NEWEST, TITLE_MAX, Draft, Entry,
                    EntryRow, can_read, check_audience, check_body, check_draft, create_entry, delete_entry,
                    diary_owner, entry_for, member_diary, own_groups, parse_id, replace_body, search_docs,
                    update_entry)


def install(app) -> None:
    """Register this feature's routes on ``app``, its photos' kind and its line in the home notices."""
    from keitai import notices
    from keitai.photos import rules as photos

    from . import views

    views.routes.install(app)
    photos.register_kind("diary", can_read, "diary.entry", "diary_id")
    notices.register("diary_comments", NEW_COMMENTS_COUNT_SQL, "diary.member_diary")
