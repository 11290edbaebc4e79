"""Photos: real images only, metadata stripped, kept under media_dir, and served per device
within its budget (docomo i-mode 1.0 handsets and PCs), only to an entry's readers."""
from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from webtest import Upload

from conftest import DOCOMO_1, DOCOMO_1_5K, PC, SOFTBANK
from diary_helpers import FakeUpload, image_bytes, member, small_photo, write_entry
from keitai import config
from keitai.platform.db.connection import fetchall, scalar
from keitai import diary as diaries
from keitai.photos import rules as photos
from keitai.platform import images
from keitai.words import Refused

DOCOMO_OLD_MOVA = "DoCoMo/1.0/N502i/c10"  # GIF only


def _with_metadata(width=400, height=200) -> bytes:
    """A camera photo: sideways (EXIF orientation), with GPS, a maker, XMP and a comment."""
    image = Image.new("RGB", (width, height), (200, 10, 10))
    image.paste((10, 10, 200), (0, 0, width // 4, height))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90° clockwise to show
    exif[0x010F] = "KeitaiCam"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (35.0, 39.0, 29.0), "E", (139.0, 44.0, 28.0)
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="35,39.5N"/></rdf:RDF></x:xmpmeta>')
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=xmp, comment=b"my secret place")
    return out.getvalue()


def _stored_files(kind: str = "photos") -> list[Path]:
    root = Path(config.get().media_dir) / kind
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_pc_uploads_three_photos_stripped_of_metadata(client, member):
    member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.page("/diary/new").forms[0]
    assert form.enctype == "multipart/form-data"
    form["title"], form["body"] = "旅行", "写真です"
    form["photo1"] = Upload("camera.jpg", _with_metadata(), "image/jpeg")
    form["photo2"] = Upload("screen.png", image_bytes(300, 200, "PNG"), "image/png")
    form["photo3"] = Upload("anim.gif", image_bytes(100, 100, "GIF"), "image/gif")
    page = form.submit().follow()
    ids = [int(i) for i in re.findall(r'/photo/(\d+)\?size=s', page.text)]
    assert len(ids) == 3 and scalar("SELECT photo_count FROM diaries") == 3

    files = _stored_files()
    assert len(files) == 3
    for path in files:
        data = path.read_bytes()
        for secret in (b"KeitaiCam", b"GPSLatitude", b"my secret place", b"Exif", b"http://ns.adobe.com"):
            assert secret not in data, (path, secret)
        with Image.open(path) as stored:
            assert stored.format == "JPEG" and not stored.getexif()
    # Turned upright by its orientation: a 400x200 sideways photo stands 200x400.
    assert fetchall("SELECT width, height FROM photos ORDER BY position")[0] == (200, 400)

    full = pc.get(f"/photo/{ids[0]}")
    assert full.content_type == "image/jpeg" and "private" in full.headers["Cache-Control"]
    for secret in (b"KeitaiCam", b"GPSLatitude", b"my secret place"):
        assert secret not in full.body
    thumb = pc.get(f"/photo/{ids[0]}?size=s")
    with Image.open(io.BytesIO(thumb.body)) as image:
        assert max(image.size) <= 240


def test_large_photo_is_kept_at_a_sane_size_and_shown_to_pc_at_960(client, member):
    me = member()
    diary_id = write_entry(me, "大きい写真")
    prepared = photos.prepare(FakeUpload(image_bytes(2000, 1500)))
    assert max(prepared.width, prepared.height) == photos.STORE_MAX_SIDE
    diaries.update_entry(diary_id, me, diaries.Draft("大きい写真", "本文", "everyone", None), [], [prepared])
    photo = scalar("SELECT id FROM photos WHERE ref_id = ?", (diary_id,))
    pc = client(PC)
    pc.login("member1@docomo.ne.jp")
    with Image.open(io.BytesIO(pc.get(f"/photo/{photo}").body)) as image:
        assert image.size == (960, 720)


@pytest.mark.parametrize("ua,fmt,max_width,budget", [
    (DOCOMO_1_5K, "JPEG", 120, 5 * 1024),  # P503i: no screen size sent, 5 KB cache
    (DOCOMO_1, "JPEG", 200, 20 * 1024),  # N505i: W20 = 200 px, 20 KB cache
    (DOCOMO_OLD_MOVA, "GIF", 120, 10 * 1024),  # before the 503i series: no JPEG
])
def test_handset_renditions_fit_screen_and_budget(client, member, ua, fmt, max_width, budget):
    me = member("さくら", "sakura@docomo.ne.jp")
    diary_id = write_entry(me, "写真")
    busy = photos.prepare(FakeUpload(image_bytes(1200, 900)))
    diaries.update_entry(diary_id, me, diaries.Draft("写真", "本文", "everyone", None), [], [busy])
    photo = scalar("SELECT id FROM photos")
    phone = client(ua)
    phone.login("sakura@docomo.ne.jp")
    page = phone.text(phone.page(f"/diary/{diary_id}"))
    assert f"/photo/{photo}/view?sid={phone.sid}" in page
    view = phone.page(f"/photo/{photo}/view")
    assert f'<img src="/photo/{photo}?sid={phone.sid}"' in phone.text(view)
    for size in ("m", "s"):
        response = phone.page(f"/photo/{photo}?size={size}")
        assert response.content_type == f"image/{fmt.lower()}"
        assert len(view.body) + len(response.body) <= budget  # the page and its photo fit the cache
        with Image.open(io.BytesIO(response.body)) as image:
            assert image.format == fmt and image.width <= max_width
            if fmt == "JPEG":
                assert "progressive" not in image.info  # baseline: what old handsets decode
    # Made once, then served from the cache.
    cached = _stored_files("cache")
    phone.page(f"/photo/{photo}")
    assert _stored_files("cache") == cached


def test_handsets_with_big_pages_see_thumbnails_small_ones_a_link(client, member):
    from keitai.profiles import rules as profiles

    me = member("さくら", "sakura@docomo.ne.jp")
    diary_id = write_entry(me, "写真")
    diaries.update_entry(diary_id, me, diaries.Draft("写真", "本文", "everyone", None), [],
                         [photos.prepare(FakeUpload(small_photo()))])
    in_entry = scalar("SELECT id FROM photos WHERE kind = 'diary'")
    on_profile = profiles.add_photo(me, photos.prepare(FakeUpload(small_photo())))
    # i-mode browser 2.0 (100 KB pages, cookies): the thumbnail inline, linking to the photo's page.
    big = client("DoCoMo/2.0 P906i(c500;TB;W24H15)")
    big.login("sakura@docomo.ne.jp")
    for path, photo in ((f"/diary/{diary_id}", in_entry), (f"/member/{me}", on_profile)):
        page = big.text(big.page(path))
        assert f'<a href="/photo/{photo}/view"><img src="/photo/{photo}?size=s"' in page
    # mova with a 20 KB cache: a link only.
    small = client(DOCOMO_1)
    small.login("sakura@docomo.ne.jp")
    for path, photo in ((f"/diary/{diary_id}", in_entry), (f"/member/{me}", on_profile)):
        page = small.text(small.page(path))
        assert re.search(f'<a href="/photo/{photo}/view\\?sid={small.sid}">[^<]*写真', page) and "<img" not in page
        # The photo's page leads back to where it was shown.
        assert f'<a href="{path}?sid={small.sid}" accesskey="1">[1]戻る' in small.text(small.page(f"/photo/{photo}/view"))


def test_non_images_and_bombs_are_refused_and_the_text_kept(client, member):
    member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    for name, data, message in (
        ("evil.jpg", b"<script>alert(1)</script>" * 10, "写真として読み取れない"),
        ("broken.jpg", image_bytes(200, 200)[:300], "写真として読み取れない"),
        ("bomb.png", _bomb(), "画素数が大きすぎます"),
    ):
        form = pc.page("/diary/new").forms[0]
        form["title"], form["body"] = "題", "消えない本文"
        form["photo1"] = Upload(name, data, "image/jpeg")
        page = form.submit()
        assert page.status_int == 200, name
        assert message in page.text and "消えない本文" in page.text and "もう一度選んでください" in page.text
    assert scalar("SELECT COUNT(*) FROM diaries") == 0
    assert _stored_files() == []


def _bomb() -> bytes:
    """A tiny PNG that claims 20000 x 20000 pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")


def test_oversized_upload_is_refused(member, monkeypatch):
    monkeypatch.setattr(photos, "MAX_UPLOAD_BYTES", 10_000)
    with pytest.raises(Refused) as refused:
        photos.prepare(FakeUpload(image_bytes(400, 400, "PNG")))
    assert refused.value.code == "photos.too_large"


def test_edit_removes_and_adds_photos_up_to_three(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    diary_id = write_entry(me, "写真日記", with_photo=True)
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.page(f"/diary/{diary_id}/edit").forms[0]
    form["photo1"] = Upload("a.jpg", small_photo(), "image/jpeg")
    form["photo2"] = Upload("b.jpg", small_photo(), "image/jpeg")
    form["photo3"] = Upload("c.jpg", small_photo(), "image/jpeg")
    page = form.submit()
    assert "3枚まで" in page.text
    assert scalar("SELECT COUNT(*) FROM photos") == 1

    first = scalar("SELECT id FROM photos")
    pc.get(f"/photo/{first}")  # leaves a cached rendition behind
    form = pc.page(f"/diary/{diary_id}/edit").forms[0]
    form.get("remove_photo", index=0).checked = True
    form["photo1"] = Upload("a.jpg", small_photo(), "image/jpeg")
    form["photo2"] = Upload("b.jpg", small_photo(), "image/jpeg")
    form["photo3"] = Upload("c.jpg", small_photo(), "image/jpeg")
    assert form.submit().status_int == 303
    assert [r[0] for r in fetchall("SELECT position FROM photos ORDER BY position")] == [1, 2, 3]
    assert scalar("SELECT photo_count FROM diaries") == 3
    assert len(_stored_files()) == 3 and _stored_files("cache") == []
    assert pc.get(f"/photo/{first}", status=404).status_int == 404


def test_deleting_an_entry_deletes_its_photo_files(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    diary_id = write_entry(me, "消す日記", with_photo=True)
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    pc.get(f"/photo/{scalar('SELECT id FROM photos')}?size=s")
    assert _stored_files() and _stored_files("cache")
    pc.submit(pc.page(f"/diary/{diary_id}/delete"))
    assert _stored_files() == [] and _stored_files("cache") == []
    assert scalar("SELECT COUNT(*) FROM photos") == 0


def test_softbank_3g_uploads_from_the_handset(client, member):
    member("ゆき", "yuki@softbank.ne.jp")
    phone = client(SOFTBANK)
    phone.login("yuki@softbank.ne.jp")
    form = phone.page("/diary/new").forms[0]
    assert form.enctype == "multipart/form-data"
    form["title"], form["body"] = "ケータイから", "写メです"
    form["photo1"] = Upload("sh.jpg", small_photo(), "image/jpeg")
    assert form.submit().status_int == 303
    assert scalar("SELECT title FROM diaries") == "ケータイから"
    assert scalar("SELECT COUNT(*) FROM photos") == 1


def test_photos_of_unknown_kinds_are_shown_to_no_one(member):
    me = member()
    photos.add_rows(me, "no-such-kind", 1, photos.write_files([photos.prepare(FakeUpload(small_photo()))]))
    assert photos.visible_photo(me, scalar("SELECT id FROM photos")) is None


def test_photo_kinds_are_what_the_installed_features_register(settings, monkeypatch):
    from keitai.app import create_app

    monkeypatch.setattr(photos, "_kinds", {})
    create_app(settings, connect=False)
    assert {kind: (k.route, k.id_name) for kind, k in photos._kinds.items()} == {
        "diary": ("diary.entry", "diary_id"), "profile": ("profile.profile", "member_id"),
        "community": ("communities.community", "community_id"), "topic": ("communities.topic", "topic_id"),
        "topic_comment": ("communities.comment_link", "comment_id"),
        "album": ("albums.album", "album_id")}


def test_capabilities_by_handset():
    from keitai.platform.device import detect

    def device(ua):
        return detect({"HTTP_USER_AGENT": ua, "REMOTE_ADDR": "192.0.2.1"}, check_gateway=False)

    assert not device(DOCOMO_1).can_upload and not device(DOCOMO_1_5K).can_upload
    assert device("DoCoMo/2.0 P906i(c500;TB;W24H15)").can_upload
    assert device(SOFTBANK).can_upload and device(PC).can_upload
    assert not device("KDDI-SA31 UP.Browser/6.2.0.7.3.129 (GUI) MMP/2.0").can_upload
    assert device("KDDI-CA3H UP.Browser/7.2.7.2.372 (GUI) MMP/2.0").can_upload
    assert device(DOCOMO_OLD_MOVA).image_formats == ("gif",)
    assert device("DoCoMo/1.0/D209i/c10").image_formats == ("gif",)
    assert device(DOCOMO_1).image_formats[0] == "jpeg"
    assert device("DoCoMo/2.0 N2001(c10)").image_formats[0] == "jpeg"
    assert photos.spec_for(device(DOCOMO_OLD_MOVA), "m").fmt == "gif"
    # Thumbnails inline only where the page budget has room for them (a 20 KB i-mode page has not).
    assert not device(DOCOMO_1).inline_images and not device(SOFTBANK).inline_images
    assert device("DoCoMo/2.0 P906i(c500;TB;W24H15)").inline_images and device(PC).inline_images
    hdml = device("UP.Browser/3.04-KCTA UP.Link/3.4.5.9")
    spec = photos.spec_for(hdml, "m")
    assert spec.fmt == "png" and spec.max_bytes == 2 * 1024
    png = images.fit(Image.open(io.BytesIO(image_bytes(640, 480))).convert("RGB"), spec)
    assert len(png) <= 2 * 1024 and Image.open(io.BytesIO(png)).format == "PNG"


def test_a_missing_original_is_a_404_not_an_error(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    write_entry(me, "写真", with_photo=True)
    for path in _stored_files():
        path.unlink()
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    assert pc.get(f"/photo/{scalar('SELECT id FROM photos')}", status=404).status_int == 404
