"""The トピック tab: community topics found by text and reading, only by those who may read
their board and with blocks applied; and a search typed in opens on a tab with results."""
from __future__ import annotations

from conftest import DOCOMO_1, PC
from keitai import communities
from keitai.platform.db.connection import execute
from keitai.search import rules as search


def found(viewer: int, query: str) -> list[str]:
    page, total = search.search(viewer, search.TOPIC, query)
    assert total == len(page.items) == search.count(viewer, search.TOPIC, query)
    return [hit.title for hit in page.items]


def block(blocker: int, blocked: int) -> None:
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)", (blocker, blocked))


def test_topics_are_found_by_text_and_reading_by_those_who_may_read_the_board(make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    member = make_member("たろう", "taro@docomo.ne.jp")
    outsider = make_member("ゆき", "yuki@docomo.ne.jp")
    blocked = make_member("ブロック", "blocked@docomo.ne.jp")
    open_board = communities.create_community(owner, "猫好き", "animals")
    closed_board = communities.create_community(owner, "秘密結社", "other", read_policy="members")
    communities.join(communities.standing(closed_board, member))
    communities.create_topic(communities.standing(open_board, owner), "東京で猫カフェ", "おすすめを教えて")
    communities.create_topic(communities.standing(closed_board, owner), "東京の集会", "次はどこで")
    block(owner, blocked)

    assert found(outsider, "とうきょう") == ["東京で猫カフェ"]
    assert found(outsider, "おすすめ") == ["東京で猫カフェ"]
    assert found(member, "tokyo") == ["東京の集会", "東京で猫カフェ"]
    assert found(outsider, "集会") == []
    assert found(blocked, "東京") == []


def test_a_removed_topic_or_community_is_no_longer_found(make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    reader = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    standing = communities.standing(community_id, owner)
    first = communities.create_topic(standing, "三毛猫の話", "かわいい")
    communities.create_topic(standing, "黒猫の話", "かっこいい")
    communities.delete_topic(standing, communities.get_topic(first, owner))
    assert found(reader, "猫の話") == ["黒猫の話"]
    communities.delete_community(standing)
    assert found(reader, "猫の話") == []


def test_reindex_finds_the_same_topics(make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    reader = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.create_topic(communities.standing(community_id, owner), "雪の日の猫", "こたつで丸く")
    search.reindex()
    assert found(reader, "こたつ") == ["雪の日の猫"]


def test_a_search_typed_in_opens_on_a_tab_with_results(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    topic_id = communities.create_topic(communities.standing(community_id, owner), "こたつ猫", "丸くなる")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    first = pc.text(pc.get("/search"))
    assert 'name="prefer"' not in first  # an empty search page prefers no tab
    page = pc.text(pc.get("/search", {"q": "こたつ", "prefer": "member"}))  # typed on the member tab
    assert "<strong>トピック（1件）</strong>" in page and f'href="/topic/{topic_id}"' in page
    assert 'name="prefer" value="topic"' in page
    # A tab's own link still shows that tab, empty or not.
    assert "<strong>メンバー（0件）</strong>" in pc.text(pc.get("/search", {"q": "こたつ", "kind": "member"}))

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    text = phone.text(phone.page("/search?q=kotatsu"))
    assert "■ﾄﾋﾟｯｸ(1)" in text and f"/topic/{topic_id}?sid={phone.sid}" in text
