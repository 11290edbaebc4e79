"""Sign-up and sign-in records: invitations, mail tokens, failed sign-ins, registered handsets."""
from peewee import AutoField, BigIntegerField, ForeignKeyField, TextField

from keitai.platform.db.connection import BaseModel
from .members import Member


class Invitation(BaseModel):
    """One invitation: a single-use token (stored as a hash) mailed to one address."""

    id = AutoField()
    inviter = ForeignKeyField(Member, column_name="inviter_id", null=True, on_delete="CASCADE")  # None: the operator
    mail = TextField()
    message = TextField(default="")
    token_hash = TextField(unique=True)
    created_at = BigIntegerField()
    expires_at = BigIntegerField()
    used_at = BigIntegerField(null=True)
    used_by = ForeignKeyField(Member, column_name="used_by", null=True, on_delete="SET NULL", backref="+")
    cancelled_at = BigIntegerField(null=True)

    class Meta:
        table_name = "invitations"


class MailToken(BaseModel):
    """A link mailed to prove an address: ``signup`` activates the account, ``mail_change`` moves it."""

    id = AutoField()
    member = ForeignKeyField(Member, column_name="member_id", on_delete="CASCADE")
    purpose = TextField()
    mail = TextField()
    token_hash = TextField(unique=True)
    created_at = BigIntegerField()
    expires_at = BigIntegerField()
    used_at = BigIntegerField(null=True)

    class Meta:
        table_name = "mail_tokens"


class LoginFailure(BaseModel):
    id = AutoField()
    scope = TextField()  # 'account' or 'address'
    subject = TextField()  # keyed hash of the mail or address
    at = BigIntegerField()

    class Meta:
        table_name = "login_failures"


class Handset(BaseModel):
    """The handset a member signs in with by かんたんログイン."""

    member = ForeignKeyField(Member, column_name="member_id", primary_key=True, on_delete="CASCADE")
    subscriber_hash = TextField(unique=True)
    carrier = TextField()
    model = TextField(default="")
    created_at = BigIntegerField()

    class Meta:
        table_name = "handsets"
