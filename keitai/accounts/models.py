"""The ``members`` row as a peewee model (the schema is db/migrations; tests/platform/test_schema.py
holds this model equal to it, column by column).

Accounts owns it because accounts makes the row (``create_member``, which sign-up calls) and
keeps its password; every other feature reads members by SQL and writes only its own columns
(profiles its fields, footprints and messages their settings, friends its counter).  The
model serves where a whole member is wanted as an object: creating one, and the settings
and profile forms that read and change its fields by name.
"""
from peewee import AutoField, BigIntegerField, BooleanField, TextField

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
    newest_diary_id = BigIntegerField(null=True)  # kept by keitai.diary.rules
    newest_album_id = BigIntegerField(null=True)  # kept by keitai.albums.rules
    leaves_footprints = BooleanField(default=True)  # keitai.footprints.rules
    footprints_since = BigIntegerField(default=0)
    footprints_seen_at = BigIntegerField(default=0)
    message_mail = BooleanField(default=True)  # keitai.messages.rules: mail me new messages
    blood_type = TextField(default="")  # keitai.profiles.rules, from here on
    hometown = TextField(default="")
    occupation = TextField(default="")
    affiliation = TextField(default="")
    aud_blood_type = TextField(default="everyone")
    aud_hometown = TextField(default="everyone")
    aud_occupation = TextField(default="everyone")
    aud_affiliation = TextField(default="friends")
    aud_last_login = TextField(default="friends")
    mail_bounces = BigIntegerField(default=0)  # keitai.signup.bounces: mails that came back since proven

    class Meta:
        table_name = "members"
