"""Communities (コミュニティ): boards, their members, topics, numbered comments and reports.

The schema is db/migrations/0030_communities.py; the rules are in keitai/communities/ (rules.py says which module holds what).
"""
from peewee import AutoField, BigIntegerField, BooleanField, CompositeKey, ForeignKeyField, TextField

from keitai.platform.db.connection import BaseModel
from .members import Member


class Community(BaseModel):
    id = AutoField()
    name = TextField()
    category = TextField()  # a key of keitai.communities.rules.CATEGORIES
    description = TextField(default="")
    photo_id = BigIntegerField(null=True)
    join_policy = TextField(default="open")  # open | approval
    read_policy = TextField(default="everyone")  # everyone | members
    topic_policy = TextField(default="members")  # members | admins
    owner = ForeignKeyField(Member, column_name="owner_id")  # 管理人
    member_count = BigIntegerField(default=0)
    topic_count = BigIntegerField(default=0)
    created_at = BigIntegerField()
    last_activity_at = BigIntegerField()

    class Meta:
        table_name = "communities"


class CommunityMember(BaseModel):
    community = ForeignKeyField(Community, column_name="community_id", on_delete="CASCADE")
    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")
    role = TextField(default="member")  # member | subadmin (the owner is Community.owner)
    joined_at = BigIntegerField()

    class Meta:
        table_name = "community_members"
        primary_key = CompositeKey("community", "member")


class JoinRequest(BaseModel):
    community = ForeignKeyField(Community, column_name="community_id", on_delete="CASCADE")
    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")
    message = TextField(default="")
    created_at = BigIntegerField()

    class Meta:
        table_name = "community_join_requests"
        primary_key = CompositeKey("community", "member")


class CommunityBan(BaseModel):
    """A member an admin removed; they may not join or ask to join again."""

    community = ForeignKeyField(Community, column_name="community_id", on_delete="CASCADE")
    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")
    created_at = BigIntegerField()

    class Meta:
        table_name = "community_bans"
        primary_key = CompositeKey("community", "member")


class Topic(BaseModel):
    id = AutoField()
    community = ForeignKeyField(Community, column_name="community_id", on_delete="CASCADE")
    author = ForeignKeyField(Member, column_name="author_id", null=True, on_delete="SET NULL")
    title = TextField()
    body = TextField()
    comment_count = BigIntegerField(default=0)  # also the last number given to a comment
    closed = BooleanField(default=False)
    deleted = BooleanField(default=False)
    created_at = BigIntegerField()
    last_activity_at = BigIntegerField()

    class Meta:
        table_name = "community_topics"


class Comment(BaseModel):
    id = AutoField()
    topic = ForeignKeyField(Topic, column_name="topic_id", on_delete="CASCADE")
    number = BigIntegerField()  # 1, 2, 3... within the topic; a deleted comment keeps its number
    author = ForeignKeyField(Member, column_name="author_id", null=True, on_delete="SET NULL")
    body = TextField()
    deleted = BooleanField(default=False)
    created_at = BigIntegerField()

    class Meta:
        table_name = "community_comments"


class Report(BaseModel):
    id = AutoField()
    community = ForeignKeyField(Community, column_name="community_id", on_delete="CASCADE")
    topic = ForeignKeyField(Topic, column_name="topic_id", on_delete="CASCADE")
    comment = ForeignKeyField(Comment, column_name="comment_id", null=True, on_delete="CASCADE")
    reporter = ForeignKeyField(Member, column_name="reporter_id", on_delete="CASCADE")
    reason = TextField()
    note = TextField(default="")
    created_at = BigIntegerField()
    resolved_at = BigIntegerField(null=True)
    resolved_by = ForeignKeyField(Member, column_name="resolved_by", null=True, on_delete="SET NULL")
    outcome = TextField(default="")  # removed | dismissed

    class Meta:
        table_name = "community_reports"
