"""Sessions live in the database so that any server process can serve any member."""
from peewee import BigIntegerField, BooleanField, ForeignKeyField, TextField

from keitai.platform.db.connection import BaseModel
from .members import Member


class Session(BaseModel):
    id = TextField(primary_key=True)  # SHA-256 of the session id: a leaked table opens no session
    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")
    device_key = TextField()  # carrier and subscriber the session was made on
    handset = BooleanField()
    created_at = BigIntegerField()
    last_seen = BigIntegerField()
    expires_at = BigIntegerField()
    idle_seconds = BigIntegerField()

    class Meta:
        table_name = "sessions"
