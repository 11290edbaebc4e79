"""Outgoing mail waits here until a sender has handed it to the SMTP server (or the outbox).

A row is claimed by one sender at a time (``claim``, ``claimed_until``); delivered mail is
deleted; mail given up on keeps ``failed_at`` and the server's last answer for the operator.
"""


def up(m):
    m.sql("""
    CREATE TABLE mail_queue (
        {pk},
        recipient {text} NOT NULL,
        envelope_from {text} NOT NULL,
        message {blob} NOT NULL,
        created_at {bigint} NOT NULL,
        next_at {bigint} NOT NULL,
        attempts {bigint} NOT NULL DEFAULT 0,
        claim {text},
        claimed_until {bigint},
        failed_at {bigint},
        last_error {text} NOT NULL DEFAULT ''
    )""")
    # What the senders look for: mail not given up on, by when it is due.
    m.sql("CREATE INDEX mail_queue_due ON mail_queue (next_at) WHERE failed_at IS NULL")
