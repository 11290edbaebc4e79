"""Notice mails: a friend request, a comment on my diary, a comment after mine, a join request
for a community I run, an introduction to approve.  One mail per kind until the member has
looked at its page; each kind switched off on /settings/notify; no content in any mail; each
in the handset's own charset."""
from __future__ import annotations

import base64
import re

from conftest import AU, DOCOMO_1, PC
from diary_helpers import block, member, write_entry  # noqa: F401  (member: fixture)
from keitai import communities
from keitai.diary import comments
from keitai.friends import rules as friends
from keitai.introductions import rules as introductions
from keitai.platform.db.connection import execute, now
from keitai.platform.mail import queue
from members_helpers import body, outbox
from quick import sign_in, submit


def mails(settings) -> list[tuple[str, str]]:
    """(To, Subject) of every mail sent so far."""
    return [(m["To"], m["Subject"]) for m in outbox(settings)]


def test_a_friend_request_mails_once_until_the_member_looks(member, client, settings):
    sakura, taro, jiro, saburo = member("さくら"), member("たろう"), member("じろう"), member("さぶろう")
    execute("UPDATE members SET mail = 'sakura@docomo.ne.jp' WHERE id = ?", (sakura,))
    friends.request(taro, sakura, "よろしく")
    [notice] = outbox(settings)
    assert (notice["To"], notice["Subject"]) == ("sakura@docomo.ne.jp", "友人リクエストが届きました")
    text = body(notice)
    assert "http://127.0.0.1:8080/friends/requests\r\n" in text
    assert "たろう" not in text and "よろしく" not in text          # never who, never what

    friends.request(jiro, sakura)                                    # not looked yet: no second mail
    assert len(outbox(settings)) == 1
    phone = sign_in(client(DOCOMO_1), sakura)
    phone.page("/friends/requests")                                  # she looks
    friends.request(saburo, sakura)
    assert mails(settings)[1:] == [("sakura@docomo.ne.jp", "友人リクエストが届きました")]


def test_comments_mail_the_writer_and_earlier_commenters_but_not_across_a_block(member, settings):
    owner, early, blocked_one, late = member("さくら"), member("たろう"), member("じろう"), member("はなこ")
    for who, address in ((owner, "owner@docomo.ne.jp"), (early, "early@docomo.ne.jp"),
                         (blocked_one, "blocked@docomo.ne.jp"), (late, "late@docomo.ne.jp")):
        execute("UPDATE members SET mail = ? WHERE id = ?", (address, who))
    entry = write_entry(owner, "花見", audience="everyone")
    comments.add_comment(blocked_one, entry, "いいね")
    assert mails(settings) == [("owner@docomo.ne.jp", "日記にコメントがつきました")]
    block(blocked_one, late)
    comments.add_comment(late, entry, "行きたい")          # blocked_one hears nothing of late
    assert len(outbox(settings)) == 1                      # and the owner has not looked yet
    comments.add_comment(early, entry, "きれい")
    reply = "コメントした日記に書き込みがありました"
    assert sorted(mails(settings)[1:]) == [("blocked@docomo.ne.jp", reply), ("late@docomo.ne.jp", reply)]
    assert f"http://127.0.0.1:8080/diary/{entry}\r\n" in body(outbox(settings)[1])
    assert "きれい" not in body(outbox(settings)[1]) and "たろう" not in body(outbox(settings)[1])


def test_the_writer_commenting_on_her_own_entry_mails_no_one(member, settings):
    owner = member("さくら")
    entry = write_entry(owner, "花見")
    comments.add_comment(owner, entry, "追記です")
    assert outbox(settings) == []


def test_an_earlier_commenter_who_may_no_longer_read_the_entry_is_not_mailed(member, settings):
    owner, early, friend = member("さくら"), member("たろう"), member("じろう")
    friends.befriend(owner, friend)
    entry = write_entry(owner, "花見", audience="everyone")
    comments.add_comment(early, entry, "きれい")
    execute("UPDATE diaries SET audience = 'friends' WHERE id = ?", (entry,))
    before = len(outbox(settings))
    comments.add_comment(friend, entry, "いいね")
    assert [m["To"] for m in outbox(settings)[before:]] == []    # owner waits unlooked; early may not read it


