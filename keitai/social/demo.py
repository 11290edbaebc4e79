"""Demo members for the embedded default, so a newcomer can sign in at once."""
from __future__ import annotations

from keitai.models.base import db, scalar

from . import accounts, friends

DEMO_PASSWORD = "keitai-demo"
DEMO_MEMBERS = (
    # nickname, mail, birthday, prefecture, hobbies, about
    ("さくら", "sakura.demo@docomo.ne.jp", "1990-04-01", "東京都", "カフェ巡り", "よろしくお願いします！"),
    ("たろう", "taro.demo@ezweb.ne.jp", "1985-08-15", "大阪府", "釣り・キャンプ", "週末は海にいます。"),
    ("ゆき", "yuki.demo@softbank.ne.jp", "1995-12-24", "北海道", "スノーボード", "冬が好きです。"),
    ("けん", "ken.demo@i.softbank.jp", "1979-02-03", "福岡県", "ラーメン", "日記を書きます。"),
)


def seed_demo() -> list[tuple[str, str]]:
    """Create the demo members if missing (the first is an admin); return (mail, password) pairs."""
    with db.atomic():
        ids = []
        for nickname, mail, birthday, prefecture, hobbies, about in DEMO_MEMBERS:
            member_id = scalar("SELECT id FROM members WHERE mail = ?", (mail,))
            if member_id is None:
                member_id = accounts.create_member(
                    nickname, mail, DEMO_PASSWORD, birthday, active=True,
                    prefecture=prefecture, hobbies=hobbies, about=about, is_admin=not ids,
                ).id
            ids.append(member_id)
        # さくら knows everyone; the others are friends of friends through her.
        for other in ids[1:]:
            friends.befriend(ids[0], other)
    return [(mail, DEMO_PASSWORD) for _n, mail, *_ in DEMO_MEMBERS]
