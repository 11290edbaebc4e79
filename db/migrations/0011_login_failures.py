"""Failed sign-ins, kept in the database so every server process counts the same attempts.

``scope`` is 'account' or 'address'; ``subject`` a hash of the mail or client address.
"""


def up(m):
    m.sql("""
    CREATE TABLE login_failures (
        {pk},
        scope {text} NOT NULL,
        subject {text} NOT NULL,
        at {bigint} NOT NULL
    )""")
    m.sql("CREATE INDEX login_failures_key ON login_failures (scope, subject, at)")
    m.sql("CREATE INDEX login_failures_at ON login_failures (at)")
