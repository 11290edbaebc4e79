"""The few members who are not active (suspended, or not yet verified), by id: every list and
count leaves out what they wrote (keitai.privacy.hidden_members_sql) without reading every member."""


def up(m):
    m.sql("CREATE INDEX members_not_active ON members (id) WHERE status <> 'active'")
