"""Members and the ties between them: friendships, requests, friend lists, blocks."""
from peewee import AutoField, BigIntegerField, BooleanField, CompositeKey, ForeignKeyField, TextField

from keitai.platform.db.connection import BaseModel


class Member(BaseModel):
    id = AutoField()
    nickname = TextField()
    mail = TextField(unique=True)
    password_hash = TextField()
    status = TextField(default="pending")  # pending (mail not verified), active, suspended
    is_admin = BooleanField(default=False)
    birthday = TextField()  # YYYY-MM-DD
    gender = TextField(default="")
    prefecture = TextField(default="")
    hobbies = TextField(default="")
    about = TextField(default="")
    real_name = TextField(default="")
    photo_id = BigIntegerField(null=True)
    aud_birthday = TextField(default="private")
    aud_age = TextField(default="friends")
    aud_gender = TextField(default="everyone")
    aud_prefecture = TextField(default="everyone")
    aud_hobbies = TextField(default="everyone")
    aud_about = TextField(default="everyone")
    aud_real_name = TextField(default="private")
    aud_photo = TextField(default="everyone")
    aud_friends = TextField(default="everyone")
    friend_count = BigIntegerField(default=0)
    created_at = BigIntegerField()
    last_login_at = BigIntegerField(null=True)

    class Meta:
        table_name = "members"


class Friendship(BaseModel):
    """One row per direction, so "friends of X" is one index range."""

    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")
    friend = ForeignKeyField(Member, column_name="friend_id", on_delete="CASCADE")
    created_at = BigIntegerField()

    class Meta:
        table_name = "friendships"
        primary_key = CompositeKey("member", "friend")


class FriendRequest(BaseModel):
    id = AutoField()
    sender = ForeignKeyField(Member, column_name="from_id", on_delete="CASCADE")
    recipient = ForeignKeyField(Member, column_name="to_id", on_delete="CASCADE")
    message = TextField(default="")
    created_at = BigIntegerField()

    class Meta:
        table_name = "friend_requests"


class Block(BaseModel):
    blocker = ForeignKeyField(Member, column_name="blocker_id", on_delete="CASCADE")
    blocked = ForeignKeyField(Member, column_name="blocked_id", on_delete="CASCADE")
    created_at = BigIntegerField()

    class Meta:
        table_name = "blocks"
        primary_key = CompositeKey("blocker", "blocked")


class FriendGroup(BaseModel):
    """A friend list a member makes, to choose as the audience of a diary."""

    id = AutoField()
    owner = ForeignKeyField(Member, column_name="owner_id", on_delete="CASCADE")
    name = TextField()
    created_at = BigIntegerField()

    class Meta:
        table_name = "friend_groups"


class FriendGroupMember(BaseModel):
    group = ForeignKeyField(FriendGroup, column_name="group_id", on_delete="CASCADE")
    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")

    class Meta:
        table_name = "friend_group_members"
        primary_key = CompositeKey("group", "member")
