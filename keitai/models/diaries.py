"""Diaries, their comments, and the external blog feeds members import from."""
from peewee import AutoField, BigIntegerField, BooleanField, CompositeKey, ForeignKeyField, TextField

from keitai.platform.db.connection import BaseModel
from .members import FriendGroup, Member


class Diary(BaseModel):
    id = AutoField()
    author = ForeignKeyField(Member, column_name="author_id", on_delete="CASCADE")
    title = TextField()
    body = TextField()
    audience = TextField()  # keitai.privacy.ITEM_AUDIENCES
    group = ForeignKeyField(FriendGroup, column_name="group_id", null=True, on_delete="SET NULL")
    source_url = TextField(null=True)  # the original, for entries imported from a blog
    photo_count = BigIntegerField(default=0)
    comment_count = BigIntegerField(default=0)
    unread_comments = BigIntegerField(default=0)  # comments by others the author has not seen
    seen_comment_id = BigIntegerField(default=0)  # the newest comment the author has seen
    last_comment_at = BigIntegerField(null=True)
    created_at = BigIntegerField()
    updated_at = BigIntegerField()

    class Meta:
        table_name = "diaries"


class DiaryComment(BaseModel):
    id = AutoField()
    diary = ForeignKeyField(Diary, column_name="diary_id", on_delete="CASCADE")
    author = ForeignKeyField(Member, column_name="author_id", on_delete="CASCADE")
    body = TextField()
    created_at = BigIntegerField()

    class Meta:
        table_name = "diary_comments"


class DiaryFeed(BaseModel):
    """A member's external blog (RSS/Atom), imported as diary entries."""

    member = ForeignKeyField(Member, column_name="member_id", primary_key=True, on_delete="CASCADE")
    url = TextField()
    audience = TextField()
    group = ForeignKeyField(FriendGroup, column_name="group_id", null=True, on_delete="SET NULL")
    etag = TextField(null=True)
    last_modified = TextField(null=True)
    fetched_once = BooleanField(default=False)
    next_fetch_at = BigIntegerField(default=0)
    last_fetch_at = BigIntegerField(null=True)
    last_ok_at = BigIntegerField(null=True)
    last_error = TextField(null=True)  # a code from keitai.words.FEED_ERRORS, with ':detail'
    error_count = BigIntegerField(default=0)
    imported_count = BigIntegerField(default=0)
    created_at = BigIntegerField()

    class Meta:
        table_name = "diary_feeds"


class DiaryFeedItem(BaseModel):
    """Every item seen in a member's feed, so that each is imported once."""

    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")
    item_key = TextField()
    diary = ForeignKeyField(Diary, column_name="diary_id", null=True, on_delete="SET NULL")
    created_at = BigIntegerField()

    class Meta:
        table_name = "diary_feed_items"
        primary_key = CompositeKey("member", "item_key")
