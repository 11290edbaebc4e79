"""コメント記入履歴 (``/comments``, linked from home): the diary entries and topics a member
commented on, newest first, with the comments that came after theirs; only what they may
still read; paged across both kinds."""
from __future__ import annotations

from conftest import DOCOMO_1, PC
from diary_helpers import block, write_entry
from keitai import communities
from keitai import diary as diaries
from keitai.friends import rules as friends
from keitai.platform.db.connection import execute
from sitewalk import cheap_passwords, quick_member, start_session  # noqa: F401


def _signed_in(client, member_id, ua=PC):
    viewer = client(ua)
    start_session(viewer, member_id)
    return viewer


def test_home_links_to_the_history_of_diaries_and_topics_commented_on(app, client, cheap_passwords):  # noqa: F811
    me = quick_member("わたし", "me@docomo.ne.jp")
    friend = quick_member("ともだち", "friend@docomo.ne.jp")
    other = quick_member("ほかの人", "other@docomo.ne.jp")
    friends.befriend(me, friend)
    entry = write_entry(friend, "友人の旅行記", audience="friends")
    diaries.add_comment(me, entry, "楽しそう")
    diaries.add_comment(friend, entry, "ありがとう")
    diaries.add_comment(other, entry, "いいね")  # other cannot read a friends-only entry: not stored
    community = communities.create_community(other, "写真部", "other")
    communities.join(communities.standing(community, me))
    topic = communities.create_topic(communities.standing(community, other), "機材の話", "何を使っていますか")
    communities.add_comment(communities.standing(community, me), communities.get_topic(topic, me), "古いカメラです")
    communities.add_comment(communities.standing(community, other), communities.get_topic(topic, other), "渋い")
    communities.add_comment(communities.standing(community, other), communities.get_topic(topic, other), "いいですね")
    execute("UPDATE diary_comments SET created_at = created_at - 60")  # the topic was commented on last
    pc = _signed_in(client, me)
    home = pc.get("/")
    page = pc.get(home.html.find("a", string="コメント記入履歴")["href"])
    items = [li.get_text(" ", strip=True) for li in page.html.select("ul.items li")]
    assert len(items) == 2
    assert items[0].startswith("機材の話") and "写真部" in items[0] and "新着 2 件" in items[0]
    assert "古いカメラです" in items[0]
    assert items[1].startswith("友人の旅行記") and "ともだちさんの日記" in items[1] and "新着 1 件" in items[1]
    assert page.html.find("a", string="友人の旅行記")["href"] == f"/diary/{entry}"
    assert page.html.find("a", string="機材の話")["href"] == f"/topic/{topic}"


def test_only_what_the_member_may_still_read_is_listed(app, client, cheap_passwords):  # noqa: F811
    me = quick_member("わたし", "me@docomo.ne.jp")
    author = quick_member("書いた人", "author@docomo.ne.jp")
    blocker = quick_member("ブロックする人", "blocker@docomo.ne.jp")
    narrowed = write_entry(author, "あとで非公開", audience="everyone")
    diaries.add_comment(me, narrowed, "見ました")
    execute("UPDATE diaries SET audience = 'private' WHERE id = ?", (narrowed,))
    blocked_entry = write_entry(blocker, "ブロックされる日記")
    diaries.add_comment(me, blocked_entry, "こんにちは")
    open_board = communities.create_community(author, "公開", "other")
    communities.join(communities.standing(open_board, me))
    communities.join(communities.standing(open_board, blocker))
    blockers_topic = communities.create_topic(communities.standing(open_board, blocker), "ブロックする人の話", "本文")
    communities.add_comment(communities.standing(open_board, me), communities.get_topic(blockers_topic, me), "返事")
    block(blocker, me)
    members_only = communities.create_community(author, "会員限定", "other", read_policy="members")
    communities.join(communities.standing(members_only, me))
    topic = communities.create_topic(communities.standing(members_only, author), "内輪の話", "本文")
    communities.add_comment(communities.standing(members_only, me), communities.get_topic(topic, me), "参加します")
    communities.leave(communities.standing(members_only, me))
    removed = open_board
    gone = communities.create_topic(communities.standing(removed, author), "消えた話", "本文")
    communities.add_comment(communities.standing(removed, me), communities.get_topic(gone, me), "書きました")
    communities.delete_topic(communities.standing(removed, author), communities.get_topic(gone, author))
    visible = write_entry(author, "読める日記")
    diaries.add_comment(me, visible, "読めます")
    for ua in (PC, DOCOMO_1):
        viewer = _signed_in(client, me, ua)
        text = viewer.text(viewer.page("/comments"))
        assert "読める日記" in text
        for hidden in ("あとで非公開", "ブロックされる日記", "ブロックする人の話", "内輪の話", "消えた話", "見ました",
                       "参加します"):
            assert hidden not in text, (ua, hidden)


def test_the_history_pages_through_both_kinds_without_repeating(app, client, cheap_passwords):  # noqa: F811
    me = quick_member("わたし", "me@docomo.ne.jp")
    author = quick_member("書いた人", "author@docomo.ne.jp")
    community = communities.create_community(author, "雑談", "other")
    communities.join(communities.standing(community, me))
    titles = []
    for n in range(4):
        entry = write_entry(author, f"日記{n}")
        diaries.add_comment(me, entry, "コメント")
        topic = communities.create_topic(communities.standing(community, author), f"トピック{n}", "本文")
        communities.add_comment(communities.standing(community, me), communities.get_topic(topic, me), "コメント")
        titles += [f"日記{n}", f"トピック{n}"]
    execute("UPDATE diary_comments SET created_at = 1000")  # ties on time: the cursor's tie-breaker decides
    phone = client(DOCOMO_1)
    phone.login("me@docomo.ne.jp")
    seen, path = [], "/comments"
    while path:
        page = phone.page(path) if "sid=" not in path else phone.get(path)
        text = phone.text(page)
        seen += [t for t in titles if t in text]
        more = page.html.find("a", string=lambda s: s and "以前のｺﾒﾝﾄ" in s)
        path = more["href"] if more else None
    assert sorted(seen) == sorted(titles)