def test_looking_at_the_entry_lets_the_next_comment_mail_again(member, client, settings):
    owner, taro, jiro = member("さくら"), member("たろう"), member("じろう")
    entry = write_entry(owner, "花見", audience="everyone")
    comments.add_comment(taro, entry, "きれい")             # the owner is mailed
    comments.add_comment(jiro, entry, "いいね")             # taro is mailed; the owner has not looked
    assert len(outbox(settings)) == 2
    sign_in(client(PC), owner).get(f"/diary/{entry}")
    comments.add_comment(jiro, entry, "また行こう")         # the owner again; taro has not looked
    assert [m["To"] for m in outbox(settings)[2:]] == ["member1@docomo.ne.jp"]


def test_a_kind_switched_off_on_the_handset_settings_page_mails_nothing(member, client, settings):
    sakura, taro, jiro = member("さくら"), member("たろう"), member("じろう")
    phone = sign_in(client(DOCOMO_1), sakura)
    menu = phone.page("/settings")
    assert "/settings/notify" in phone.text(menu)
    page = phone.page("/settings/notify")
    form = page.forms[0]
    assert form["friend_request"].checked and form["diary_comment"].checked
    form["friend_request"].checked = False
    saved = submit(page)
    assert saved.status_int == 303
    assert not phone.page("/settings/notify").forms[0]["friend_request"].checked

    friends.request(taro, sakura)
    assert outbox(settings) == []
    entry = write_entry(sakura, "花見")
    comments.add_comment(jiro, entry, "きれい")                   # another kind is still on
    assert [m["Subject"] for m in outbox(settings)] == ["日記にコメントがつきました"]


def test_a_join_request_mails_the_owner_and_sub_admins(member, client, settings):
    owner, sub, plain, asker = member("さくら"), member("たろう"), member("じろう"), member("はなこ")
    community = communities.create_community(owner, "釣り部", "outdoor", "海釣りの話", join_policy="approval")
    for who, role in ((sub, "subadmin"), (plain, "member")):
        execute("INSERT INTO community_members (community_id, member_id, role, joined_at) VALUES (?, ?, ?, ?)",
                (community, who, role, now()))
    communities.join(communities.rules.standing(community, asker), "入れてください")
    sent = outbox(settings)
    assert sorted(m["To"] for m in sent) == sorted(f"member{n}@docomo.ne.jp" for n in (1, 2))
    assert {m["Subject"] for m in sent} == {"コミュニティに参加希望が届きました"}
    assert all(f"http://127.0.0.1:8080/community/{community}/requests\r\n" in body(m) for m in sent)
    assert all("はなこ" not in body(m) and "入れてください" not in body(m) for m in sent)


def test_an_introduction_waiting_for_approval_mails_once_until_looked(member, client, settings):
    sakura, taro = member("さくら"), member("たろう")
    friends.befriend(sakura, taro)
    introductions.write(taro, sakura, "いつも明るい人です。")
    introductions.write(taro, sakura, "いつも明るくて優しい人です。")
    [notice] = outbox(settings)
    assert notice["Subject"] == "紹介文が届きました" and "明るい" not in body(notice)
    sign_in(client(PC), sakura).get(f"/member/{sakura}/introductions")
    introductions.write(taro, sakura, "三度目の正直。")
    assert len(outbox(settings)) == 2


def test_an_au_member_reads_the_notice_in_iso_2022_jp(member, settings):
    sakura, taro = member("さくら", "sakura@ezweb.ne.jp"), member("たろう")
    friends.request(taro, sakura)
    queue.deliver_due()
    [path] = sorted((p for p in __import__("pathlib").Path(settings.outbox_dir).glob("*.eml")))
    raw = path.read_bytes()
    assert b"Content-Type: text/plain; charset=ISO-2022-JP" in raw and b"Content-Transfer-Encoding: 7bit" in raw
    subject = re.search(rb"Subject: =\?ISO-2022-JP\?B\?([A-Za-z0-9+/=]+)\?=", raw).group(1)
    assert base64.b64decode(subject) == b"\x1b$BM'?M%j%/%(%9%H$,FO$-$^$7$?\x1b(B"      # 友人リクエストが届きました
    assert b'keitai\x1b$B$G!"$"$J$?$KM\'?M%j%/%(%9%H$,FO$-$^$7$?!#\x1b(B\r\n' in raw  # keitaiで、あなたに友人…
