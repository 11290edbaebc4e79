"""The ``friend_groups`` row as a peewee model, matched to db/migrations by
tests/platform/test_schema.py: made in keitai.friends.groups, read there by SQL."""
from peewee import AutoField, BigIntegerField, ForeignKeyField, TextField

from keitai.accounts.models import Member
from keitai.platform.db.connection import BaseModel


class FriendGroup(BaseModel):
    """A friend list a member makes, to choose as the audience of a diary."""

    id = AutoField()
    owner = ForeignKeyField(Member, column_name="owner_id", on_delete="CASCADE")
    name = TextField()
    created_at = BigIntegerField()

    class Meta:
        table_name = "friend_groups"
