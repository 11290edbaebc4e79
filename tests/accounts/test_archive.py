"""データのダウンロード: a member asks for an archive of what they wrote from the settings (on a
PC), gets a zip with a page they can read offline, JSON and their photos; a large account's
is made by ``run.py archives``; only its member fetches it, and it expires."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from conftest import DOCOMO_1, PC
from diary_helpers import FakeUpload, small_photo, write_entry
from keitai.albums import comments as album_comments
from keitai.albums import rules as albums
from keitai.photos import rules as photos
from keitai import diary as diaries
from keitai.accounts import archive
from keitai.messages import rules as messages
from keitai.platform.db.connection import execute, scalar
from sitewalk import cheap_passwords, quick_member, start_session  # noqa: F401


def _member_with_writing(client):
    me = quick_member("書く人", "writer@docomo.ne.jp")
    friend = quick_member("友人", "friend@docomo.ne.jp")
    entry = write_entry(me, "海へ行った日", body="砂浜を歩いた。\n貝を拾った。", with_photo=True)
    theirs = write_entry(friend, "友人の日記")
    diaries.add_comment(me, theirs, "いいですね")
    messages.send(me, friend, "こんにちは", "元気ですか")
    album = albums.create_album(me, albums.Draft("夏のアルバム", "海の写真", "friends", None))
    albums.add_photos(album, me, [(photos.prepare(FakeUpload(small_photo())), "夕焼け")])
    album_comments.add_comment(me, albums.create_album(friend, albums.Draft("友人のアルバム", "", "everyone", None)),
                               "すてきです")
    pc = client(PC)
    start_session(pc, me)
    return me, friend, entry, pc


def _zip(response) -> zipfile.ZipFile:
    assert response.content_type == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.body))


def test_a_small_account_downloads_its_archive_at_once(app, client, cheap_passwords):  # noqa: F811
    me, _friend, entry, pc = _member_with_writing(client)
    page = pc.get("/settings")
    assert "データのダウンロード" in page.text
    done = pc.submit(pc.get("/settings/download")).follow()
    assert "データの準備ができました。" in done.text
    link = done.html.find("a", string="データをダウンロードする")["href"]
    response = pc.get(link)
    assert "attachment" in response.headers["Content-Disposition"]
    archived = _zip(response)
    photo_id = scalar("SELECT id FROM photos WHERE kind = 'diary' AND ref_id = ?", (entry,))
    album_photo = scalar("SELECT id FROM photos WHERE kind = 'album'")
    assert sorted(archived.namelist()) == ["data.json", "index.html", f"photos/{photo_id}.jpg",
                                           f"photos/{album_photo}.jpg"]
    data = json.loads(archived.read("data.json"))
    assert [row["title"] for row in data["diary"] if row["what"] == "entry"] == ["海へ行った日"]
    assert [row["body"] for row in data["diary"] if row["what"] == "comment"] == ["いいですね"]
    assert [(row["subject"], row["body"]) for row in data["messages"]] == [("こんにちは", "元気ですか")]
    assert [(row["what"], row.get("title") or row.get("caption") or row.get("body")) for row in data["albums"]] == [
        ("album", "夏のアルバム"), ("photo", "夕焼け"), ("comment", "すてきです")]
    assert "password_hash" not in json.dumps(data) and "argon2" not in json.dumps(data)
    html = archived.read("index.html").decode("utf-8")
    assert "海へ行った日" in html and "砂浜を歩いた。<br>貝を拾った。" in html
    assert f'<img src="photos/{photo_id}.jpg"' in html
    assert archived.read(f"photos/{photo_id}.jpg")[:2] == b"\xff\xd8"


def test_only_its_member_fetches_an_archive_and_only_until_it_expires(app, client, settings,
                                                                      cheap_passwords):  # noqa: F811
    me, friend, _entry, pc = _member_with_writing(client)
    pc.submit(pc.get("/settings/download"))
    archive_id = scalar("SELECT id FROM archives WHERE member_id = ?", (me,))
    other = client(PC)
    start_session(other, friend)
    assert other.get(f"/settings/download/{archive_id}", status=404).status_int == 404
    assert client(PC).get(f"/settings/download/{archive_id}", status=404).status_int == 404  # a visitor
    assert pc.get(f"/settings/download/{archive_id}").status_int == 200
    execute("UPDATE archives SET expires_at = expires_at - ? WHERE id = ?", (archive.KEEP_DAYS * 86400 + 1, archive_id))
    assert pc.get(f"/settings/download/{archive_id}", status=404).status_int == 404
    assert "データを準備する" in pc.get("/settings/download").text
    assert archive.prune() == 1
    assert list((Path(settings.media_dir) / "archives").glob("*.zip")) == []


def test_a_large_account_waits_for_the_worker(app, client, monkeypatch, cheap_passwords):  # noqa: F811
    me, _friend, _entry, pc = _member_with_writing(client)
    monkeypatch.setattr(archive, "SMALL_ROWS", 2)
    done = pc.submit(pc.get("/settings/download")).follow()
    assert "データの準備を始めました" in done.text and "データを準備しています" in done.text
    assert done.html.find("a", string="データをダウンロードする") is None
    assert "データを準備する</button>" not in done.text and "作り直す" not in done.text  # one at a time
    assert scalar("SELECT status FROM archives WHERE member_id = ?", (me,)) == "waiting"
    assert archive.build_waiting() == 1
    assert archive.build_waiting() == 0  # taken once
    ready = pc.get("/settings/download")
    link = ready.html.find("a", string="データをダウンロードする")["href"]
    assert "海へ行った日" in _zip(pc.get(link)).read("index.html").decode("utf-8")


def test_a_new_archive_replaces_the_old_one(app, client, settings, cheap_passwords):  # noqa: F811
    me, _friend, _entry, pc = _member_with_writing(client)
    pc.submit(pc.get("/settings/download"))
    first = scalar("SELECT id FROM archives WHERE member_id = ?", (me,))
    write_entry(me, "二つめの日記")
    pc.submit(pc.get("/settings/download"))
    assert scalar("SELECT COUNT(*) FROM archives WHERE member_id = ?", (me,)) == 1
    assert pc.get(f"/settings/download/{first}", status=404).status_int == 404
    assert len(list((Path(settings.media_dir) / "archives").glob("*.zip"))) == 1


def test_a_handset_is_pointed_to_a_pc(app, client, cheap_passwords):  # noqa: F811
    quick_member("携帯の人", "keitai@docomo.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("keitai@docomo.ne.jp")
    page = phone.page("/settings/download")
    assert "PCからﾀﾞｳﾝﾛｰﾄﾞできます" in phone.text(page)
    assert "<form" not in phone.text(page)
