"""Messages between members: one row per message, deleted for each side separately."""


def up(m):
    # thread_id: the first message of the conversation (NULL on that first message).
    m.sql("""
    CREATE TABLE messages (
        {pk},
        sender_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        recipient_id {bigint} NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        subject {text} NOT NULL,
        body {text} NOT NULL,
        reply_to_id {bigint} REFERENCES messages(id) ON DELETE SET NULL,
        thread_id {bigint},
        created_at {bigint} NOT NULL,
        read_at {bigint},
        sender_deleted {bool} NOT NULL DEFAULT {false},
        recipient_deleted {bool} NOT NULL DEFAULT {false}
    )""")
    # Inbox, newest first, without what the recipient deleted.
    m.sql("CREATE INDEX messages_inbox ON messages (recipient_id, id) WHERE NOT recipient_deleted")
    # Unread count for the home page: as many entries as unread messages.
    m.sql("CREATE INDEX messages_unread ON messages (recipient_id) WHERE read_at IS NULL AND NOT recipient_deleted")
    # Sent box and the daily sending limit (deleting a sent message does not reset the limit).
    m.sql("CREATE INDEX messages_sender ON messages (sender_id, id)")
    m.sql("CREATE INDEX messages_thread ON messages (thread_id, id) WHERE thread_id IS NOT NULL")
    m.sql("CREATE INDEX messages_reply_to ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL")
