"""The ``messages`` row as a peewee model, matched to db/migrations by
tests/platform/test_schema.py: written in keitai.messages.rules.send, read there by SQL."""
from peewee import AutoField, BigIntegerField, BooleanField, ForeignKeyField, TextField

from keitai.accounts.models import Member
from keitai.platform.db.connection import BaseModel


class Message(BaseModel):
    """A message between two members; each side deletes its own copy."""

    id = AutoField()
    sender = ForeignKeyField(Member, column_name="sender_id", on_delete="CASCADE")
    recipient = ForeignKeyField(Member, column_name="recipient_id", on_delete="CASCADE")
    subject = TextField()
    body = TextField()
    reply_to = ForeignKeyField("self", column_name="reply_to_id", null=True, on_delete="SET NULL")
    thread_id = BigIntegerField(null=True)  # the conversation's first message; None on that one
    created_at = BigIntegerField()
    read_at = BigIntegerField(null=True)
    sender_deleted = BooleanField(default=False)
    recipient_deleted = BooleanField(default=False)

    class Meta:
        table_name = "messages"
