"""Site-wide switches the operator changes from the admin pages (invitation-only, notice...)."""


def up(m):
    m.sql("CREATE TABLE site_settings (name {text} PRIMARY KEY, value {text} NOT NULL, updated_at {bigint} NOT NULL)")
