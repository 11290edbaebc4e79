"""Profile depth: four more fields (血液型, 出身地, 職業, 所属), each with its own audience like
the others, and an audience for 最終ログイン (``members.last_login_at``, which the session
refreshes at most every few minutes; the profile shows it only coarsely).

Up to three profile photos are rows of ``photos`` (kind ``profile``); ``members.photo_id``
stays the main one, so nothing that shows a member's photo changes."""

FIELDS = ("blood_type", "hometown", "occupation", "affiliation")
AUDIENCES = {
    "blood_type": "everyone",
    "hometown": "everyone",
    "occupation": "everyone",
    "affiliation": "friends",
    "last_login": "friends",
}


def up(m):
    for name in FIELDS:
        m.sql(f"ALTER TABLE members ADD COLUMN {name} {{text}} NOT NULL DEFAULT ''")
    for name, audience in AUDIENCES.items():
        m.sql(f"ALTER TABLE members ADD COLUMN aud_{name} {{text}} NOT NULL DEFAULT '{audience}'")
