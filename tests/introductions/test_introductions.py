"""Introductions (紹介文): a friend writes, the member approves, either removes; who may read them."""
from __future__ import annotations

import pytest

from conftest import DOCOMO_1, PC
from keitai import words
from keitai.platform.db.connection import execute, now, scalar
from keitai.friends import rules as friends
from keitai.introductions import rules as introductions
from quick import member, sign_in, submit


def block(blocker, blocked):
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (blocker, blocked, now()))


def test_a_friend_writes_the_member_approves_and_it_shows_on_the_profile(client):
    sakura, taro, yuki = member("さくら"), member("たろう"), member("ゆき")
    friends.befriend(sakura, taro)

    phone = sign_in(client(DOCOMO_1), taro)
    listing = phone.page(f"/member/{sakura}").click(description="紹介文")
    write = listing.click(description="紹介文を書く")
    saved = submit(write, body="さくらさんは\nいつも明るい人です。").follow()
    assert "相手が承認すると" in phone.text(saved) and "承認待ち" in phone.text(saved)

    # Waiting: not on the profile for anyone else, a notice on Sakura's home.
    viewer = sign_in(client(PC), yuki)
    assert "明るい人" not in viewer.get(f"/member/{sakura}").text
    assert "明るい人" not in viewer.get(f"/member/{sakura}/introductions").text
    pc = sign_in(client(PC), sakura)
    home = pc.get("/")
    assert "承認待ちの紹介文 1件" in home.text
    mine = home.click(description="承認待ちの紹介文")
    assert "たろう" in mine.text and "明るい人" in mine.text
    approved = pc.submit(mine.click(description="読んで承認・削除する")).follow()
    assert "承認しました" in approved.text
    assert "承認待ちの紹介文" not in pc.get("/").text

    profile = viewer.get(f"/member/{sakura}")
    assert "たろう" in profile.text and "明るい人" in profile.text
    assert "いつも明るい人です。" in viewer.get(f"/member/{sakura}/introductions").text

    # Rewritten: it waits for approval again.
    write = phone.page(f"/member/{sakura}/introductions/write")
    assert "明るい人" in phone.text(write)
    submit(write, body="書き直しました")
    assert "書き直しました" not in viewer.get(f"/member/{sakura}").text
    assert scalar("SELECT COUNT(*) FROM introductions") == 1
    assert introductions.pending_count(sakura) == 1


def test_only_friends_write_and_bad_input_changes_nothing(client):
    sakura, stranger, friend = member("さくら"), member("しらない"), member("ともだち")
    friends.befriend(sakura, friend)
    pc = sign_in(client(PC), stranger)
    assert "友人だけ" in pc.get(f"/member/{sakura}/introductions/write", status=403).text
    assert "紹介文を書く" not in pc.get(f"/member/{sakura}/introductions").text
    csrf_page = sign_in(client(PC), friend).get(f"/member/{sakura}/introductions/write")
    friends.unfriend(sakura, friend)
    form = csrf_page.forms[0]
    form["body"] = "まだ友人のつもり"
    assert "友人だけ" in form.submit(status=403).text
    with pytest.raises(words.Refused) as refused:
        introductions.write(friend, sakura, "まだ友人のつもり")
    assert refused.value.code == "introductions.friends_only" and refused.value.message == "紹介文は友人だけが書けます。"
    assert sign_in(client(PC), sakura).get(f"/member/{sakura}/introductions/write", status=403)

    friends.befriend(sakura, friend)
    pc = sign_in(client(PC), friend)
    page = pc.submit(pc.get(f"/member/{sakura}/introductions/write"), body="長" * 1001)
    assert "紹介文が長すぎます" in page.text and "長" * 1001 in page.text
    page = pc.submit(pc.get(f"/member/{sakura}/introductions/write"), body="  \n ")
    assert "紹介文を入力してください" in page.text
    assert scalar("SELECT COUNT(*) FROM introductions") == 0


