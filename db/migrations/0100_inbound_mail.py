"""Mail the site received (keitai.platform.mail.inbound): each accepted message is stored here
before the SMTP server answers 250 or ``run.py receive-mail`` exits 0, then handled and
deleted.  A row left behind (a crash, a failing handler) is handled again later."""


def up(m):
    m.sql("""
    CREATE TABLE inbound_mail (
        {pk},
        recipient {text} NOT NULL,
        sender {text} NOT NULL DEFAULT '',
        raw {blob} NOT NULL,
        received_at {bigint} NOT NULL,
        state {text} NOT NULL DEFAULT 'new',
        attempts {bigint} NOT NULL DEFAULT 0,
        claimed_at {bigint},
        error {text} NOT NULL DEFAULT ''
    )""")
    m.sql("CREATE INDEX inbound_mail_state ON inbound_mail (state, id)")
