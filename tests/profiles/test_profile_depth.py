"""Profile depth: 最終ログイン said coarsely and written cheaply, 血液型・出身地・職業・所属 each
with its own audience, edited on a PC form and on a handset one field a page."""
from __future__ import annotations

import peewee

from conftest import DOCOMO_1, PC
from diary_helpers import member  # noqa: F401  (fixture)
from keitai.friends import rules as friends
from keitai.platform.db.connection import execute, fetchone, now, scalar
from keitai.platform.web import sessions
from keitai.profiles import rules as profiles
from members_helpers import send

HOUR, DAY = 3600, 86400


def test_last_login_is_said_no_finer_than_three_hours():
    t = 1_800_000_000
    said = {ago: profiles.last_login_words(t - ago, t) for ago in (
        0, 60, 3 * HOUR, 3 * HOUR + 1, DAY, DAY + 1, 3 * DAY, 3 * DAY + 1, 7 * DAY, 7 * DAY + 1, 30 * DAY, 30 * DAY + 1)}
    assert said == {
        0: "3時間以内", 60: "3時間以内", 3 * HOUR: "3時間以内", 3 * HOUR + 1: "1日以内", DAY: "1日以内",
        DAY + 1: "3日以内", 3 * DAY: "3日以内", 3 * DAY + 1: "1週間以内", 7 * DAY: "1週間以内",
        7 * DAY + 1: "1ヶ月以内", 30 * DAY: "1ヶ月以内", 30 * DAY + 1: "1ヶ月以上前",
    }
    assert profiles.last_login_words(None, t) is None  # never signed in: no line at all


def _last_login(member_id: int) -> int | None:
    return scalar("SELECT last_login_at FROM members WHERE id = ?", (member_id,))


def test_a_visit_moves_last_login_at_most_every_ten_minutes_and_never_costs_the_page(client, member, monkeypatch):
    me = member("さくら", "sakura@example.jp")
    pc = client(PC)
    pc.login("sakura@example.jp")
    assert _last_login(me) is not None  # signing in is a login

    written = []
    real_execute = sessions.execute

    def watched(sql, params=()):
        written.append(sql)
        return real_execute(sql, params)

    monkeypatch.setattr(sessions, "execute", watched)
    five_minutes_ago = now() - 300
    execute("UPDATE members SET last_login_at = ? WHERE id = ?", (five_minutes_ago, me))
    assert pc.get("/").status_int == 200
    assert _last_login(me) == five_minutes_ago  # too recent: no write, not even an attempt
    assert not [sql for sql in written if "last_login_at" in sql and sql.startswith("UPDATE")]
    monkeypatch.undo()

    # Two processes deciding at once: the later write changes nothing.
    sessions._touch_last_login(me, five_minutes_ago + 60)
    assert _last_login(me) == five_minutes_ago

    eleven_minutes_ago = now() - 660
    execute("UPDATE members SET last_login_at = ? WHERE id = ?", (eleven_minutes_ago, me))
    before = now()
    pc.get("/")
    assert _last_login(me) >= before  # moved to this visit

    # A database too busy for the write costs a stale line, not the page.
    execute("UPDATE members SET last_login_at = ? WHERE id = ?", (eleven_minutes_ago, me))

    def busy(sql, params=()):
        if sql.startswith("UPDATE members SET last_login_at"):
            raise peewee.OperationalError("database is locked")
        return real_execute(sql, params)

    monkeypatch.setattr(sessions, "execute", busy)
    assert pc.get("/").status_int == 200
    assert _last_login(me) == eleven_minutes_ago


