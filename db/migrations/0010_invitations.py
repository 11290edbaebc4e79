"""Invitations (one single-use token each) and mail tokens (sign-up and mail-change verification).

Only a SHA-256 of each token is stored: a leaked table opens no invitation.
"""


def up(m):
    m.sql("""
    CREATE TABLE invitations (
        {pk},
        inviter_id {bigint} REFERENCES members(id) ON DELETE CASCADE,
        mail {text} NOT NULL,
        message {text} NOT NULL DEFAULT '',
        token_hash {text} NOT NULL UNIQUE,
        created_at {bigint} NOT NULL,
        expires_at {bigint} NOT NULL,
        used_at {bigint},
        used_by {bigint} REFERENCES members(id) ON DELETE SET NULL,
        cancelled_at {bigint}
    )""")
    m.sql("CREATE INDEX invitations_inviter ON invitations (inviter_id, created_at)")
    m.sql("CREATE INDEX invitations_used_by ON invitations (used_by)")
    m.sql("""
    CREATE TABLE mail_tokens (
        {pk},
        member_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        purpose {text} NOT NULL,
        mail {text} NOT NULL,
        token_hash {text} NOT NULL UNIQUE,
        created_at {bigint} NOT NULL,
        expires_at {bigint} NOT NULL,
        used_at {bigint}
    )""")
    m.sql("CREATE INDEX mail_tokens_member ON mail_tokens (member_id, created_at)")
