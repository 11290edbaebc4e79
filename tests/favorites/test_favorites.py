"""お気に入り: adding from a profile and a community's page, the private list, what it shows of
each member (by their audiences), who disappears from it (blocks both ways, suspension), the limit."""
from __future__ import annotations

import re

from conftest import DOCOMO_1, DOCOMO_1_5K, PC
from diary_helpers import FakeUpload, small_photo, write_entry
from keitai import communities
from keitai.admin import rules as admin
from keitai.favorites import rules as favorites
from keitai.friends import blocks
from keitai.friends import rules as friends
from keitai.photos import rules as photos
from keitai.platform.db.connection import execute, now, scalar
from keitai.profiles import rules as profiles
from quick import member, sign_in


def form_to(response, action_path: str):
    """The form of ``response`` that posts to ``action_path`` (its sid in the query or not)."""
    found = [f for f in response.forms.values() if f.action.split("?")[0] == action_path]
    assert len(found) == 1, (action_path, [f.action for f in response.forms.values()])
    return found[0]


def post(client, response, action_path: str):
    form = form_to(response, action_path)
    if (response.charset or "").lower() == "shift_jis":
        return form.submit(content_type="application/x-www-form-urlencoded; charset=cp932")
    return form.submit()


def listed(client) -> str:
    return client.text(client.page("/favorites"))


def favorite_rows() -> int:
    return scalar("SELECT COUNT(*) FROM favorite_members")


def test_a_member_adds_another_from_the_profile_and_only_they_see_it(client):
    sakura, taro = member("さくら"), member("たろう")
    pc = sign_in(client(PC), sakura)
    profile = pc.get(f"/member/{taro}")
    assert "お気に入りに追加" in profile.text and "お気に入りから外す" not in profile.text
    done = post(pc, profile, f"/favorites/member/{taro}")
    assert done.status_int == 303
    after = done.follow()
    assert "お気に入りに追加しました。相手には知らされません。" in after.text
    assert "お気に入りから外す" in after.text and "お気に入りに追加</button>" not in after.text
    page = listed(pc)
    assert "お気に入りのメンバー（1人）" in page and f'href="/member/{taro}">たろう</a>さん' in page

    # たろう is told nothing: no mail, nothing on home, and his own list is empty.
    assert scalar("SELECT COUNT(*) FROM mail_queue") == 0
    theirs = sign_in(client(PC), taro)
    home = theirs.get("/").text
    assert "お気に入り" in home  # the menu's link, no notice
    assert "さくら" not in home.replace("お気に入り", "")
    assert "さくら" not in listed(theirs) and "お気に入りのメンバー（0人）" in listed(theirs)

    # Removing it from the list page.
    gone = post(pc, pc.get("/favorites"), f"/favorites/member/{taro}/remove")
    assert gone.headers["Location"].endswith("/favorites?msg=favorite_removed")
    assert "お気に入りのメンバー（0人）" in listed(pc) and favorite_rows() == 0


def test_one_cannot_add_oneself_nor_a_member_one_may_not_see(client):
    sakura, blocked, suspended = member("さくら"), member("ブロック"), member("停止")
    blocks.block(blocked, sakura)
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (suspended,))
    pc = sign_in(client(PC), sakura)
    own = pc.get(f"/member/{sakura}")
    assert "お気に入りに追加" not in own.text
    visible = member()
    token = form_to(pc.get(f"/member/{visible}"), f"/favorites/member/{visible}")["csrf"].value
    for other, status in ((blocked, 404), (suspended, 404), (999999, 404)):
        pc.post(f"/favorites/member/{other}", {"csrf": token}, status=status)
    refused = pc.post(f"/favorites/member/{sakura}", {"csrf": token})
    assert "自分をお気に入りに追加することはできません。" in refused.text
    assert favorite_rows() == 0


def test_the_list_shows_the_photo_and_last_login_only_where_their_audiences_allow(client):
    sakura, friend, stranger = member("さくら"), member("友人"), member("他人")
    friends.befriend(sakura, friend)
    for who in (friend, stranger):
        profiles.add_photo(who, photos.prepare(FakeUpload(small_photo())))
        execute("UPDATE members SET aud_photo = 'friends', aud_last_login = 'friends', last_login_at = ?"
                " WHERE id = ?", (now() - 2 * 86400, who))
        favorites.add_member(sakura, who)
    pc = sign_in(client(PC), sakura)
    page = listed(pc)
    friend_photo = scalar("SELECT photo_id FROM members WHERE id = ?", (friend,))
    stranger_photo = scalar("SELECT photo_id FROM members WHERE id = ?", (stranger,))
    assert f'src="/photo/{friend_photo}?size=s"' in page and f"/photo/{stranger_photo}" not in page
    assert page.count("最終ログイン：3日以内") == 1
    row = next(li for li in page.split("<li>") if f'href="/member/{friend}"' in li)
    assert "最終ログイン：3日以内" in row and f"/photo/{friend_photo}" in row
    # The thumbnail's address is the photo's own, which checks its audience.
    assert pc.get(f"/photo/{friend_photo}?size=s").content_type.startswith("image/")
    assert pc.get(f"/photo/{stranger_photo}?size=s", status="*").status_int in (403, 404)


