"""Profile photos and community photos: uploaded from a PC, stripped, shown on the profile or
community page only to those the owner's audience (and blocks) allow; replaced and removed."""
from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from webtest import Upload

from conftest import DOCOMO_1_5K, GATEWAY_IP, PC
from diary_helpers import member  # noqa: F401  (fixture)
from keitai import config
from keitai.platform.db.connection import fetchall, scalar
from keitai.accounts.models import Member
from keitai.friends import blocks
from keitai import communities
from keitai.friends import rules as friends


def _camera_jpeg(width=200, height=150) -> bytes:
    """A small camera JPEG with a GPS position and a maker in its EXIF."""
    image = Image.new("RGB", (width, height), (30, 120, 200))
    image.paste((240, 200, 10), (0, 0, width // 3, height))
    exif = Image.Exif()
    exif[0x010F] = "KeitaiCam"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (35.0, 39.0, 29.0), "E", (139.0, 44.0, 28.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert b"KeitaiCam" in data and b"Exif" in data
    return data


def _files() -> list[Path]:
    root = Path(config.get().media_dir) / "photos"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _upload_profile_photo(pc, data: bytes | None = None):
    form = pc.page("/settings/photo").forms[0]
    assert form.enctype == "multipart/form-data"
    form["photo"] = Upload("camera.jpg", data or _camera_jpeg(), "image/jpeg")
    response = form.submit()
    assert response.status_int == 303
    return response.follow()


def _photo_on(page_text: str) -> int | None:
    found = re.search(r'/photo/(\d+)', page_text)
    return int(found.group(1)) if found else None


def test_profile_photo_uploaded_stripped_and_shown_within_its_audience(client, member):
    owner = member("さくら", "sakura@example.jp", aud_photo="friends")
    friend = member("ゆき", "yuki@example.jp")
    stranger = member("たろう", "taro@example.jp")
    blocked = member("じろう", "jiro@example.jp")
    friends.befriend(owner, friend)
    friends.befriend(owner, blocked)
    blocks.block(owner, blocked)

    pc = client(PC)
    pc.login("sakura@example.jp")
    assert "/settings/photo" in pc.page("/settings").text
    page = _upload_profile_photo(pc)
    assert "写真を載せました" in page.text
    photo_id = scalar("SELECT photo_id FROM members WHERE id = ?", (owner,))
    assert photo_id and fetchall("SELECT kind, ref_id, owner_id FROM photos") == [("profile", owner, owner)]

    # Stripped: no EXIF, no GPS, no maker, in the stored file nor in what is served.
    [stored] = _files()
    for data in (stored.read_bytes(), pc.get(f"/photo/{photo_id}").body):
        assert b"KeitaiCam" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and not image.getexif().get_ifd(0x8825)

    # The owner sees it on their profile; so does a friend, as the PC rendition.
    assert _photo_on(pc.page(f"/member/{owner}").text) == photo_id
    viewer = client(PC)
    viewer.login("yuki@example.jp")
    profile = viewer.page(f"/member/{owner}")
    assert f"/photo/{photo_id}?size=s" in profile.text
    image = viewer.get(f"/photo/{photo_id}?size=s")
    assert image.content_type == "image/jpeg"

    # A stranger (aud_photo is friends) sees no photo and gets a 404 for its URL.
    other = client(PC)
    other.login("taro@example.jp")
    assert _photo_on(other.page(f"/member/{owner}").text) is None
    other.get(f"/photo/{photo_id}", status=404)
    other.get(f"/photo/{photo_id}/view", status=404)
    # Nor does the owner's preview as a stranger show it.
    assert _photo_on(pc.page(f"/member/{owner}?as=stranger").text) is None

    # A blocked member, although a friend, sees neither the profile nor the photo.
    shut_out = client(PC)
    shut_out.login("jiro@example.jp")
    shut_out.get(f"/member/{owner}", status=404)
    shut_out.get(f"/photo/{photo_id}", status=404)

    # Signed out: nothing.
    client(PC).get(f"/photo/{photo_id}", status=404)

    # Opened to everyone, the stranger sees it.
    Member.update(aud_photo="everyone").where(Member.id == owner).execute()
    assert _photo_on(other.page(f"/member/{owner}").text) == photo_id
    other.get(f"/photo/{photo_id}", status=200)
    assert stranger and friend


def _photo_ids(member_id: int) -> list[int]:
    return [r[0] for r in fetchall("SELECT id FROM photos WHERE kind = 'profile' AND ref_id = ? ORDER BY id", (member_id,))]


def _main(member_id: int) -> int | None:
    return scalar("SELECT photo_id FROM members WHERE id = ?", (member_id,))


def test_up_to_three_photos_one_of_them_the_main_one(client, member):
    owner = member("さくら", "sakura@example.jp")
    pc = client(PC)
    pc.login("sakura@example.jp")
    for side in (200, 160, 120):
        page = _upload_profile_photo(pc, _camera_jpeg(side, side))
    first, second, third = _photo_ids(owner)
    assert _main(owner) == first  # the first stays the main one
    assert len(_files()) == 3
    # Full: the page says so and has no upload form; a fourth sent anyway is refused, nothing kept.
    assert "写真は3枚載っています" in page.text and 'type="file"' not in page.text
    form = pc.page("/settings/photo").forms[0]
    token = form["csrf"].value
    refused = pc.post("/settings/photo", {"csrf": token}, upload_files=[("photo", "four.jpg", _camera_jpeg())])
    assert "プロフィール写真は3枚までです" in refused.text
    assert _photo_ids(owner) == [first, second, third] and len(_files()) == 3

    # The profile shows the main photo first, then the others.
    profile = pc.page(f"/member/{owner}").text
    shown = [int(i) for i in re.findall(r'/photo/(\d+)\?size=s', profile)]
    assert shown == [first, second, third]

    # Another is made the main one.
    page = pc.post(f"/settings/photo/{third}/main", {"csrf": token}).follow()
    assert "メインの写真にしました" in page.text and _main(owner) == third
    shown = [int(i) for i in re.findall(r'/photo/(\d+)\?size=s', pc.page(f"/member/{owner}").text)]
    assert shown == [third, first, second]

    # Taking the main one down: its files go, the first of the rest is the main one.
    pc.get(f"/photo/{third}?size=s", status=200)  # a cached rendition, to be removed too
    third_file = Path(config.get().media_dir) / "photos" / scalar("SELECT file FROM photos WHERE id = ?", (third,))
    assert third_file.exists()
    page = pc.post(f"/settings/photo/{third}/delete", {"csrf": token}).follow()
    assert "写真を外しました" in page.text
    assert _photo_ids(owner) == [first, second] and _main(owner) == first and len(_files()) == 2
    pc.get(f"/photo/{third}", status=404)
    cache = Path(config.get().media_dir) / "cache"
    assert not third_file.exists() and not any(third_file.stem in p.name for p in cache.rglob("*"))
    # Taking another down leaves the main one as it is.
    pc.post(f"/settings/photo/{second}/delete", {"csrf": token}).follow()
    assert _photo_ids(owner) == [first] and _main(owner) == first
    pc.post(f"/settings/photo/{first}/delete", {"csrf": token}).follow()
    assert _main(owner) is None and _files() == [] and scalar("SELECT COUNT(*) FROM photos") == 0
    assert _photo_on(pc.page(f"/member/{owner}").text) is None


def test_no_one_chooses_or_removes_another_members_photo(client, member):
    owner = member("さくら", "sakura@example.jp")
    member("たろう", "taro@example.jp")
    pc = client(PC)
    pc.login("sakura@example.jp")
    _upload_profile_photo(pc)
    _upload_profile_photo(pc, _camera_jpeg(100, 100))
    first, second = _photo_ids(owner)

    other = client(PC)
    other.login("taro@example.jp")
    token = other.page("/settings/photo").forms[0]["csrf"].value
    for action in ("main", "delete"):
        page = other.post(f"/settings/photo/{second}/{action}", {"csrf": token})
        assert "この写真はもうありません" in page.text
    assert _photo_ids(owner) == [first, second] and _main(owner) == first and len(_files()) == 2

    # Sending the form with no file says so; a file that is no image is refused; nothing changes.
    response = pc.page("/settings/photo").forms[0].submit()
    assert "写真のファイルを選んでください" in response.text
    form = pc.page("/settings/photo").forms[0]
    form["photo"] = Upload("notes.jpg", b"this is not a photo", "image/jpeg")
    assert "写真として読み取れない" in form.submit().text
    assert _photo_ids(owner) == [first, second]


def test_docomo_1_sees_the_photo_link_within_5kb_and_is_told_it_cannot_upload(client, member):
    owner = member("さくら", "sakura@example.jp")
    member("ゆき", "yuki@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@example.jp")
    _upload_profile_photo(pc)
    photo_id = scalar("SELECT photo_id FROM members WHERE id = ?", (owner,))

    phone = client(DOCOMO_1_5K, ip=GATEWAY_IP["docomo"])
    phone.login("yuki@docomo.ne.jp")
    profile = phone.page(f"/member/{owner}")
    assert profile.charset.lower() in ("shift_jis", "cp932") and len(profile.body) <= 5 * 1024
    text = phone.text(profile)
    assert f"/photo/{photo_id}/view?" in text and "sid=" in text
    view = phone.page(f"/photo/{photo_id}/view")
    assert len(view.body) <= 5 * 1024
    image = phone.page(f"/photo/{photo_id}")
    assert len(image.body) <= 5 * 1024

    # Its own settings page: no file field, a message instead; within budget.
    member("はなこ", "hanako@docomo.ne.jp")
    own = client(DOCOMO_1_5K, ip=GATEWAY_IP["docomo"])
    own.login("hanako@docomo.ne.jp")
    settings = own.page("/settings/photo")
    text = own.text(settings)
    assert 'type="file"' not in text and "写真を送れません" in text
    assert len(settings.body) <= 5 * 1024
    assert own.post(own.with_sid("/settings/photo"), status="*").status_int in (200, 403)


def test_community_photo_by_its_admin_shown_and_not_changeable_by_others(client, member):
    owner = member("さくら", "sakura@example.jp")
    member("ゆき", "yuki@example.jp")
    blocked = member("じろう", "jiro@example.jp")
    pc = client(PC)
    pc.login("sakura@example.jp")
    form = pc.page("/community/new").forms[0]
    assert form.enctype == "multipart/form-data"
    form["name"], form["category"] = "猫の会", list(communities.CATEGORIES)[0]
    form["photo"] = Upload("cat.jpg", _camera_jpeg(), "image/jpeg")
    page = form.submit().follow()
    community_id, photo_id = scalar("SELECT id FROM communities"), scalar("SELECT photo_id FROM communities")
    assert photo_id and f"/photo/{photo_id}?size=s" in page.text
    assert fetchall("SELECT kind, ref_id FROM photos") == [("community", community_id)]
    [stored] = _files()
    assert b"KeitaiCam" not in stored.read_bytes()

    # Another member (not in it) sees it; a handset gets a link to the photo page.
    other = client(PC)
    other.login("yuki@example.jp")
    assert f"/photo/{photo_id}?size=s" in other.page(f"/community/{community_id}").text
    other.get(f"/photo/{photo_id}", status=200)
    # ... but may not change it.
    other.get(f"/community/{community_id}/edit", status=403)
    form = other.page("/community/new").forms[0]  # a form with this member's own CSRF token
    form.action = f"/community/{community_id}/edit"
    form["name"], form["category"] = "乗っ取り", list(communities.CATEGORIES)[0]
    form["photo"] = Upload("mine.jpg", _camera_jpeg(50, 50), "image/jpeg")
    form.submit(status=403)
    assert scalar("SELECT photo_id FROM communities") == photo_id

    # Blocked with the owner: no photo.
    blocks.block(owner, blocked)
    shut_out = client(PC)
    shut_out.login("jiro@example.jp")
    shut_out.get(f"/photo/{photo_id}", status=404)

    # The admin replaces it, then removes it.
    form = pc.page(f"/community/{community_id}/edit").forms[0]
    form["photo"] = Upload("cat2.jpg", _camera_jpeg(120, 90), "image/jpeg")
    form.submit().follow()
    second = scalar("SELECT photo_id FROM communities")
    assert second != photo_id and len(_files()) == 1
    other.get(f"/photo/{photo_id}", status=404)
    form = pc.page(f"/community/{community_id}/edit").forms[0]
    form["remove_photo"] = True
    form.submit().follow()
    assert scalar("SELECT photo_id FROM communities") is None and _files() == []
