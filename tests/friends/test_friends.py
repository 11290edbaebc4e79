"""Friends: requests with a message, accepting and declining, unfriending, friend lists
(with their audience), friend groups, friends of friends on profiles, and blocking."""
from __future__ import annotations

import time

import pytest

from conftest import DOCOMO_1, PC
from keitai import words
from keitai.platform.db.connection import execute, fetchall, now, scalar
from keitai.friends import blocks
from keitai.friends import rules as friends
from keitai.friends import groups
from members_helpers import send
from members_helpers import fast_passwords  # noqa: F401  (autouse: cheap argon2 here)
from quick import member, sign_in


def test_request_with_a_message_then_accept_on_a_handset(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@ezweb.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    profile = pc.get(f"/member/{taro}")
    request_page = pc.get(profile.html.find("a", string="友人に追加")["href"])
    done = send(request_page.forms[0], message="大学で一緒でした！").follow()
    assert "友人申請を送りました" in done.text and "返事を待っています" in done.text

    phone = client(DOCOMO_1)
    home = phone.login("taro@ezweb.ne.jp")
    assert "友人申請1件" in phone.text(home)  # the first line of home
    page = phone.page("/friends/requests")
    text = phone.text(page)
    assert "さくら" in text and "大学で一緒でした！" in text
    accepted = send(page.forms[0]).follow()
    assert "友人になりました" in phone.text(accepted)
    assert friends.are_friends(sakura, taro)
    assert fetchall("SELECT friend_count FROM members ORDER BY id") == [(1,), (1,)]
    assert scalar("SELECT COUNT(*) FROM friend_requests") == 0


def test_decline_and_cancel_and_crossed_requests(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@ezweb.ne.jp")
    yuki = make_member("ゆき", "yuki@softbank.ne.jp")
    friends.request(taro, sakura, "はじめまして")
    friends.request(sakura, yuki)
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    page = pc.get("/friends/requests")
    assert "ゆき" in page.text and "返事待ちの申請" in page.text
    declined = send(page.forms[1]).follow()  # お断りする
    assert "お断りしました" in declined.text and not friends.are_friends(sakura, taro)
    cancelled = send(declined.forms[0]).follow()  # 取り消す (my request to ゆき)
    assert "取り消しました" in cancelled.text
    assert scalar("SELECT COUNT(*) FROM friend_requests") == 0

    # Asking someone who already asked you makes you friends at once.
    friends.request(yuki, sakura)
    assert friends.request(sakura, yuki) == "accepted" and friends.are_friends(sakura, yuki)
    # Asking twice or asking a friend: a clear answer, nothing new.
    friends.request(sakura, taro)
    page = pc.get(f"/member/{taro}/request")
    assert "返事を待っています" in page.text and not page.forms


def test_request_answers_belong_to_their_recipient(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@ezweb.ne.jp")
    make_member("ゆき", "yuki@softbank.ne.jp")
    friends.request(taro, sakura)
    request_id = scalar("SELECT id FROM friend_requests")
    pc = client(PC)
    pc.login("yuki@softbank.ne.jp")
    csrf = pc.get("/invite").forms[0]["csrf"].value
    response = pc.post(f"/friends/requests/{request_id}/accept", {"csrf": csrf}, status=404)
    assert "もうありません" in response.text
    assert not friends.are_friends(sakura, taro)


def test_overlong_request_message_is_refused_and_kept(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@ezweb.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    page = send(phone.page(f"/member/{taro}/request").forms[0], message="あ" * 201)
    assert "200文字まで" in phone.text(page) and "あ" * 201 in phone.text(page)
    assert scalar("SELECT COUNT(*) FROM friend_requests") == 0


def refusal(call, *args) -> words.Refused:
    with pytest.raises(words.Refused) as refused:
        call(*args)
    return refused.value


def test_refused_requests_and_group_changes_say_why_and_change_nothing(make_member, app):
    sakura, taro, ken = make_member(), make_member(), make_member()
    friends.request(sakura, taro)
    pending = refusal(friends.request, sakura, taro)
    assert pending.code == "friends.request_pending"
    assert pending.message == "すでに友人申請を送っています。相手の承認を待ってください。"
    assert friends.request(taro, sakura) == "accepted"
    assert refusal(friends.request, sakura, taro).message == "すでに友人です。"
    assert refusal(friends.request, sakura, ken, "あ" * 201).message == "メッセージ: 入力が長すぎます（200文字まで）。"
    assert refusal(friends.request, sakura, sakura).code == "friends.not_found"
    assert scalar("SELECT COUNT(*) FROM friend_requests") == 0

    group = groups.create(sakura, "釣り仲間")
    assert refusal(groups.create, sakura, "  ").message == "グループ名を入力してください。"
    assert refusal(groups.rename, sakura, group, "あ" * 21).message == "グループ名: 入力が長すぎます（20文字まで）。"
    assert refusal(groups.create, sakura, "釣り\x07").message == "グループ名に使えない文字が含まれています。"
    assert refusal(groups.add, sakura, group, [ken]).message == "グループに入れられるのは友人だけです。"
    assert refusal(groups.add, ken, group, [sakura]).code == "friends.not_found"
    assert [g.name for g in groups.groups_of(sakura)] == ["釣り仲間"]
    assert scalar("SELECT COUNT(*) FROM friend_group_members") == 0


def test_friend_list_comes_in_pages_newest_member_first(make_member, app):
    owner = make_member()
    others = [make_member(f"友人{n}") for n in range(3)]
    for other in others:
        friends.befriend(owner, other)
    first = friends.friend_list(owner, owner, None, 2)
    assert [f.nickname for f in first.items] == ["友人2", "友人1"]
    assert first.next == str(others[1])
    last = friends.friend_list(owner, owner, first.next, 2)
    assert [f.nickname for f in last.items] == ["友人0"] and last.next is None


def test_unfriend_takes_the_ex_friend_out_of_groups(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@ezweb.ne.jp")
    friends.befriend(sakura, taro)
    group = groups.create(sakura, "釣り仲間")
    groups.add(sakura, group, [taro])
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    confirm = phone.page(f"/member/{taro}/unfriend")
    assert "友人から外しますか" in phone.text(confirm)
    done = send(confirm.forms[0]).follow()
    assert "友人から外しました" in phone.text(done)
    assert not friends.are_friends(sakura, taro)
    assert scalar("SELECT COUNT(*) FROM friend_group_members") == 0
    assert fetchall("SELECT friend_count FROM members ORDER BY id") == [(0,), (0,)]


def test_friend_lists_page_by_id_and_follow_the_owners_audience(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    stranger = make_member("けん", "ken@docomo.ne.jp")
    many = [make_member(f"友人{n:02d}", f"f{n}@docomo.ne.jp") for n in range(23)]
    for other in many:
        friends.befriend(sakura, other)
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    seen, path = [], "/friends"
    while path:
        page = phone.page(path)
        seen += [a.text for a in page.html.find_all("a") if a.text.startswith("友人") and a.text[2:].isdigit()]
        more = page.html.find("a", accesskey="#")
        path = more["href"].split("&sid=")[0].split("?sid=")[0] if more else None
    assert sorted(seen) == sorted(f"友人{n:02d}" for n in range(23))

    viewer = client(PC)
    viewer.login("ken@docomo.ne.jp")
    assert "友人22" in viewer.get(f"/member/{sakura}/friends").text
    execute("UPDATE members SET aud_friends = 'friends' WHERE id = ?", (sakura,))
    viewer.get(f"/member/{sakura}/friends", status=404)
    assert f"/member/{sakura}/friends" not in viewer.get(f"/member/{sakura}").text
    assert stranger


def test_groups_are_made_filled_renamed_and_deleted_on_a_handset(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@ezweb.ne.jp")
    yuki = make_member("ゆき", "yuki@softbank.ne.jp")
    friends.befriend(sakura, taro)
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    group_page = send(phone.page("/friends/groups").forms[0], name="釣り仲間").follow()
    assert "ｸﾞﾙｰﾌﾟを作りました" in phone.text(group_page) or "グループを作りました" in phone.text(group_page)
    group_id = scalar("SELECT id FROM friend_groups")
    add_page = phone.page(f"/friends/groups/{group_id}/add")
    assert "たろう" in phone.text(add_page) and "ゆき" not in phone.text(add_page)  # only friends
    add_page.forms[0]["member"] = str(taro)
    after = send(add_page.forms[0]).follow()
    assert "たろう" in phone.text(after) and "(1人)" in phone.text(after)
    renamed = send(after.forms[1], name="海釣り").follow()
    assert "海釣り" in phone.text(renamed)
    too_long = send(renamed.forms[1], name="長" * 21)
    assert "20文字まで" in phone.text(too_long) and "長" * 21 in phone.text(too_long)
    # A non-friend forced into the form is refused.
    csrf = phone.page("/invite").forms[0]["csrf"].value
    refused = phone.post(f"/friends/groups/{group_id}/add?sid={phone.sid}", {"csrf": csrf, "member": str(yuki)})
    assert "友人だけ" in phone.text(refused)
    deleted = send(phone.page(f"/friends/groups/{group_id}/delete").forms[0]).follow()
    assert "削除しました" in phone.text(deleted)
    assert scalar("SELECT COUNT(*) FROM friend_groups") == 0


def test_someone_elses_group_is_not_mine_to_see_or_change(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@ezweb.ne.jp")
    group = groups.create(sakura, "秘密")
    pc = client(PC)
    pc.login("taro@ezweb.ne.jp")
    pc.get(f"/friends/groups/{group}", status=404)
    pc.get(f"/friends/groups/{group}/add", status=404)
    csrf = pc.get("/friends/groups").forms[0]["csrf"].value
    pc.post(f"/friends/groups/{group}/delete", {"csrf": csrf}, status=404)
    pc.post(f"/friends/groups/{group}", {"csrf": csrf, "name": "乗っ取り"}, status=404)
    assert scalar("SELECT name FROM friend_groups") == "秘密"


def test_friend_of_friends_line_names_a_few_and_counts_the_rest(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    owner = make_member("けん", "ken@docomo.ne.jp")
    shared = [make_member(f"共通{n}", f"c{n}@docomo.ne.jp") for n in range(5)]
    only_mine = make_member("わたしの友人", "mine@docomo.ne.jp")
    only_theirs = make_member("けんの友人", "theirs@docomo.ne.jp")
    for m in shared:
        friends.befriend(me, m)
        friends.befriend(owner, m)
    friends.befriend(me, only_mine)
    friends.befriend(owner, only_theirs)
    for ua in (PC, DOCOMO_1):
        viewer = client(ua)
        viewer.login("sakura@docomo.ne.jp")
        text = viewer.text(viewer.page(f"/member/{owner}"))
        named = [f"共通{n}" for n in range(5) if f"共通{n}" in text]
        assert len(named) == 3 and "ほか" in text and "2" in text.split("ほか", 1)[1][:3]
        assert "わたしの友人" not in text and "けんの友人" not in text
    # Friends of a friend see no such line, and neither does a stranger.
    friends.befriend(me, owner)
    viewer = client(PC)
    viewer.login("sakura@docomo.ne.jp")
    assert "の友人です" not in viewer.get(f"/member/{owner}").text


def test_friend_of_friends_respects_private_friend_lists(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    owner = make_member("けん", "ken@docomo.ne.jp")
    middle = make_member("たろう", "taro@ezweb.ne.jp")
    friends.befriend(me, middle)
    friends.befriend(owner, middle)
    execute("UPDATE members SET aud_friends = 'private'")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    assert "たろう" not in pc.get(f"/member/{owner}").text  # neither list may be seen: the tie stays hidden
    execute("UPDATE members SET aud_friends = 'friends' WHERE id = ?", (middle,))
    assert "たろう" in pc.get(f"/member/{owner}").text  # たろう's own list shows it to his friends


def test_mutual_friends_of_members_with_thousands_of_friends_name_three_and_count_up_to_a_thousand(make_member, app):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    owner = make_member("けん", "ken@docomo.ne.jp")
    execute("INSERT INTO members (nickname, mail, password_hash, status, birthday, created_at)"
            " SELECT 'x', 'bulk' || ? || '@docomo.ne.jp', 'x', 'active', '1990-01-01', 0", (0,))
    first = scalar("SELECT MAX(id) FROM members")
    rows = [(f"大勢{n}", f"bulk{n + 1}@docomo.ne.jp", "x", "active", "1990-01-01", 0) for n in range(2999)]
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        execute("INSERT INTO members (nickname, mail, password_hash, status, birthday, created_at) VALUES "
                + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(chunk)), [v for row in chunk for v in row])
    ids = [r[0] for r in fetchall("SELECT id FROM members WHERE id >= ?", (first,))]
    pairs = [(a, b) for other in ids for a, b in ((owner, other), (other, owner), (me, other), (other, me))]
    for start in range(0, len(pairs), 500):
        chunk = pairs[start:start + 500]
        execute("INSERT INTO friendships (member_id, friend_id, created_at) VALUES "
                + ", ".join(["(?, ?, 0)"] * len(chunk)), [v for pair in chunk for v in pair])
    names, total = friends.mutual_friends(me, owner, True)
    assert len(names) == 3 and total == 1000  # 3,000 in common: three named, the count stops at 1,000


def test_block_hides_both_ways_everywhere_and_ends_the_friendship(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ")
    taro = make_member("たろう", "taro@ezweb.ne.jp", hobbies="釣り")
    yuki = make_member("ゆき", "yuki@softbank.ne.jp")
    friends.befriend(sakura, taro)
    friends.befriend(yuki, taro)
    friends.befriend(yuki, sakura)
    friends.request(sakura, make_member("けん", "ken@docomo.ne.jp"))
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    done = send(phone.page(f"/member/{taro}/block").forms[0]).follow()
    assert "ﾌﾞﾛｯｸしました" in phone.text(done) or "ブロックしました" in phone.text(done)
    assert "たろう" in phone.text(done)  # in my list of blocked members
    assert not friends.are_friends(sakura, taro)

    phone.page(f"/member/{taro}", status=404)
    assert "たろう" not in phone.text(phone.page(f"/member/{yuki}/friends"))
    blocked = client(PC)
    blocked.login("taro@ezweb.ne.jp")
    blocked.get(f"/member/{sakura}", status=404)
    blocked.get(f"/member/{sakura}/friends", status=404)
    blocked.get(f"/member/{sakura}/request", status=404)
    assert "さくら" not in blocked.get(f"/member/{yuki}/friends").text
    assert "さくら" not in blocked.get("/friends").text
    csrf = blocked.get("/invite").forms[0]["csrf"].value
    blocked.post(f"/member/{sakura}/request", {"csrf": csrf, "message": "x"}, status=404)
    assert scalar("SELECT COUNT(*) FROM friend_requests WHERE to_id = ?", (sakura,)) == 0

    unblocked = send(phone.page("/settings/blocks").forms[0]).follow()
    assert "解除しました" in phone.text(unblocked)
    assert blocked.get(f"/member/{sakura}").status_int == 200
    assert not friends.are_friends(sakura, taro)  # a block's ended friendship does not come back


def test_blocked_members_cannot_become_friends_by_any_path(make_member, app):
    sakura = make_member()
    taro = make_member()
    friends.request(taro, sakura)
    request_id = scalar("SELECT id FROM friend_requests")
    blocks.block(sakura, taro)
    assert not friends.accept(sakura, request_id)
    execute("INSERT INTO friend_requests (from_id, to_id, created_at) VALUES (?, ?, 0)", (taro, sakura))
    assert not friends.accept(sakura, scalar("SELECT id FROM friend_requests"))
    assert not friends.are_friends(sakura, taro)



def test_the_friends_page_counts_waiting_requests_as_home_does(client):
    """Requests from suspended or blocked members wait for nobody; past 99 both pages say 99+."""
    me, asker, suspended, blocked = member(), member(), member(), member()
    for sender in (asker, suspended, blocked):
        execute("INSERT INTO friend_requests (from_id, to_id, created_at) VALUES (?, ?, ?)", (sender, me, now()))
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (suspended,))
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (blocked, me, now()))
    pc = sign_in(client(PC), me)
    assert "友人申請 1件" in pc.get("/").text
    assert "友人申請（1件）" in pc.get("/friends").text
    for _ in range(100):
        execute("INSERT INTO friend_requests (from_id, to_id, created_at) VALUES (?, ?, ?)", (member(), me, now()))
    assert "友人申請 99+件" in pc.get("/").text
    assert "友人申請（99+件）" in pc.get("/friends").text


def test_no_friend_request_either_way_across_a_block(make_member, app):
    sakura, taro = make_member(), make_member()
    blocks.block(sakura, taro)
    for sender, recipient in ((taro, sakura), (sakura, taro)):
        with pytest.raises(words.Refused) as refused:
            friends.request(sender, recipient, "友達になってください")
        assert refused.value.code == "friends.not_found"
    assert scalar("SELECT COUNT(*) FROM friend_requests") == 0
