"""/settings: the menu, profile fields and their audiences (a PC form, one field per page on
handsets), password change, and the home page's friends section."""
from __future__ import annotations

import datetime

from conftest import DOCOMO_1, PASSWORD, PC
from keitai.platform.db.connection import fetchone, scalar
from keitai.pages import settings as settings_view
from keitai.platform.web.routes import PATHS
from members_helpers import send
from members_helpers import fast_passwords  # noqa: F401  (autouse: cheap argon2 here)


def test_settings_menu_lists_every_sub_page_on_both_devices(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    for ua in (PC, DOCOMO_1):
        c = client(ua)
        home = c.login("sakura@docomo.ne.jp")
        assert "/settings" in c.text(home)
        page = c.page("/settings")
        for name, label in settings_view.MENU:
            path = PATHS[name]
            assert f'href="{path}' in c.text(page)
            sub = c.page(path)  # the sub-page itself, not the sign-in page a lost session gets
            assert sub.status_int == 200 and 'action="/login' not in c.text(sub), path


def test_pc_edits_every_field_and_audience_in_one_form(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.get("/settings/profile").forms[0]
    done = send(form, nickname="さくら🌸", gender="female", prefecture="京都府", hobbies="茶道", about="一行目\n二行目",
                real_name="佐藤さくら", aud_real_name="friends", aud_birthday="friends_of_friends",
                birth_year="1991", birth_month="3", birth_day="3", aud_friends="private").follow()
    assert "保存しました" in done.text
    row = fetchone("SELECT nickname, gender, prefecture, hobbies, about, real_name, aud_real_name, aud_birthday,"
                   " birthday, aud_friends FROM members WHERE id = ?", (me,))
    assert row[1:] == ("female", "京都府", "茶道", "一行目\n二行目", "佐藤さくら", "friends", "friends_of_friends",
                       "1991-03-03", "private")
    assert row[0].startswith("さくら")


def test_bad_profile_input_changes_nothing_and_keeps_what_was_typed(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    page = send(pc.get("/settings/profile").forms[0], hobbies="長" * 201, about="新しい自己紹介")
    assert "200文字まで" in page.text
    assert page.forms[0]["hobbies"].value == "長" * 201 and page.forms[0]["about"].value == "新しい自己紹介"
    assert scalar("SELECT hobbies FROM members WHERE id = ?", (me,)) == "カフェ"
    assert scalar("SELECT about FROM members WHERE id = ?", (me,)) == ""

    form = pc.get("/settings/profile").forms[0]
    form["aud_hobbies"].force_value("group")  # groups are for writing, not profile fields
    assert "公開範囲の選択が正しくありません" in form.submit().text
    form = pc.get("/settings/profile").forms[0]
    form["prefecture"].force_value("火星")
    assert "選択が正しくありません" in form.submit().text
    assert "ニックネームを入力" in send(pc.get("/settings/profile").forms[0], nickname="  ").text
    young = datetime.date.today().year - 10
    assert "18歳以上" in send(pc.get("/settings/profile").forms[0], birth_year=str(young)).text
    assert scalar("SELECT birthday FROM members WHERE id = ?", (me,)) == "1990-01-01"


def test_handset_edits_one_field_per_page_within_the_budget(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp", about="あ" * 3000)
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    overview = phone.page("/settings/profile")
    assert len(overview.body) <= 5 * 1024  # a long self-introduction is shortened here
    for field in settings_view.FIELD_PAGES:
        page = phone.page(f"/settings/profile/{field}")
        assert page.status_int == 200 and len(page.body) <= 20 * 1024
    page = phone.page("/settings/profile/hobbies")
    done = send(page.forms[0], hobbies="ｶﾗｵｹと散歩", aud_hobbies="friends").follow()
    assert "保存しました" in phone.text(done)
    # Half-width kana typed on the handset is stored full-width (the input layer's rule).
    assert fetchone("SELECT hobbies, aud_hobbies, about FROM members WHERE id = ?", (me,)) == ("カラオケと散歩", "friends", "あ" * 3000)
    # An error comes back on the same one-field page, with the typed value.
    again = send(phone.page("/settings/profile/real_name").forms[0], real_name="名" * 41)
    assert "40文字まで" in phone.text(again) and again.forms[0]["real_name"].value == "名" * 41
    assert 'name="field" value="real_name"' in phone.text(again)
    phone.page("/settings/profile/password", status=404)


def test_password_change_signs_out_everywhere_else(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    page = pc.get("/settings/password")
    assert "パスワードが違います" in send(page.forms[0], current="wrong", password="new-password-1", password2="new-password-1").text
    assert "一致しません" in send(page.forms[0], current=PASSWORD, password="new-password-1", password2="new-password-2").text
    done = send(page.forms[0], current=PASSWORD, password="new-password-1", password2="new-password-1").follow()
    assert "パスワードを変更しました" in done.text
    assert "ﾛｸﾞｲﾝ" in phone.text(phone.page("/settings"))  # the handset's session ended
    assert scalar("SELECT COUNT(*) FROM sessions") == 1
    client(DOCOMO_1).login("sakura@docomo.ne.jp", "new-password-1")


def test_home_shows_waiting_requests_and_links_to_friends_invite_and_settings(client, make_member):
    from keitai.friends import rules as friends

    me = make_member("さくら", "sakura@docomo.ne.jp")
    friends.request(make_member("たろう", "taro@ezweb.ne.jp"), me)
    for ua in (PC, DOCOMO_1):
        c = client(ua)
        text = c.text(c.login("sakura@docomo.ne.jp"))
        assert "友人申請" in text and "1件" in text and "/friends/requests" in text
        assert "/friends?" in text or 'href="/friends"' in text
        assert "/invite" in text and "/settings" in text
