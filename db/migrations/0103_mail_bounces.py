"""Bounces: how many mails to a member's address came back as undeliverable since the
address was last proven (keitai.signup.bounces).  Above zero, the home page asks the member
to update their address; proving an address (changing it, or confirming it) sets it to 0."""


def up(m):
    m.sql("ALTER TABLE members ADD COLUMN mail_bounces {bigint} NOT NULL DEFAULT 0")