def test_either_may_remove_it_and_no_one_else(client):
    sakura, taro, yuki = member("さくら"), member("たろう"), member("ゆき")
    friends.befriend(sakura, taro)
    friends.befriend(sakura, yuki)
    introductions.write(taro, sakura, "たろうより")
    introductions.write(yuki, sakura, "ゆきより")
    by_taro, by_yuki = (scalar("SELECT id FROM introductions WHERE author_id = ?", (a,)) for a in (taro, yuki))
    introductions.approve(sakura, by_taro)
    introductions.approve(sakura, by_yuki)

    assert sign_in(client(PC), yuki).get(f"/introduction/{by_taro}", status=404)  # not hers
    assert not introductions.approve(yuki, by_taro) and not introductions.remove(yuki, by_taro)

    phone = sign_in(client(DOCOMO_1), taro)
    removed = submit(phone.page(f"/introduction/{by_taro}"), form_index=0).follow()
    assert "削除しました" in phone.text(removed)
    pc = sign_in(client(PC), sakura)
    page = pc.get(f"/introduction/{by_yuki}")
    assert "承認して" not in page.text  # already approved
    pc.submit(page)
    assert scalar("SELECT COUNT(*) FROM introductions") == 0


def test_only_the_member_approves_and_only_the_author_rewrites(client):
    sakura, taro = member("さくら"), member("たろう")
    friends.befriend(sakura, taro)
    introductions.write(taro, sakura, "たろうより")
    intro = scalar("SELECT id FROM introductions")
    for ua in (PC, DOCOMO_1):
        as_member = sign_in(client(ua), sakura)
        page = as_member.text(as_member.page(f"/introduction/{intro}"))
        assert "承認して" in page and "書き直す" not in page
        as_author = sign_in(client(ua), taro)
        page = as_author.text(as_author.page(f"/introduction/{intro}"))
        assert "承認して" not in page and "書き直す" in page


def test_introductions_follow_the_friend_list_audience_blocks_and_friendship(client):
    sakura = member("さくら", aud_friends="friends")
    taro, yuki, stranger = member("たろう"), member("ゆき"), member("しらない")
    friends.befriend(sakura, taro)
    friends.befriend(sakura, yuki)
    introductions.write(taro, sakura, "たろうの紹介文")
    introductions.approve(sakura, scalar("SELECT id FROM introductions"))

    outsider = sign_in(client(DOCOMO_1), stranger)
    assert "たろうの紹介文" not in outsider.text(outsider.page(f"/member/{sakura}"))
    assert "公開されていません" in outsider.text(outsider.page(f"/member/{sakura}/introductions"))
    friend = sign_in(client(PC), yuki)
    assert "たろうの紹介文" in friend.get(f"/member/{sakura}").text

    block(taro, yuki)  # Yuki no longer sees what Taro wrote, Sakura still does
    assert "たろうの紹介文" not in friend.get(f"/member/{sakura}/introductions").text
    owner = sign_in(client(PC), sakura)
    assert "たろうの紹介文" in owner.get(f"/member/{sakura}/introductions").text

    friends.unfriend(sakura, taro)  # only while they are friends
    assert "たろうの紹介文" not in owner.get(f"/member/{sakura}/introductions").text
    assert introductions.pending_count(sakura) == 0


def test_the_list_pages_on_a_handset(client):
    sakura = member("さくら")
    authors = [member(f"友人{i:02d}") for i in range(12)]
    for a in authors:
        friends.befriend(sakura, a)
        introductions.write(a, sakura, f"{a}番の紹介文")
    execute("UPDATE introductions SET approved = ?", (True,))
    phone = sign_in(client(DOCOMO_1), sakura)
    first = phone.page(f"/member/{sakura}/introductions")
    assert "友人11" in phone.text(first) and "友人01" not in phone.text(first)
    second = first.click(description="次の10件")
    assert "友人01" in phone.text(second) and "友人00" in phone.text(second) and "友人11" not in phone.text(second)
