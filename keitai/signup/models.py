"""Invitations and mail tokens as peewee models, matched to db/migrations by
tests/platform/test_schema.py.  Sign-up makes both, and reads an invitation back as an
object when its link is followed (keitai.signup.invitations.check)."""
from peewee import AutoField, BigIntegerField, ForeignKeyField, TextField

from keitai.accounts.models import Member
from keitai.platform.db.connection import BaseModel


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
