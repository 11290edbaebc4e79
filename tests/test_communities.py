"""Communities: creating and joining, read and topic policies, topics and numbered comments,
moderation and reports, blocking, keyset lists and the home section, on a docomo i-mode 1.0
handset and on a PC (and on SQLite and PostgreSQL, by KEITAI_DATABASE_URL)."""
from __future__ import annotations

import threading

import pytest

from conftest import DOCOMO_1, DOCOMO_1_5K, PC
from keitai.models import base
from keitai.models.base import execute, scalar
from keitai.social import communities as comm
from keitai.social.communities import CommunityError


def submit(browser, response, form_index: int = 0, **fields):
    """Fill and send a form as the device would: a Shift_JIS page's form goes back in CP932."""
    form = response.forms[form_index]
    for name, value in fields.items():
        form[name] = value
    if (response.charset or "").lower() == "shift_jis":
        return form.submit(content_type="application/x-www-form-urlencoded; charset=cp932")
    return form.submit()


def block(blocker: int, blocked: int) -> None:
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)", (blocker, blocked))


def standing(community_id: int, member_id: int, site_admin: bool = False) -> comm.Standing:
    return comm.standing(community_id, member_id, site_admin)


def community(owner: int, name: str = "猫好き", **settings) -> int:
    return comm.create_community(owner, name, settings.pop("category", "animals"), "猫の話をしましょう。", **settings)


def join(community_id: int, member_id: int) -> str:
    return comm.join(standing(community_id, member_id))


def topic(community_id: int, author: int, title: str = "自己紹介", body: str = "はじめまして") -> int:
    return comm.create_topic(standing(community_id, author), title, body)


def say(topic_id: int, author: int, body: str) -> int:
    found = comm.get_topic(topic_id, author)
    return comm.add_comment(standing(found.community_id, author), found, body)


# ---------------------------------------------------------------------------
# Through the pages, as members would


def test_handset_creates_a_community_pc_joins_and_both_write(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@example.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("taro@example.jp")

    hub = phone.page("/communities")
    assert "ｺﾐｭﾆﾃｨを作る" in phone.text(hub)
    created = submit(phone, phone.page("/community/new"), name="東京ラーメン部", category="food",
                           description="週末に食べ歩きます。")
    assert created.status_int == 303 and f"sid={phone.sid}" in created.headers["Location"]
    community_id = scalar("SELECT id FROM communities WHERE name = ?", ("東京ラーメン部",))
    page = created.follow()
    body = phone.text(page)
    assert "東京ラーメン部" in body and "あなたは管理人です" in body and "ﾒﾝﾊﾞｰ1人" in body

    joined = submit(pc, pc.page(f"/community/{community_id}/join"))
    assert "コミュニティに参加しました" in joined.follow().text
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (community_id,)) == 2

    new_topic = submit(phone, phone.page(f"/community/{community_id}/topic/new"), title="おすすめの店", body="教えてください")
    topic_id = scalar("SELECT id FROM community_topics WHERE community_id = ?", (community_id,))
    assert "おすすめの店" in phone.text(new_topic.follow())

    page = pc.page(f"/topic/{topic_id}")
    after = submit(pc, page, body="神保町の店が好きです")
    assert after.status_int == 303 and after.headers["Location"].endswith("#c1")
    shown = pc.text(after.follow())
    assert "1</strong>:" in shown and "神保町の店が好きです" in shown

    reply = submit(phone, phone.page(f"/topic/{topic_id}"), body="ありがとう！")
    text = phone.text(reply.follow())
    assert "神保町の店が好きです" in text and ">2</a>:" in text and "ありがとう！" in text

    # Home shows the topic in both members' community updates.
    assert "おすすめの店" in phone.text(phone.page("/"))
    assert "おすすめの店" in pc.text(pc.page("/"))
    assert scalar("SELECT comment_count FROM community_topics WHERE id = ?", (topic_id,)) == 2
