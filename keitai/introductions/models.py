"""The ``introductions`` row as a peewee model, matched to db/migrations by
tests/platform/test_schema.py: keitai.introductions.rules writes it in one upsert."""
from peewee import AutoField, BigIntegerField, BooleanField, ForeignKeyField, TextField

from keitai.accounts.models import Member
from keitai.platform.db.connection import BaseModel


class Introduction(BaseModel):
    """紹介文: one per friend and member, shown when the member has approved it."""

    id = AutoField()
    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")  # who is introduced
    author = ForeignKeyField(Member, column_name="author_id", on_delete="CASCADE")
    body = TextField()
    approved = BooleanField(default=False)
    created_at = BigIntegerField()
    updated_at = BigIntegerField()

    class Meta:
        table_name = "introductions"