def test_the_newest_entry_shown_is_the_newest_the_owner_may_read(client):
    sakura, taro = member("さくら"), member("たろう")
    write_entry(taro, "みんなへの日記", "everyone")
    write_entry(taro, "友人だけの日記", "friends")
    favorites.add_member(sakura, taro)
    pc = sign_in(client(PC), sakura)
    page = listed(pc)
    assert "最新の日記：" in page and "みんなへの日記" in page and "友人だけの日記" not in page
    friends.befriend(sakura, taro)
    assert "友人だけの日記" in listed(pc) and "みんなへの日記" not in listed(pc)


def test_blocking_either_way_takes_the_favourite_out_of_both_lists(client):
    sakura, taro, hanako = member("さくら"), member("たろう"), member("はなこ")
    favorites.add_member(sakura, taro)
    favorites.add_member(taro, sakura)
    favorites.add_member(sakura, hanako)
    pc = sign_in(client(PC), taro)
    confirm = pc.get(f"/member/{sakura}/block")
    post(pc, confirm, f"/member/{sakura}/block")
    assert scalar("SELECT COUNT(*) FROM favorite_members WHERE ? IN (member_id, favorite_id)", (taro,)) == 0
    # Lifting the block brings no favourite back.
    blocks.unblock(taro, sakura)
    assert "たろう" not in listed(sign_in(client(PC), sakura))
    assert "さくら" not in listed(pc)


def test_a_block_that_raced_the_addition_still_hides_the_favourite_and_its_count(client):
    """A favourite row left beside a block (added in a parallel request) is shown to no one and counted nowhere."""
    sakura, taro, hanako = member("さくら"), member("たろう"), member("はなこ")
    favorites.add_member(sakura, taro)
    favorites.add_member(sakura, hanako)
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (taro, sakura, now()))
    pc = sign_in(client(PC), sakura)
    page = listed(pc)
    assert "たろう" not in page and "はなこ" in page and "お気に入りのメンバー（1人）" in page
    phone = sign_in(client(DOCOMO_1), sakura)
    handset = listed(phone)
    assert "たろう" not in handset and "ﾒﾝﾊﾞｰ(1人)" in handset


def test_a_suspended_favourite_disappears_until_the_suspension_is_lifted(client):
    sakura, taro, operator = member("さくら"), member("たろう"), member("運営", is_admin=True)
    favorites.add_member(sakura, taro)
    admin.suspend(operator, taro, "確認のため")
    pc = sign_in(client(PC), sakura)
    assert "たろう" not in listed(pc) and "お気に入りのメンバー（0人）" in listed(pc)
    admin.unsuspend(operator, taro)
    assert "たろう" in listed(pc) and "お気に入りのメンバー（1人）" in listed(pc)


def test_the_limit_is_said_in_japanese_and_counts_only_members_the_list_shows(client):
    sakura = member("さくら")
    others = [member() for _ in range(favorites.LIMIT + 1)]
    for other in others[:favorites.LIMIT]:
        execute("INSERT INTO favorite_members (member_id, favorite_id, created_at) VALUES (?, ?, ?)",
                (sakura, other, now()))
    pc = sign_in(client(PC), sakura)
    refused = post(pc, pc.get(f"/member/{others[-1]}"), f"/favorites/member/{others[-1]}")
    assert "お気に入りに登録できるメンバーは100人までです。" in refused.text
    assert scalar("SELECT COUNT(*) FROM favorite_members WHERE member_id = ?", (sakura,)) == favorites.LIMIT
    # A suspended favourite is not on the list, so it leaves room (no number tells of it).
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (others[0],))
    done = post(pc, pc.get(f"/member/{others[-1]}"), f"/favorites/member/{others[-1]}")
    assert done.status_int == 303 and "お気に入りのメンバー（100人）" in listed(pc)


