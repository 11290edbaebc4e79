"""Albums as members use them: making one, adding photos with captions, the cover, deleting
photos and albums (files too), comments with blocks and suspensions, who sees what, friends'
new albums on home; on a PC, on handsets that can upload and on ones that cannot."""
from __future__ import annotations

import re
import secrets
from pathlib import Path

from webtest import Upload

from conftest import DOCOMO_1, PC
from diary_helpers import FakeUpload, block, make_group, member, small_photo  # noqa: F401
from keitai import config
from keitai.albums import comments, rules as albums
from keitai.friends import rules as friends
from keitai.photos import rules as photos
from keitai.platform.db.connection import execute, fetchall, scalar
from keitai.privacy import EVERYONE, FRIENDS, FRIENDS_OF_FRIENDS, GROUP, PRIVATE

#: docomo FOMA with i-mode browser 2.0: 100 KB pages (thumbnails inline), file fields, Shift_JIS.
IMODE_2 = "DoCoMo/2.0 P07A(c500;TB;W24H15)"


def _album(owner: int, title: str = "旅行", audience: str = EVERYONE, group_id: int | None = None,
           photo_count: int = 0, captions: tuple[str, ...] = ()) -> int:
    album_id = albums.create_album(owner, albums.Draft(title, "説明です。", audience, group_id))
    chosen = [(photos.prepare(FakeUpload(small_photo())), captions[i] if i < len(captions) else "")
              for i in range(photo_count)]
    if chosen:
        albums.add_photos(album_id, owner, chosen)
    return album_id


def _originals() -> list[Path]:
    root = Path(config.get().media_dir) / "photos"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _album_id(response) -> int:
    return int(re.search(r"/album/(\d+)", response.headers["Location"]).group(1))


