"""Photos from the handset's own diary form (issue 17 N): an au WIN handset and a docomo i-mode
browser 2.0 handset, each from its carrier's gateway, post the new-diary form as
multipart/form-data in Shift_JIS as they do, with their own emoji codes and a photo; a docomo
i-mode 1.0 handset, which cannot send files from a page, gets no file field but the pointer to
posting by mail."""
from __future__ import annotations

import secrets

import pytest

from conftest import DOCOMO_1, GATEWAY_IP, Client
from diary_helpers import member, small_photo  # noqa: F401  (fixture)
from keitai.platform.db.connection import fetchall, scalar
from mail_helpers import mail_app  # noqa: F401  (fixture)

AU_WIN = "KDDI-CA3H UP.Browser/7.2.7.2.372 (GUI) MMP/2.0"
DOCOMO_2 = "DoCoMo/2.0 P906i(c500;TB;W24H15)"


def _multipart(fields: list[tuple[str, bytes]], photo: tuple[str, bytes]) -> tuple[bytes, str]:
    """The body a handset sends: each text field's bytes as typed (no charset label, as
    handsets send them), then the photo's part."""
    boundary = "----handset" + secrets.token_hex(6)
    out = b""
    for name, value in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").encode() + value + b"\r\n"
    name, data = photo
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"photo.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("ua, carrier, mail, sun", [
    (AU_WIN, "au", "yuki@ezweb.ne.jp", b"\xf6\x60"),  # au's Shift_JIS sun
    (DOCOMO_2, "docomo", "yuki@docomo.ne.jp", b"\xf8\x9f"),  # docomo's
], ids=["au-win", "docomo-browser-2"])
def test_a_handset_posts_a_diary_with_a_photo_from_its_own_form(client, member, ua, carrier, mail, sun):  # noqa: F811
    member("ゆき", mail)
    phone = client(ua, ip=GATEWAY_IP[carrier])
    phone.login(mail)
    page = phone.page("/diary/new")
    assert page.headers["Content-Type"] == "text/html; charset=Shift_JIS"
    form = page.forms[0]
    assert form.enctype == "multipart/form-data"
    assert [f.name for f in form.fields.get("photo1", [])] == ["photo1"]
    assert b'<input type="file" name="photo1">' in page.body

    typed = {"title": "海へ行った".encode("cp932") + sun,
             "body": "砂浜を歩いた。\r\nｶﾒﾗで撮った".encode("cp932") + sun + "～".encode("cp932")}
    fields = [(name, typed.get(name, str(value).encode("ascii"))) for name, value in form.submit_fields()
              if name not in ("title", "body")] + list(typed.items())
    body, content_type = _multipart(fields, ("photo1", small_photo()))
    done = phone.post(form.action, body, headers={"Content-Type": content_type})
    assert done.status_int == 303, phone.text(done)

    # Stored as any typed text is: the carrier's sun as ☀, half-width kana full-width, the line
    # break as \n, the Shift_JIS wave dash (0x8160) as 〜 U+301C.
    title, text = fetchall("SELECT title, body FROM diaries")[0]
    assert title == "海へ行った\u2600"
    assert text == "砂浜を歩いた。\nカメラで撮った\u2600\u301c"
    diary_id = scalar("SELECT id FROM diaries")
    assert fetchall("SELECT kind, ref_id FROM photos") == [("diary", diary_id)]
    entry = phone.page(f"/diary/{diary_id}")
    assert "海へ行った".encode("cp932") + sun in entry.body  # back in the handset's own emoji code


def test_a_docomo_browser_1_handset_gets_no_file_field_but_the_way_to_post_by_mail(mail_app, member):  # noqa: F811
    member("ゆき", "yuki@docomo.ne.jp")
    phone = Client(mail_app, DOCOMO_1, GATEWAY_IP["docomo"])
    phone.login("yuki@docomo.ne.jp")
    page = phone.page("/diary/new")
    text = phone.text(page)
    assert page.forms[0].enctype != "multipart/form-data"
    assert 'type="file"' not in text
    assert "この機種からはﾍﾟｰｼﾞで写真を送れません" in text
    assert f'<a href="/settings/post?sid={phone.sid}">ﾒｰﾙで投稿</a>すると写真を添付できます' in text