def test_communities_are_added_from_their_page_and_leave_with_it(client):
    sakura, owner = member("さくら"), member("管理人")
    community_id = communities.create_community(owner, "猫好き", "animals")
    pc = sign_in(client(PC), sakura)
    page = pc.get(f"/community/{community_id}")
    assert "お気に入りに追加" in page.text
    after = post(pc, page, f"/favorites/community/{community_id}").follow()
    assert "お気に入りから外す" in after.text
    assert "お気に入りのコミュニティ（1）" in listed(pc) and "猫好き" in listed(pc)
    assert scalar("SELECT COUNT(*) FROM mail_queue") == 0
    communities.delete_community(communities.standing(community_id, owner))
    assert "猫好き" not in listed(pc) and "お気に入りのコミュニティ（0）" in listed(pc)


def test_the_community_limit_is_said_in_japanese(client):
    sakura, owner = member("さくら"), member("管理人")
    ids = [communities.create_community(owner, f"コミュ{n}", "other") for n in range(favorites.LIMIT + 1)]
    for community_id in ids[:favorites.LIMIT]:
        favorites.add_community(sakura, community_id)
    pc = sign_in(client(PC), sakura)
    refused = post(pc, pc.get(f"/community/{ids[-1]}"), f"/favorites/community/{ids[-1]}")
    assert "お気に入りに登録できるコミュニティは100件までです。" in refused.text
    assert not favorites.is_favorite_community(sakura, ids[-1])


def test_a_handset_adds_from_beside_the_report_link_and_reads_its_list(client):
    sakura, taro = member("さくら"), member("たろう")
    community_id = communities.create_community(taro, "猫好き", "animals")
    write_entry(taro, "きょうの日記", "everyone")
    phone = sign_in(client(DOCOMO_1), sakura)
    profile = phone.page(f"/member/{taro}")
    body = phone.text(profile)
    # Among the actions on the member (ブロック, 通報), not under the viewer's own menu.
    actions = body[body.index('value="お気に入りに追加"'):]
    assert actions.index("通報") < actions.index("[0]ﾎｰﾑ")
    assert f"sid={phone.sid}" in form_to(profile, f"/favorites/member/{taro}").action
    after = post(phone, profile, f"/favorites/member/{taro}")
    assert after.status_int == 303 and f"sid={phone.sid}" in after.headers["Location"]
    assert 'value="お気に入りから外す"' in phone.text(after.follow())
    post(phone, phone.page(f"/community/{community_id}"), f"/favorites/community/{community_id}")

    home = phone.text(phone.page("/"))
    assert re.search(r'<a href="/favorites\?sid=%s">お気に入り</a>' % phone.sid, home)
    response = phone.page("/favorites")
    page = phone.text(response)
    assert response.charset.lower() == "shift_jis"
    assert "たろう" in page and "きょうの日記" in page and "猫好き" in page and "ﾒﾝﾊﾞｰ(1人)" in page
    links = re.findall(r'href="(/[^"]*)"', page)
    assert links and all(f"sid={phone.sid}" in link for link in links)

    # Removing it from the profile, as the list says.
    post(phone, phone.page(f"/member/{taro}"), f"/favorites/member/{taro}/remove")
    assert "たろう" not in phone.text(phone.page("/favorites"))


def test_a_long_list_fits_a_5k_handset_in_pages_with_the_next_link(client):
    sakura = member("さくら")
    for n in range(25):
        favorites.add_member(sakura, member(f"とても長いニックネームの人{n:02}"))
    phone = sign_in(client(DOCOMO_1_5K), sakura)
    response = phone.page("/favorites")
    assert len(response.body) <= 5 * 1024
    page = phone.text(response)
    assert page.count("とても長いニックネームの人") == 10
    assert re.search(r'<a href="/favorites\?before=\d+&amp;sid=%s" accesskey="6">\[6\]次を表示</a>' % phone.sid, page)


def test_the_data_download_carries_the_list_as_it_shows_it(client):
    import io
    import json
    import zipfile

    sakura, taro, hidden = member("さくら"), member("たろう"), member("隠れた人")
    community_id = communities.create_community(taro, "猫好き", "animals")
    favorites.add_member(sakura, taro)
    favorites.add_member(sakura, hidden)
    favorites.add_community(sakura, community_id)
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (hidden, sakura, now()))
    pc = sign_in(client(PC), sakura)
    done = pc.get("/settings/download").forms[0].submit().follow()
    archived = zipfile.ZipFile(io.BytesIO(pc.get(done.html.find("a", string="データをダウンロードする")["href"]).body))
    data = json.loads(archived.read("data.json"))
    assert [(row["what"], row.get("nickname") or row.get("name")) for row in data["favorites"]] == [
        ("favorite_member", "たろう"), ("favorite_community", "猫好き")]
    page = archived.read("index.html").decode("utf-8")
    assert "お気に入りのメンバー" in page and "隠れた人" not in page
