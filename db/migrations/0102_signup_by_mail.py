"""空メール: an empty mail to the site is answered with a sign-up link for its sender's
address (keitai.signup.bymail).  The link's token is kept only as a SHA-256, works once,
and carries the invitation the mail was sent to, if any."""


def up(m):
    m.sql("""
    CREATE TABLE signup_tickets (
        {pk},
        token_hash {text} NOT NULL UNIQUE,
        mail {text} NOT NULL,
        invitation_id {bigint} REFERENCES invitations(id) ON DELETE CASCADE,
        created_at {bigint} NOT NULL,
        expires_at {bigint} NOT NULL,
        used_at {bigint}
    )""")
    m.sql("CREATE INDEX signup_tickets_mail ON signup_tickets (mail, created_at)")
