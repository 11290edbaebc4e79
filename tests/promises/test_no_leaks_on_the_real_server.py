"""What a member learns from the real server about what is hidden from them (issue 18, items
11-15): counts, pages reached by id, who is a member, whose session a form starts, a
suspended member's writing.

One ``run.py serve`` on the suite's database (SQLite file or PostgreSQL), sending its mail to
a real SMTP server on loopback (aiosmtpd); the members and their writing are made in the
database, and every look is a request to the server, as a browser or a handset makes it.
"""
from __future__ import annotations

import email
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import AU, DOCOMO_1, GATEWAY_IP, PASSWORD, PC
from keitai import communities
from keitai import diary as diaries
from keitai.admin import rules as admin
from keitai.friends import blocks
from keitai.messages import rules as messages
from keitai.platform.db.connection import scalar
from keitai.signup import invitations
from members_helpers import Inbox, free_port
from promises.test_scale_out import CSRF, Browser, serve_processes
from sitewalk import quick_member
from diary_helpers import write_entry

JOIN_LINK = re.compile(r"https?://\S+/join/([A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def site(migrated, tmp_path_factory):
    """The server and the inbox of its SMTP server, started once for the module."""
    inbox = Inbox()
    port = free_port()
    controller = inbox.controller(port)
    controller.start()
    try:
        # From 127.0.0.1 (the tests) X-Forwarded-* are believed, as from nginx: a handset's
        # gateway address and https come that way.
        with serve_processes(1, migrated, tmp_path_factory.mktemp("serve"), KEITAI_SMTP_HOST="127.0.0.1",
                             KEITAI_SMTP_PORT=str(port), KEITAI_TRUSTED_PROXIES="127.0.0.1", KEITAI_BASE_URL="self") as bases:
            yield bases[0], inbox
    finally:
        controller.stop()


@pytest.fixture
def server(app, site):
    """Each test on an emptied database and an emptied inbox."""
    base, inbox = site
    inbox.envelopes.clear()
    return base, inbox


def pc_member(base: str, mail: str) -> Browser:
    browser = Browser(PC, cookies=True)
    browser.sign_in(base, mail)
    return browser


def csrf_of(page: str) -> str:
    return CSRF.search(page).group(1)


def mails(inbox, count: int) -> list[email.message.EmailMessage]:
    """The ``count`` mails the server has sent (waiting for them to arrive)."""
    received = inbox.wait(count, deliver=False)  # the server's own sender delivers
    assert len(received) == count, [m["To"] for m in received]
    return received


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def community_with(owner: int, name: str, *members: int) -> int:
    """An open community of ``owner``'s that ``members`` joined."""
    community_id = communities.create_community(owner, name, "hobby")
    for who in members:
        communities.join(communities.standing(community_id, who))
    return community_id


def say(community_id: int, topic_id: int, who: int, words: str) -> None:
    communities.add_comment(communities.standing(community_id, who), communities.get_topic(topic_id, who), words)


# ---- 11: every count agrees with its list ------------------------------------------------

def test_counts_say_what_their_lists_show_to_blocked_members_and_blockers(server):
    """The diary list's （コメント N）, a topic's count and its 「次のコメント」 link, a community's
    N人, the owner's home notice: a block either way takes the hidden writer out of each count."""
    base, _inbox = server
    owner = quick_member("オーナー", "owner@docomo.ne.jp")
    blocked = quick_member("ブロックされた人", "blocked@docomo.ne.jp")
    blocker = quick_member("ブロックした人", "blocker@docomo.ne.jp")
    friend = quick_member("友人", "friend@docomo.ne.jp")
    diary_id = write_entry(owner, "今日の日記", "everyone", body="晴れ")
    for who, words in ((friend, "いいね"), (blocked, "見てるよ"), (blocker, "またね")):
        diaries.add_comment(who, diary_id, words)
    community_id = community_with(owner, "釣りの会", friend, blocked, blocker)
    topic_id = communities.create_topic(communities.standing(community_id, owner), "釣果", "報告どうぞ")
    for who, words in ((friend, "アジ"), (blocked, "サバ")):
        say(community_id, topic_id, who, words)
    blocks.block(owner, blocked)
    blocks.block(blocker, owner)

    me = pc_member(base, "owner@docomo.ne.jp")
    _, _, listing = me.request(f"{base}/member/{owner}/diary")
    assert "（コメント 1）" in listing  # the friend's; not the blocked member's, nor the blocker's
    _, _, entry = me.request(f"{base}/diary/{diary_id}")
    assert "コメント（1）" in entry and "いいね" in entry and "見てるよ" not in entry and "またね" not in entry
    _, _, home = me.request(base + "/")
    assert "今日の日記</a>（" not in home  # its new comments were read on the entry page just now
    _, _, topic = me.request(f"{base}/topic/{topic_id}")
    assert "コメント（1）" in topic and "アジ" in topic and "サバ" not in topic and "次のコメント" not in topic
    _, _, community = me.request(f"{base}/community/{community_id}")
    assert "<dd>2人</dd>" in community  # the owner and the friend: a block either way hides the other two
    assert "トピック（1）" in community and "釣果</a> (1)" in community
    _, _, members = me.request(f"{base}/community/{community_id}/members")
    assert "メンバー（2人）" in members and "友人" in members
    assert "ブロックされた人" not in members and "ブロックした人" not in members

    # Comments come in while the owner is away: the notice counts the friend's only.
    diaries.add_comment(friend, diary_id, "もう一つ")
    latecomer = quick_member("もう一人", "another@docomo.ne.jp")
    diaries.add_comment(latecomer, diary_id, "はじめまして")
    blocks.block(owner, latecomer)
    _, _, home = me.request(base + "/")
    assert "今日の日記</a>（1件）" in home

    # Someone else who blocked the friend: the other three comments, not the friend's two.
    third = quick_member("第三者", "third@docomo.ne.jp")
    blocks.block(third, friend)
    them = pc_member(base, "third@docomo.ne.jp")
    _, _, theirs = them.request(f"{base}/member/{owner}/diary")
    assert "（コメント 3）" in theirs
    _, _, entry = them.request(f"{base}/diary/{diary_id}")
    assert "コメント（3）" in entry and "いいね" not in entry and "見てるよ" in entry


def test_a_topic_whose_last_comment_is_hidden_has_no_empty_next_page(server):
    base, _inbox = server
    owner = quick_member("オーナー", "owner@docomo.ne.jp")
    writer = quick_member("書く人", "writer@docomo.ne.jp")
    reader = quick_member("読む人", "reader@docomo.ne.jp")
    community_id = community_with(owner, "写真部", writer, reader)
    topic_id = communities.create_topic(communities.standing(community_id, owner), "作品", "どうぞ")
    for n in range(14):  # the reader's ten fill a handset's page; the writer's two first and two last
        say(community_id, topic_id, writer if n in (0, 1, 12, 13) else reader, f"第{n + 1}話")
    blocks.block(reader, writer)

    phone = Browser(DOCOMO_1, cookies=False)
    sid = parse_qs(urlsplit(phone.sign_in(base, "reader@docomo.ne.jp")).query)["sid"][0]
    _, _, latest = phone.request(f"{base}/topic/{topic_id}?sid={sid}")
    assert "ｺﾒﾝﾄ(10)" in latest and "第3話" in latest and "第12話" in latest
    assert "第1話" not in latest and "第13話" not in latest
    assert "次へ" not in latest and "前へ" not in latest  # the writer's are hidden: no link to an empty page
    _, _, first = phone.request(f"{base}/topic/{topic_id}?after=0&sid={sid}")
    assert "第3話" in first and "次へ" not in first and "前へ" not in first


# ---- 12: a hidden comment is not found by its id ------------------------------------------

def test_a_comment_hidden_by_a_block_is_found_by_no_page(server):
    """/diary/D/comment/C/delete, a topic comment's delete and report pages, a topic's delete
    page, a message and its reply form: a block either way hides them all; the writer keeps
    the way to take their own comment back."""
    base, _inbox = server
    owner = quick_member("オーナー", "owner@docomo.ne.jp")
    writer = quick_member("書いた人", "writer@docomo.ne.jp")
    diary_id = write_entry(owner, "日記", "everyone", body="本文")
    comment_id = diaries.add_comment(writer, diary_id, "ひみつのコメント")
    community_id = community_with(owner, "料理部", writer)
    topic_id = communities.create_topic(communities.standing(community_id, writer), "ひみつのトピック", "本文です")
    say(community_id, topic_id, writer, "ひみつの書き込み")
    topic_comment = scalar("SELECT id FROM community_comments WHERE topic_id = ?", (topic_id,))
    message_id = messages.send(writer, owner, "ひみつの件名", "ひみつの本文")
    hidden = (f"/diary/{diary_id}/comment/{comment_id}/delete", f"/comment/{topic_comment}/delete",
              f"/comment/{topic_comment}/report", f"/topic/{topic_id}/delete", f"/topic/{topic_id}/report",
              f"/topic/{topic_id}", f"/message/{message_id}", f"/message/new?reply={message_id}")

    me = pc_member(base, "owner@docomo.ne.jp")
    assert me.request(f"{base}/diary/{diary_id}/comment/{comment_id}/delete")[0] == 200  # before any block

    for blocker, blocked in ((owner, writer), (writer, owner)):
        blocks.block(blocker, blocked)
        for path in hidden:
            status, _, page = me.request(base + path)
            assert status in (403, 404), (path, status)
            assert "ひみつ" not in page, path
        blocks.unblock(blocker, blocked)

    blocks.block(owner, writer)
    them = pc_member(base, "writer@docomo.ne.jp")
    status, _, page = them.request(f"{base}/diary/{diary_id}/comment/{comment_id}/delete")
    assert status == 404  # the entry is hidden from them too; the delete form posts without it
    status, headers, _ = them.request(f"{base}/diary/{diary_id}/comment/{comment_id}/delete",
                                      {"csrf": csrf_of(them.request(base + "/diary/new")[2])})
    assert status == 303 and scalar("SELECT COUNT(*) FROM diary_comments") == 0


# ---- 13: who is a member is learnt from no form ---------------------------------------------

def test_inviting_a_members_address_answers_as_any_other_and_mails_the_member(server):
    base, inbox = server
    quick_member("さくら", "sakura@docomo.ne.jp")
    quick_member("たろう", "taro@ezweb.ne.jp")
    quick_member("じろう", "jiro@softbank.ne.jp")
    me = pc_member(base, "sakura@docomo.ne.jp")

    answers = []
    for address in ("taro@ezweb.ne.jp", "hanako@docomo.ne.jp"):  # a member's, and nobody's
        _, _, form = me.request(base + "/invite")
        status, headers, _ = me.request(base + "/invite", {"csrf": csrf_of(form), "mail": address, "message": ""})
        answers.append((status, headers["Location"]))
    assert answers[0] == answers[1] and answers[0][0] == 303 and answers[0][1].endswith("/invite?msg=invited")
    _, _, page = me.request(base + "/invite")
    assert "taro@ezweb.ne.jp" in page and "hanako@docomo.ne.jp" in page  # both wait for an answer alike

    received = {m["To"]: m for m in mails(inbox, 2)}
    assert received["taro@ezweb.ne.jp"]["Subject"] == "keitai への招待について"
    assert "すでに keitai に登録されている" in text_of(received["taro@ezweb.ne.jp"])
    assert not JOIN_LINK.search(text_of(received["taro@ezweb.ne.jp"]))
    assert JOIN_LINK.search(text_of(received["hanako@docomo.ne.jp"]))

    # Every try counts against the day's invitations, a member's address as any other.
    for n in range(invitations.DAILY_LIMIT - 2):
        _, _, form = me.request(base + "/invite")
        assert me.request(base + "/invite", {"csrf": csrf_of(form), "mail": f"x{n}@docomo.ne.jp"})[0] == 303
    _, _, form = me.request(base + "/invite")
    status, _, page = me.request(base + "/invite", {"csrf": csrf_of(form), "mail": "jiro@softbank.ne.jp"})
    assert status == 200 and "招待は24時間に10通までです" in page
    assert scalar("SELECT COUNT(*) FROM invitations WHERE mail = 'jiro@softbank.ne.jp'") == 0


def test_joining_with_a_members_address_answers_as_any_other_and_uses_the_invitation_up(server):
    base, inbox = server
    inviter = quick_member("さくら", "sakura@docomo.ne.jp")
    quick_member("たろう", "taro@ezweb.ne.jp")
    pages = {}
    for address in ("taro@ezweb.ne.jp", "hanako@docomo.ne.jp"):
        _invitation, token = invitations.invite(inviter, f"invited-{address}")
        visitor = Browser(PC, cookies=True)
        _, _, form = visitor.request(f"{base}/join/{token}")
        status, _, page = visitor.request(f"{base}/join/{token}", {
            "csrf": csrf_of(form), "nickname": "はなこ", "mail": address, "password": "hanako-pass-1",
            "password2": "hanako-pass-1", "birth_year": "1995", "birth_month": "5", "birth_day": "5", "real_name": ""})
        pages[address] = (status, re.sub(r'value="[^"]*"', "", page.replace(address, "<ADDRESS>")))
        assert visitor.request(f"{base}/join/{token}")[0] == 410  # used up, in both cases
    assert pages["taro@ezweb.ne.jp"] == pages["hanako@docomo.ne.jp"]
    assert pages["taro@ezweb.ne.jp"][0] == 200 and "確認メールを送りました" in pages["taro@ezweb.ne.jp"][1]
    assert scalar("SELECT COUNT(*) FROM members WHERE mail = 'taro@ezweb.ne.jp'") == 1

    received = {m["To"]: m for m in mails(inbox, 2)}
    assert received["taro@ezweb.ne.jp"]["Subject"] == "keitai への登録について"
    assert "/verify/" not in text_of(received["taro@ezweb.ne.jp"])
    assert "/verify/" in text_of(received["hanako@docomo.ne.jp"])


def test_sign_up_tries_are_counted_by_address(server):
    base, _inbox = server
    visitor = Browser(PC, cookies=True, source="127.0.0.2")
    _, _, form = visitor.request(base + "/login")
    for _ in range(10):
        assert visitor.request(base + "/join/not-a-token", {"csrf": csrf_of(form), "mail": "a@docomo.ne.jp"})[0] == 404
    status, _, page = visitor.request(base + "/join/not-a-token", {"csrf": csrf_of(form), "mail": "a@docomo.ne.jp"})
    assert status == 429 and "分ほどしてから" in page
    # Someone else, from another address, is not held up.
    other = Browser(PC, cookies=True, source="127.0.0.3")
    _, _, form = other.request(base + "/login")
    assert other.request(base + "/join/not-a-token", {"csrf": csrf_of(form), "mail": "a@docomo.ne.jp"})[0] == 404


# ---- 14: a sign-in form's token is the visitor's own ----------------------------------------

def _sign_in_with(browser: Browser, base: str, token: str, mail: str) -> int:
    return browser.request(base + "/login", {"csrf": token, "next": "/", "mail": mail, "password": PASSWORD})[0]


def test_an_attackers_sign_in_form_token_signs_no_one_else_in(server):
    base, _inbox = server
    quick_member("わるもの", "attacker@docomo.ne.jp")
    quick_member("さくら", "sakura@docomo.ne.jp")
    attacker = Browser(PC, cookies=True)
    stolen = csrf_of(attacker.request(base + "/login")[2])

    victim = Browser(PC, cookies=True)
    assert _sign_in_with(victim, base, stolen, "attacker@docomo.ne.jp") == 403  # no cookie of the site yet
    victim.request(base + "/")  # has visited the site: holds a pre-session of its own
    assert _sign_in_with(victim, base, stolen, "attacker@docomo.ne.jp") == 403
    _, _, page = victim.request(base + "/")
    assert "わるもの" not in page and 'name="password"' in page
    own = csrf_of(victim.request(base + "/login")[2])
    assert _sign_in_with(victim, base, own, "sakura@docomo.ne.jp") == 303

    # A handset without cookies (au over https, through its gateway): the token is bound to the
    # handset's subscriber id, so a token another handset or a PC fetched is refused.
    quick_member("たろう", "taro@ezweb.ne.jp")

    def au(subscriber: str) -> Browser:
        return Browser(AU, cookies=False, headers={
            "X-Forwarded-For": GATEWAY_IP["au"], "X-Forwarded-Proto": "https", "X-UP-SUBNO": subscriber})

    theirs = csrf_of(au("05001234567890_aa.ezweb.ne.jp").request(base + "/login")[2])
    phone = au("05009876543210_bb.ezweb.ne.jp")
    assert _sign_in_with(phone, base, theirs, "attacker@docomo.ne.jp") == 403
    assert _sign_in_with(phone, base, stolen, "attacker@docomo.ne.jp") == 403
    own = csrf_of(phone.request(base + "/login")[2])
    assert _sign_in_with(phone, base, own, "taro@ezweb.ne.jp") == 303


# ---- 15: a suspended member's writing --------------------------------------------------------

def test_a_suspended_members_topics_comments_and_membership_are_hidden_until_lifted(server):
    base, _inbox = server
    operator = quick_member("運営", "admin@docomo.ne.jp", is_admin=True)
    owner = quick_member("オーナー", "owner@docomo.ne.jp")
    member = quick_member("問題の人", "trouble@docomo.ne.jp")
    reader = quick_member("読む人", "reader@docomo.ne.jp")
    community_id = community_with(owner, "鉄道の会", member, reader)
    topic_id = communities.create_topic(communities.standing(community_id, member), "停止前のトピック", "本文")
    other_topic = communities.create_topic(communities.standing(community_id, owner), "オーナーの話題", "どうぞ")
    say(community_id, other_topic, member, "停止前の書き込み")
    diary_id = write_entry(owner, "オーナーの日記", "everyone", body="本文")
    diaries.add_comment(member, diary_id, "停止前のコメント")
    own_diary = write_entry(member, "停止前の日記", "everyone", body="本文")

    me = pc_member(base, "reader@docomo.ne.jp")

    def looks() -> dict:
        _, _, community = me.request(f"{base}/community/{community_id}")
        _, _, topic = me.request(f"{base}/topic/{other_topic}")
        _, _, entry = me.request(f"{base}/diary/{diary_id}")
        _, _, members = me.request(f"{base}/community/{community_id}/members")
        return {
            "topic listed": "停止前のトピック" in community,
            "topic page": me.request(f"{base}/topic/{topic_id}")[0],
            "topics counted": "トピック（2）" in community,
            "members counted": "<dd>3人</dd>" in community,
            "member listed": "問題の人" in members,
            "topic comment": "停止前の書き込み" in topic and "コメント（1）" in topic,
            "diary comment": "停止前のコメント" in entry and "コメント（1）" in entry,
            "own diary": me.request(f"{base}/diary/{own_diary}")[0],
        }

    shown = {"topic listed": True, "topic page": 200, "topics counted": True, "members counted": True,
             "member listed": True, "topic comment": True, "diary comment": True, "own diary": 200}
    assert looks() == shown
    admin.suspend(operator, member, "荒らし")
    assert looks() == {"topic listed": False, "topic page": 404, "topics counted": False, "members counted": False,
                       "member listed": False, "topic comment": False, "diary comment": False, "own diary": 404}
    _, _, community = me.request(f"{base}/community/{community_id}")
    assert "トピック（1）" in community and "<dd>2人</dd>" in community
    admin.unsuspend(operator, member)
    assert looks() == shown