def test_pc_member_makes_an_album_adds_captioned_photos_chooses_a_cover_and_deletes(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    made = pc.submit(pc.page("/album/new"), title="夏の海", description="江ノ島にて", audience="friends")
    album_id = _album_id(made)
    add_page = made.follow()
    assert "アルバムを作りました" in add_page.text and "あと60枚入ります" in add_page.text
    form = add_page.forms[0]
    assert form.enctype == "multipart/form-data"
    form["photo1"] = Upload("umi.jpg", small_photo(), "image/jpeg")
    form["caption1"] = "夕焼けの海"
    form["photo2"] = Upload("yama.jpg", small_photo(200, 150), "image/jpeg")
    page = form.submit().follow()
    assert "写真を追加しました" in page.text and "夏の海" in page.text and "江ノ島にて" in page.text
    first, second = [r[0] for r in fetchall("SELECT id FROM photos WHERE kind = 'album' ORDER BY position")]
    assert page.text.count('<ul class="album-grid">') == 1
    assert f'/album/{album_id}/photo/{first}"' in page.text and f"/photo/{second}?size=s" in page.text
    assert "夕焼けの海" in page.text and "友人まで公開" in page.text
    assert scalar("SELECT photo_count FROM albums WHERE id = ?", (album_id,)) == 2
    assert len(_originals()) == 2

    # The cover is the first photo until another is chosen.
    listing = pc.page(f"/member/{me}/albums")
    assert f"/photo/{first}?size=s" in listing.text and "（写真 2枚・コメント 0）" in listing.text
    photo_page = pc.page(f"/album/{album_id}/photo/{second}")
    assert "2 / 2" in photo_page.text and f"/album/{album_id}/photo/{first}" in photo_page.text  # 前の写真
    assert f'src="/photo/{second}"' in photo_page.text
    covered = pc.submit(photo_page).follow()
    assert "表紙にしました" in covered.text and "このアルバムの表紙です" in covered.text
    listing = pc.page(f"/member/{me}/albums")
    assert f"/photo/{second}?size=s" in listing.text and f"/photo/{first}?size=s" not in listing.text

    # Deleting the cover photo: its file goes, the first photo is the cover again.
    gone = pc.submit(pc.page(f"/album/{album_id}/photo/{second}/delete")).follow()
    assert "削除しました" in gone.text and f"/photo/{second}" not in gone.text
    assert scalar("SELECT photo_count FROM albums WHERE id = ?", (album_id,)) == 1
    assert len(_originals()) == 1
    assert pc.get(f"/photo/{second}", status=404).status_int == 404
    assert f"/photo/{first}?size=s" in pc.page(f"/member/{me}/albums").text

    # Deleting the album takes its photos' files with it.
    confirm = pc.page(f"/album/{album_id}/delete")
    assert "写真1枚とコメントも消え" in confirm.text
    done = pc.submit(confirm)
    assert done.headers["Location"].endswith(f"/member/{me}/albums?msg=deleted")
    assert scalar("SELECT COUNT(*) FROM albums") == 0 and scalar("SELECT COUNT(*) FROM photos") == 0
    assert _originals() == []
    assert pc.get(f"/album/{album_id}", status=404).status_int == 404


def test_bad_input_is_refused_in_japanese_and_changes_nothing(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    other = member("たろう", "taro@ezweb.ne.jp")
    theirs = make_group(other, "他人のグループ", [])
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    page = pc.submit(pc.page("/album/new"), title=" ", description="書いた説明はそのまま")
    assert "アルバムのタイトルを入力してください" in page.text and "書いた説明はそのまま" in page.text
    page = pc.submit(pc.page("/album/new"), title="長" * 101)
    assert "タイトル：入力が長すぎます（100文字まで）" in page.text
    page = pc.submit(pc.page("/album/new"), title="題", description="あ" * 1001)
    assert "説明：入力が長すぎます（1000文字まで）" in page.text
    form = pc.page("/album/new").forms[0]
    form["title"] = "題"
    form["audience"].force_value("group")
    assert "グループを選んでください" in form.submit().text
    _draft, errors = albums.check_draft(me, "題", "", GROUP, str(theirs))  # someone else's list
    assert errors == ["公開するグループを選んでください（グループは自分で作ったものだけ選べます）。"]
    assert scalar("SELECT COUNT(*) FROM albums") == 0

    album_id = _album(me)
    add = pc.page(f"/album/{album_id}/photos/add")
    assert "追加する写真のファイルを選んでください" in pc.submit(add, caption1="説明だけ").text
    form = pc.page(f"/album/{album_id}/photos/add").forms[0]
    form["photo1"] = Upload("umi.jpg", small_photo(), "image/jpeg")
    form["caption1"] = "長" * 101
    refused = form.submit()
    assert "写真1：写真の説明：入力が長すぎます（100文字まで）" in refused.text
    assert "写真はもう一度選んでください" in refused.text
    form = pc.page(f"/album/{album_id}/photos/add").forms[0]
    form["photo1"] = Upload("not.jpg", b"this is no image", "image/jpeg")
    assert "写真1：" in form.submit().text
    assert scalar("SELECT COUNT(*) FROM photos") == 0 and _originals() == []


def test_an_album_holds_at_most_its_limit(member, monkeypatch):
    me = member()
    monkeypatch.setattr(albums, "MAX_PHOTOS", 2)
    album_id = _album(me, photo_count=1)
    try:
        albums.add_photos(album_id, me, [(photos.prepare(FakeUpload(small_photo())), "")] * 2)
    except albums.Refused as refused:
        assert refused.message == "1つのアルバムに入る写真は2枚までです（あと1枚入ります）。"
    else:
        raise AssertionError("a third photo went into a two-photo album")
    assert scalar("SELECT photo_count FROM albums") == 1 and len(_originals()) == 1


def test_only_the_owner_changes_an_album(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    friend = member("たろう", "taro@ezweb.ne.jp")
    friends.befriend(me, friend)
    album_id = _album(me, photo_count=1)
    photo_id = scalar("SELECT id FROM photos")
    pc = client(PC)
    pc.login("taro@ezweb.ne.jp")
    page = pc.page(f"/album/{album_id}")
    assert "写真を追加する" not in page.text and "編集する" not in page.text
    assert f"/report/album/{album_id}" in page.text  # 通報, for those who are not its owner
    for path in (f"/album/{album_id}/edit", f"/album/{album_id}/delete", f"/album/{album_id}/photos/add",
                 f"/album/{album_id}/photo/{photo_id}/delete"):
        assert pc.page(path, status=404).status_int == 404, path
    assert not albums.delete_album(album_id, friend) and not albums.delete_photo(album_id, friend, photo_id)
    assert not albums.set_cover(album_id, friend, photo_id)
    assert not albums.update_album(album_id, friend, albums.Draft("乗っ取り", "", EVERYONE, None))
    assert scalar("SELECT title FROM albums") == "旅行" and scalar("SELECT COUNT(*) FROM photos") == 1


#: Who may see an album of each audience (the friend is in the owner's group), written down.
SEEN_BY = {
    EVERYONE: {"self", "friend", "other_friend", "friend_of_friend", "stranger"},
    FRIENDS_OF_FRIENDS: {"self", "friend", "other_friend", "friend_of_friend"},
    FRIENDS: {"self", "friend", "other_friend"},
    GROUP: {"self", "friend"},
    PRIVATE: {"self"},
}


def test_each_audience_reaches_exactly_its_viewers_on_every_page_and_photo(client, member):
    owner = member("持ち主", "owner@docomo.ne.jp")
    viewers = {"self": owner, "friend": member(), "other_friend": member(), "friend_of_friend": member(),
               "stranger": member(), "blocked": member(), "blocker": member()}
    friends.befriend(owner, viewers["friend"])
    friends.befriend(owner, viewers["other_friend"])
    friends.befriend(viewers["friend"], viewers["friend_of_friend"])
    friends.befriend(viewers["friend"], viewers["blocked"])
    friends.befriend(viewers["friend"], viewers["blocker"])
    block(owner, viewers["blocked"])
    block(viewers["blocker"], owner)
    group = make_group(owner, "親友", [viewers["friend"]])
    made = {}
    for audience in SEEN_BY:
        title = f"album{audience}{secrets.token_hex(3)}"
        album_id = _album(owner, title, audience, group if audience == GROUP else None, photo_count=1)
        made[audience] = (album_id, title, scalar("SELECT MAX(id) FROM photos"))
    for relation, viewer in viewers.items():
        pc = client(PC)
        from sitewalk import start_session
        start_session(pc, viewer)
        listing = pc.get(f"/member/{owner}/albums", status="*")
        for audience, (album_id, title, photo_id) in made.items():
            allowed = relation in SEEN_BY[audience]
            assert (title in listing.text) == allowed, (relation, audience)
            page = pc.get(f"/album/{album_id}", status="*")
            assert page.status_int == (200 if allowed else 404), (relation, audience)
            assert pc.get(f"/photo/{photo_id}", status="*").status_int == (200 if allowed else 404), (relation, audience)
            shown = pc.get(f"/album/{album_id}/photo/{photo_id}", status="*").status_int
            assert shown == (200 if allowed else 404), (relation, audience)
            assert albums.may_view(viewer, album_id) == allowed
    # Leaving the friendship leaves the group's audience.
    friends.unfriend(owner, viewers["friend"])
    assert not albums.may_view(viewers["friend"], made[GROUP][0])


def test_comments_post_delete_and_hide_blocked_and_suspended_writers(client, member):
    owner = member("持ち主", "owner@docomo.ne.jp")
    friend = member("友人", "friend@docomo.ne.jp")
    commenter = member("書き手", "writer@docomo.ne.jp")
    blocked = member("ブロックされた", "blocked@docomo.ne.jp")
    blocker = member("ブロックした", "blocker@docomo.ne.jp")
    suspended = member("停止中", "suspended@docomo.ne.jp")
    album_id = _album(owner)
    for who in (friend, commenter, blocked, blocker, suspended):
        assert comments.add_comment(who, album_id, f"{who}のコメント") is not None
    block(owner, blocked)
    block(blocker, owner)
    block(friend, commenter)  # a third party's block: the friend no longer sees the commenter's
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (suspended,))

    pc = client(PC)
    pc.login("owner@docomo.ne.jp")
    page = pc.page(f"/album/{album_id}")
    shown = set(re.findall(r'<li id="c(\d+)"', page.text))
    assert "<h2>コメント（2）</h2>" in page.text and len(shown) == 2
    assert f"{blocked}のコメント" not in page.text and f"{suspended}のコメント" not in page.text
    assert "（写真 0枚・コメント 2）" in pc.page(f"/member/{owner}/albums").text
    friend_pc = client(PC)
    friend_pc.login("friend@docomo.ne.jp")
    page = friend_pc.page(f"/album/{album_id}")
    assert "<h2>コメント（3）</h2>" in page.text and f"{commenter}のコメント" not in page.text
    assert "（写真 0枚・コメント 3）" in friend_pc.page(f"/member/{owner}/albums").text
    hidden = scalar("SELECT id FROM album_comments WHERE author_id = ?", (commenter,))
    assert comments.comment_to_delete(friend, album_id, hidden) is None

    # The friend writes one and deletes it; cannot delete another's; the owner deletes anyone's.
    posted = friend_pc.submit(page, body="すてきな写真！")
    assert posted.status_int == 303
    mine = scalar("SELECT MAX(id) FROM album_comments WHERE author_id = ?", (friend,))
    theirs = scalar("SELECT id FROM album_comments WHERE author_id = ?", (blocker,))
    assert friend_pc.page(f"/album/{album_id}/comment/{theirs}/delete", status=404).status_int == 404
    friend_pc.submit(friend_pc.page(f"/album/{album_id}/comment/{mine}/delete"))
    assert scalar("SELECT COUNT(*) FROM album_comments WHERE id = ?", (mine,)) == 0
    on_friend = scalar("SELECT id FROM album_comments WHERE author_id = ?", (friend,))
    pc.submit(pc.page(f"/album/{album_id}/comment/{on_friend}/delete"))
    assert scalar("SELECT COUNT(*) FROM album_comments WHERE author_id = ?", (friend,)) == 0
    assert scalar("SELECT comment_count FROM albums") == 4
    # A comment hidden from the owner by a block is not found by its id either.
    assert pc.page(f"/album/{album_id}/comment/{theirs}/delete", status=404).status_int == 404
    empty = pc.submit(pc.page(f"/album/{album_id}"), body="  ")
    assert "コメントを入力してください" in empty.text and scalar("SELECT comment_count FROM albums") == 4


def test_home_shows_friends_new_albums_the_viewer_may_see(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    close = member("たろう", "taro@ezweb.ne.jp")
    distant = member("ゆき", "yuki@softbank.ne.jp")
    stranger = member("けん", "ken@docomo.ne.jp")
    friends.befriend(me, close)
    friends.befriend(me, distant)
    _album(close, "たろうの公開アルバム", EVERYONE)
    _album(close, "たろうの非公開アルバム", PRIVATE)
    _album(distant, "ゆきのグループアルバム", GROUP, make_group(distant, "家族", []))
    _album(distant, "ゆきの友人アルバム", FRIENDS)
    _album(stranger, "他人のアルバム", EVERYONE)
    _album(me, "わたしのアルバム", EVERYONE)
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    home = pc.page("/")
    assert "友人の最新アルバム" in home.text
    assert home.text.index("ゆきの友人アルバム") < home.text.index("たろうの公開アルバム")
    for hidden in ("たろうの非公開アルバム", "ゆきのグループアルバム", "他人のアルバム", "わたしのアルバム"):
        assert hidden not in home.text, hidden
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    text = phone.text(phone.page("/"))
    assert "友人の最新ｱﾙﾊﾞﾑ" in text and "ゆきの友人アルバム" in text and "たろうの公開アルバム" in text
    assert "ゆきのグループアルバム" not in text and "たろうの非公開アルバム" not in text


def test_home_finds_the_newest_albums_among_many_friends(member):
    """Friends whose newest albums are older than the five shown are never read; an album a
    head friend's group hides leaves its place to the next one the viewer may see."""
    me = member()
    made = []
    for n in range(30):
        friend = member()
        friends.befriend(me, friend)
        made.append(_album(friend, f"album{n}", EVERYONE))
    hidden_group = make_group(friend, "秘密", [])
    _album(friend, "hidden", GROUP, hidden_group)  # the newest of all: the viewer is not in the group
    assert [a.title for a in albums.friends_new_albums(me)] == ["album29", "album28", "album27", "album26", "album25"]


def test_handsets_see_thumbnails_or_links_by_budget_and_upload_or_are_sent_to_mail(client, member, settings, app):
    import dataclasses

    from keitai.app import create_app

    me = member("さくら", "sakura@docomo.ne.jp")
    album_id = _album(me, "旅行", photo_count=2, captions=("富士山", ""))
    first, second = [r[0] for r in fetchall("SELECT id FROM photos ORDER BY position")]

    old = client(DOCOMO_1)  # i-mode 1.0: a 20 KB page, no file fields
    old.login("sakura@docomo.ne.jp")
    page = old.text(old.page(f"/album/{album_id}"))
    assert "<img" not in page and f"/album/{album_id}/photo/{first}?" in page and "📷" not in page.split("<hr>")[0]
    assert "富士山" in page
    for href in re.findall(r'href="(/[^"]*)"', page):
        assert f"sid={old.sid}" in href, href
    add = old.text(old.page(f"/album/{album_id}/photos/add"))
    assert 'type="file"' not in add and "ﾍﾟｰｼﾞで写真を送れません" in add and "PCやｽﾏｰﾄﾌｫﾝから" in add
    photo_page = old.page(f"/album/{album_id}/photo/{first}")
    assert f'src="/photo/{first}?sid={old.sid}"' in old.text(photo_page)
    image = old.get(f"/photo/{first}?sid={old.sid}")
    spec = photos.spec_for(image.request.environ["keitai.device"], "m")
    assert image.content_type == "image/" + spec.fmt and len(image.body) <= spec.max_bytes

    # With mail posting on, the handset that cannot upload is pointed to it.
    mail_app = create_app(dataclasses.replace(settings, mail_domain="keitai.example.jp"), connect=False)
    from conftest import Client
    mailing = Client(mail_app, DOCOMO_1)
    mailing.login("sakura@docomo.ne.jp")
    assert "/settings/post" in mailing.text(mailing.page(f"/album/{album_id}/photos/add"))

    new = client(IMODE_2)
    new.login("sakura@docomo.ne.jp")
    page = new.text(new.page(f"/album/{album_id}"))
    assert f'<img src="/photo/{first}?size=s' in page and f'<img src="/photo/{second}?size=s' in page
    form = new.page(f"/album/{album_id}/photos/add").forms[0]
    assert form.enctype == "multipart/form-data"


def test_a_shift_jis_handset_uploads_with_its_caption_in_cp932(client, member):
    """The add-photo form comes back as multipart in the page's charset (Shift_JIS)."""
    me = member("さくら", "sakura@docomo.ne.jp")
    album_id = _album(me)
    phone = client(IMODE_2)
    phone.login("sakura@docomo.ne.jp")
    page = phone.page(f"/album/{album_id}/photos/add")
    assert page.headers["Content-Type"] == "text/html; charset=Shift_JIS"
    form = page.forms[0]
    boundary = "----keitaialbum" + secrets.token_hex(6)
    parts = [(b"csrf", form["csrf"].value.encode()), (b"caption1", "富士山と湖".encode("cp932"))]
    body = b"".join(b"--" + boundary.encode() + b'\r\nContent-Disposition: form-data; name="' + k + b'"\r\n\r\n'
                    + v + b"\r\n" for k, v in parts)
    body += (b"--" + boundary.encode() + b'\r\nContent-Disposition: form-data; name="photo1"; filename="a.jpg"\r\n'
             b"Content-Type: image/jpeg\r\n\r\n" + small_photo() + b"\r\n--" + boundary.encode() + b"--\r\n")
    sent = phone.post(form.action, params=body,
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert sent.status_int == 303, phone.text(sent)
    assert scalar("SELECT caption FROM photos") == "富士山と湖"


def test_reports_of_albums_and_their_comments_reach_the_operator_and_take_down_deletes(client, member):
    from keitai.reports import rules as reports

    owner = member("持ち主", "owner@docomo.ne.jp")
    friend = member("友人", "friend@docomo.ne.jp")
    friends.befriend(owner, friend)
    album_id = _album(owner, "問題のアルバム", FRIENDS, photo_count=1)
    comment_id = comments.add_comment(friend, album_id, "問題のコメント")
    pc = client(PC)
    pc.login("owner@docomo.ne.jp")
    assert f"/report/album_comment/{comment_id}" in pc.page(f"/album/{album_id}").text
    assert reports.KINDS["album"].may_see(friend, album_id)
    assert not reports.KINDS["album"].may_see(member(), album_id)  # a stranger may not report what they cannot see
    found = reports.KINDS["album_comment"].find(comment_id)
    assert (found.author_id, found.body, found.route) == (friend, "問題のコメント", "albums.album")
    reports.KINDS["album_comment"].take_down(comment_id, owner)
    assert scalar("SELECT comment_count FROM albums") == 0
    reports.KINDS["album"].take_down(album_id, owner)
    assert scalar("SELECT COUNT(*) FROM albums") == 0 and _originals() == []
