"""The home page's first lines: what waits for the member, counted cheaply, in a fixed order."""
from __future__ import annotations

import re

from conftest import DOCOMO_1_5K, PC
from keitai.app import create_app
from keitai.platform.db.connection import execute, now
from keitai.friends import blocks
from keitai.footprints import rules as footprints
from keitai.friends import rules as friends
from keitai.introductions import rules as introductions
from keitai.messages import rules as messages
from keitai import notices as notifications
from quick import member, sign_in


def test_home_starts_with_what_waits_in_order_on_a_handset_and_a_pc(client):
    me, friend, asker, visitor, blocked = (member(n) for n in ("わたし", "ともだち", "しりたい", "おとずれ", "ブロック"))
    friends.befriend(me, friend)
    for sender in (asker, blocked):
        execute("INSERT INTO friend_requests (from_id, to_id, created_at) VALUES (?, ?, ?)", (sender, me, now()))
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (me, blocked, now()))
    messages.send(friend, me, "やあ", "元気？")
    footprints.record(visitor, me)
    introductions.write(friend, me, "いい人です")

    assert [(n.label, n.count) for n in notifications.home_notices(me)] == [
        ("友人申請", 1), ("未読メッセージ", 1), ("新しい足あと", 1), ("承認待ちの紹介文", 1)]

    pc = sign_in(client(PC), me)
    text = pc.get("/").text
    assert text.index("友人申請 1件") < text.index("未読メッセージ 1件") < text.index("新しい足あと") < text.index("承認待ちの紹介文")

    phone = sign_in(client(DOCOMO_1_5K), me)
    home = phone.page("/")
    body = phone.text(home)
    content = body.split("<body>")[1]  # the notices are the first lines of the page
    lines = [re.sub(r"<[^>]+>", "", line).strip() for line in content.strip().split("<br>")[:4]]
    assert lines == ["!友人申請1件", "!未読メッセージ1件", "!新しい足あと1件", "!承認待ちの紹介文1件"]
    assert f'href="/member/{me}/introductions?sid=' in body and 'href="/friends/requests?sid=' in body
    assert "おとずれ" in phone.text(home.click(description="新しい足あと"))
    assert "新しい足あと" not in phone.text(phone.page("/"))



def test_a_feature_adds_its_line_where_its_label_is(client, monkeypatch):
    me = member()
    labels = dict(notifications.words.HOME_NOTICES)
    at = list(labels).index("messages") + 1
    # The line's label goes after the unread messages' one: so does the line.
    monkeypatch.setattr(notifications.words, "HOME_NOTICES",
                        dict([*labels.items()][:at] + [("test_line", "テストの知らせ")] + [*labels.items()][at:]))
    before = [c.key for c in notifications.COUNTERS]
    # A count naming the member twice, as feature counts do (blocks made by them, of others).
    notifications.register("test_line", "SELECT COUNT(*) FROM blocks WHERE blocker_id = ? AND blocked_id <> ?",
                           "profile.profile")
    try:
        assert [c.key for c in notifications.COUNTERS] == before[:at] + ["test_line"] + before[at:]
        assert notifications.home_notices(me) == []
        for n in range(3):
            blocks.block(me, member())
        assert notifications.home_notices(me) == [notifications.Notice("テストの知らせ", 3, f"/member/{me}")]
    finally:
        notifications.COUNTERS[:] = [c for c in notifications.COUNTERS if c.key != "test_line"]


def test_the_home_notices_are_what_the_installed_features_register(settings):
    notifications.COUNTERS.clear()
    create_app(settings, connect=False)
    assert [c.key for c in notifications.COUNTERS] == [
        "mail_bounces", "friend_requests", "messages", "diary_comments", "footprints", "introductions",
        "community_requests"]
    create_app(settings, connect=False)  # installing again changes nothing
    assert len(notifications.COUNTERS) == 7


def test_a_join_request_waits_on_the_community_admins_home_with_a_link_to_their_communities(client):
    from keitai import communities

    owner, asker = member("さくら"), member("たろう")
    community_id = communities.create_community(owner, "秘密の集まり", "animals", "説明", join_policy="approval")
    communities.join(communities.standing(community_id, asker))
    assert notifications.home_notices(owner) == [
        notifications.Notice("コミュニティへの参加申請", 1, "/communities/mine")]
