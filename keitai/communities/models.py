"""A community and a topic as peewee models, matched to db/migrations/0030_communities.py by
tests/platform/test_schema.py.  keitai.communities.rules inserts them through these (their
many defaulted columns filled by name); every read and every other table is plain SQL."""
from peewee import AutoField, BigIntegerField, BooleanField, ForeignKeyField, TextField

from keitai.accounts.models import Member
from keitai.platform.db.connection import BaseModel


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