def test_last_login_on_the_profile_follows_its_audience(client, member):
    owner = member("さくら", "sakura@example.jp", last_login_at=now() - 2 * DAY, aud_last_login="friends")
    member("ゆき", "yuki@example.jp")
    member("たろう", "taro@example.jp")
    friends.befriend(owner, scalar("SELECT id FROM members WHERE nickname = 'ゆき'"))
    friend, stranger = client(PC), client(PC)
    friend.login("yuki@example.jp")
    stranger.login("taro@example.jp")
    assert "最終ログイン：3日以内" in friend.page(f"/member/{owner}").text
    assert "最終ログイン" not in stranger.page(f"/member/{owner}").text
    handset = client(DOCOMO_1)
    handset.login("yuki@example.jp")
    assert "最終ﾛｸﾞｲﾝ:3日以内" in handset.text(handset.page(f"/member/{owner}"))
    execute("UPDATE members SET aud_last_login = 'everyone' WHERE id = ?", (owner,))
    assert "最終ログイン：3日以内" in stranger.page(f"/member/{owner}").text


def test_pc_sets_the_new_fields_and_each_reaches_only_its_audience(client, member):
    owner = member("さくら", "sakura@example.jp")
    pal = member("ゆき", "yuki@example.jp")
    member("たろう", "taro@example.jp")
    friends.befriend(owner, pal)
    pc = client(PC)
    pc.login("sakura@example.jp")
    done = send(pc.page("/settings/profile").forms[0], blood_type="O", hometown="北海道", occupation="学生",
                affiliation="  keitai大学  文学部 ", aud_blood_type="everyone", aud_hometown="friends",
                aud_occupation="private", aud_affiliation="friends_of_friends").follow()
    assert "保存しました" in done.text
    assert fetchone("SELECT blood_type, hometown, occupation, affiliation, aud_hometown, aud_occupation,"
                    " aud_affiliation FROM members WHERE id = ?", (owner,)) == (
        "O", "北海道", "学生", "keitai大学 文学部", "friends", "private", "friends_of_friends")

    own = pc.page(f"/member/{owner}").text
    for shown in ("<dt>血液型</dt><dd>O型</dd>", "<dt>出身地</dt><dd>北海道</dd>", "<dt>職業</dt><dd>学生</dd>",
                  "<dt>所属</dt><dd>keitai大学 文学部</dd>"):
        assert shown in own
    friend, stranger = client(PC), client(PC)
    friend.login("yuki@example.jp")
    stranger.login("taro@example.jp")
    seen = friend.page(f"/member/{owner}").text
    assert "<dd>O型</dd>" in seen and "<dd>北海道</dd>" in seen and "keitai大学" in seen and "学生" not in seen
    seen = stranger.page(f"/member/{owner}").text
    assert "<dd>O型</dd>" in seen and "北海道" not in seen and "keitai大学" not in seen and "学生" not in seen


def test_a_choice_not_on_the_list_is_refused_and_nothing_changes(client, member):
    owner = member("さくら", "sakura@example.jp", blood_type="A", hometown="沖縄県")
    pc = client(PC)
    pc.login("sakura@example.jp")
    form = pc.page("/settings/profile").forms[0]
    form["blood_type"].force_value("Z")
    form["hometown"].force_value("火星")
    form["affiliation"] = "所" * 61
    page = form.submit()
    text = page.text
    assert "血液型の選択が正しくありません" in text and "出身地の選択が正しくありません" in text
    assert "所属: 入力が長すぎます（60文字まで）" in text
    assert fetchone("SELECT blood_type, hometown, affiliation FROM members WHERE id = ?", (owner,)) == ("A", "沖縄県", "")


def test_a_handset_edits_one_new_field_a_page(client, member):
    owner = member("さくら", "sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    menu = phone.text(phone.page("/settings/profile"))
    for name in ("blood_type", "hometown", "occupation", "affiliation", "last_login"):
        assert f"/settings/profile/{name}?" in menu
    page = phone.page("/settings/profile/occupation")
    assert page.charset.lower() in ("shift_jis", "cp932") and "sid=" in phone.text(page)
    send(page.forms[0], occupation="自営業", aud_occupation="friends").follow()
    page = phone.page("/settings/profile/affiliation")
    send(page.forms[0], affiliation="喫茶さくら").follow()
    page = phone.page("/settings/profile/last_login")
    send(page.forms[0], aud_last_login="private").follow()
    assert fetchone("SELECT occupation, aud_occupation, affiliation, aud_last_login FROM members WHERE id = ?",
                    (owner,)) == ("自営業", "friends", "喫茶さくら", "private")
