"""Demo members for the embedded default, so a newcomer can sign in at once."""
from __future__ import annotations

from keitai.platform.db.connection import db, scalar

from keitai.accounts import rules as accounts
from keitai import communities
from keitai import diary as diaries
from keitai.friends import rules as friends

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
        if not scalar("SELECT COUNT(*) FROM diaries"):
            _demo_content(ids)
    return [(mail, DEMO_PASSWORD) for _n, mail, *_ in DEMO_MEMBERS]


def _demo_content(ids: list[int]) -> None:
    """A little to read on a fresh site: diaries with a comment, and a community with a topic."""
    sakura, taro, yuki, ken = ids
    first = diaries.create_entry(sakura, diaries.Draft(
        "はじめての日記", "keitaiをはじめました☀\n近所のカフェでケーキを食べました。", "friends", None))
    diaries.add_comment(taro, first, "おいしそう！今度連れて行ってください。")
    diaries.create_entry(taro, diaries.Draft("週末の釣り", "アジが20匹釣れました。天ぷらにします。", "everyone", None))
    diaries.create_entry(yuki, diaries.Draft("初すべり", "今シーズン初のスノーボード。雪質最高でした。", "friends_of_friends", None))
    cafe = communities.create_community(ken, "カフェ好き集まれ", "food", "おすすめのカフェを教えあいましょう。")
    communities.join(communities.standing(cafe, sakura))
    topic = communities.create_topic(communities.standing(cafe, ken), "自己紹介トピック", "まずは自己紹介をどうぞ。")
    communities.add_comment(communities.standing(cafe, sakura), communities.get_topic(topic, sakura),
                            "さくらです。東京のカフェによく行きます。")
