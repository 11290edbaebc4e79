"""Footprints (足あと): recording, the five-minute window, labels, opt-out, blocking, pruning."""
from __future__ import annotations

import re

import run
from conftest import DOCOMO_1, DOCOMO_1_5K, PC
from keitai.platform.db import connection as base
from keitai.platform.db.connection import execute, fetchone, now, scalar
from keitai.footprints import rules as footprints
from keitai.friends import rules as friends
from quick import member, sign_in, submit


def plain(html: str) -> str:
    """The page's text without tags or white space."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def row(visitor, visited):
    return fetchone(
        "SELECT visited_at, counted_at, visits FROM footprints WHERE visitor_id = ? AND visited_id = ?",
        (visitor, visited),
    )


def block(blocker, blocked):
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (blocker, blocked, now()))


def test_a_profile_view_leaves_one_footprint_that_counts_once_per_window(client):
    sakura, taro = member("さくら"), member("たろう")
    pc = sign_in(client(PC), taro)
    pc.get(f"/member/{sakura}")
    pc.get(f"/member/{sakura}")
    pc.get(f"/member/{taro}")  # one's own profile leaves nothing
    assert scalar("SELECT COUNT(*) FROM footprints") == 1
    first_at, counted_at, visits = row(taro, sakura)
    assert visits == 1 and first_at - 2 <= counted_at <= first_at  # the second view, maybe a second later

    # Six minutes later (moved back in time), the visit counts again and the time moves on.
    execute("UPDATE footprints SET visited_at = visited_at - 360, counted_at = counted_at - 360")
    pc.get(f"/member/{sakura}")
    visited_at, counted_at, visits = row(taro, sakura)
    assert visits == 2 and visited_at == counted_at >= first_at

    # Four minutes after that: the time moves on, the count does not.
    execute("UPDATE footprints SET visited_at = visited_at - 240, counted_at = counted_at - 240")
    pc.get(f"/member/{sakura}")
    visited_at, counted_at, visits = row(taro, sakura)
    assert visits == 2 and visited_at - counted_at >= 240

    phone = sign_in(client(DOCOMO_1), sakura)
    page = phone.text(phone.page("/footprints"))
    assert "たろう" in page and "2回" in page and "NEW" in page


def test_record_is_one_statement(client):
    a, b = member(), member()
    statements = []
    database = base.db.obj
    original = database.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(sql, params, *args, **kwargs)

    database.execute_sql = counting
    try:
        footprints.record(a, b)
        footprints.record(a, b)
        footprints.record(a, a)
    finally:
        database.execute_sql = original
    assert len(statements) == 2 and all(s.lstrip().startswith("INSERT") for s in statements)


def test_labels_name_the_connecting_friend_only_as_far_as_audiences_allow(client):
    me = member("わたし")
    friend = member("ともこ")
    open_friend = member("ひらく")  # shows their friend list to friends
    closed_friend = member("とじる", aud_friends="private")
    via_open = member("みち")  # friend of open_friend: named
    via_closed = member("かくれ")  # friend of closed_friend only: not named
    hides_own_list = member("ひみつ", aud_friends="friends")  # friend of open_friend, list hidden from me
    stranger = member("しらない")
    for a, b in ((me, friend), (me, open_friend), (me, closed_friend), (open_friend, via_open),
                 (closed_friend, via_closed), (open_friend, hides_own_list)):
        friends.befriend(a, b)
    for visitor in (friend, via_open, via_closed, hides_own_list, stranger):
        footprints.record(visitor, me)

    queries = []
    database = base.db.obj
    original = database.execute_sql
    database.execute_sql = lambda sql, params=None, *a, **k: queries.append(sql) or original(sql, params, *a, **k)
    try:
        visits = {v.nickname: v for v in footprints.page(me).items}
    finally:
        database.execute_sql = original
    assert len(queries) <= 4  # settings, the page, its labels, marking seen: not one per row

    assert visits["ともこ"].relation == footprints.FRIEND
    assert (visits["みち"].relation, visits["みち"].via_nickname) == (footprints.FRIEND_OF_FRIEND, "ひらく")
    assert (visits["かくれ"].relation, visits["かくれ"].via_nickname) == (footprints.FRIEND_OF_FRIEND, None)
    assert (visits["ひみつ"].relation, visits["ひみつ"].via_nickname) == (footprints.FRIEND_OF_FRIEND, None)
    assert visits["しらない"].relation == footprints.NONE

    for ua in (DOCOMO_1, PC):
        browser = sign_in(client(ua), me)
        page = plain(browser.text(browser.page("/footprints")))
        assert "みち" in page and ("みち(ひらくさんの友人)" in page or "みちさん（ひらくさんの友人）" in page)
        assert "かくれ" in page and "とじる" not in page  # the private list's owner is never named
        assert "ともこ(友人)" in page or "ともこさん（友人）" in page


def test_handset_pages_ten_at_a_time_newest_first(client):
    me = member("わたし")
    visitors = [member(f"訪問者{i:02d}") for i in range(12)]
    for i, v in enumerate(visitors):
        footprints.record(v, me)
        execute("UPDATE footprints SET visited_at = ? WHERE visitor_id = ?", (now() - 1000 + i, v))
    phone = sign_in(client(DOCOMO_1_5K), me)
    first = phone.page("/footprints")
    text = phone.text(first)
    assert text.index("訪問者11") < text.index("訪問者02") and "訪問者01" not in text
    second = first.click(description="次の10件")
    text = phone.text(second)
    assert "訪問者01" in text and "訪問者00" in text and "訪問者02" not in text
    assert "次の10件" not in text


def test_new_footprints_on_home_until_looked_at(client):
    me, visitor = member("わたし"), member("おとずれ")
    phone = sign_in(client(DOCOMO_1), me)
    assert "新しい足あと" not in phone.text(phone.page("/"))
    sign_in(client(PC), visitor).get(f"/member/{me}")
    home = phone.text(phone.page("/"))
    assert "新しい足あと1件" in home
    assert "NEW" in phone.text(phone.page("/footprints"))
    assert "新しい足あと" not in phone.text(phone.page("/"))
    assert "NEW" not in phone.text(phone.page("/footprints"))


def test_members_who_leave_no_footprints_see_none_of_their_own(client):
    shy, other, later = member("ひかえめ"), member("ふつう"), member("あとから")
    pc = sign_in(client(PC), shy)
    pc.get(f"/member/{other}")
    footprints.record(other, shy)
    assert row(shy, other)

    settings = pc.get("/settings/footprints")
    assert "自分の足あと" in settings.text and "見られなくなります" in settings.text
    saved = submit(settings, leave="0").follow()
    assert "保存しました" in saved.text
    assert row(shy, other) is None  # what they left is gone
    pc.get(f"/member/{other}")
    assert row(shy, other) is None  # and they leave none now
    page = pc.get("/footprints")
    assert "見られません" in page.text and "ふつう" not in page.text
    assert footprints.new_count(shy) == 0
    assert "新しい足あと" not in pc.get("/").text

    # Back on: visits made while hidden stay hidden, later ones show.
    execute("UPDATE footprints SET visited_at = visited_at - 10 WHERE visited_id = ?", (shy,))
    submit(pc.get("/settings/footprints"), leave="1")
    footprints.record(later, shy)
    page = pc.get("/footprints").text
    assert "あとから" in page and "ふつう" not in page


def test_settings_refuse_a_missing_choice(client):
    me = member()
    pc = sign_in(client(PC), me)
    form = pc.get("/settings/footprints").forms[0]
    form["leave"].force_value("maybe")
    page = form.submit()
    assert page.status_int == 200 and "選んでください" in page.text
    assert footprints.settings_of(me).leaves_footprints


def test_blocked_members_leave_and_see_no_footprints(client):
    me, blocked, old_visitor = member("わたし"), member("ブロック"), member("むかし")
    footprints.record(old_visitor, me)
    block(me, old_visitor)  # a footprint left before the block disappears from the list
    block(blocked, me)
    footprints.record(blocked, me)
    footprints.record(me, blocked)
    assert scalar("SELECT COUNT(*) FROM footprints WHERE visitor_id IN (?, ?) AND visited_id IN (?, ?)",
                  (me, blocked, me, blocked)) == 0
    assert sign_in(client(PC), blocked).get(f"/member/{me}", status=404)
    assert footprints.new_count(me) == 0
    for ua in (DOCOMO_1, PC):
        browser = sign_in(client(ua), me)
        page = browser.text(browser.page("/footprints"))
        assert "むかし" not in page and "ブロック" not in page


def test_prune_deletes_old_footprints_in_batches_and_expired_sessions(client, migrated, monkeypatch, capsys):
    visited = [member() for _ in range(5)]
    visitors = [member() for _ in range(5)]
    for v in visitors:
        for w in visited:
            footprints.record(v, w)
    old = now() - 91 * 86400
    execute("UPDATE footprints SET visited_at = ?, counted_at = ? WHERE visitor_id <> ?", (old, old, visitors[0]))
    assert footprints.prune(90, members_per_batch=3, rows_per_batch=2) == 20
    assert scalar("SELECT COUNT(*) FROM footprints") == 5

    execute("UPDATE footprints SET visited_at = ?", (now() - 40 * 86400,))
    phone = sign_in(client(DOCOMO_1), visited[0])
    execute("UPDATE sessions SET expires_at = ?", (now() - 1,))
    monkeypatch.setenv("KEITAI_DATABASE_URL", migrated)
    monkeypatch.setenv("KEITAI_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("KEITAI_FOOTPRINT_DAYS", "30")
    assert run.main(["prune"]) == 0
    assert "pruned 5 footprints older than 30 days and 1 expired sessions" in capsys.readouterr().out
    assert scalar("SELECT COUNT(*) FROM footprints") == 0
    assert scalar("SELECT COUNT(*) FROM sessions") == 0
    assert "ﾛｸﾞｲﾝ" in phone.text(phone.page("/footprints"))


def test_prune_refuses_nonsense_days(migrated, monkeypatch, app):
    monkeypatch.setenv("KEITAI_DATABASE_URL", migrated)
    monkeypatch.setenv("KEITAI_SECRET_KEY", "test-secret-key")
    assert run.main(["prune", "--footprint-days", "0"]) == 2


def test_a_suspended_or_blocked_friend_is_never_named_as_the_connection(client):
    me = member("わたし")
    suspended = member("ていし")  # the only friend in common with one visitor, then suspended
    blocker = member("ぶろっく")  # the only friend in common with another, and blocks me
    open_friend = member("ひらく")
    by_suspended, by_blocker, by_open = member("つうか"), member("とおる"), member("みち")
    for a, b in ((me, suspended), (me, blocker), (me, open_friend),
                 (suspended, by_suspended), (blocker, by_blocker), (open_friend, by_open)):
        friends.befriend(a, b)
    for visitor in (by_suspended, by_blocker, by_open):
        footprints.record(visitor, me)
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (suspended,))
    block(blocker, me)

    visits = {v.nickname: v for v in footprints.page(me).items}
    assert (visits["みち"].relation, visits["みち"].via_nickname) == (footprints.FRIEND_OF_FRIEND, "ひらく")
    assert (visits["つうか"].relation, visits["つうか"].via_nickname) == (footprints.FRIEND_OF_FRIEND, None)
    assert (visits["とおる"].relation, visits["とおる"].via_nickname) == (footprints.FRIEND_OF_FRIEND, None)
    page = plain(sign_in(client(PC), me).page("/footprints").text)
    assert "みちさん（ひらくさんの友人）" in page
    assert "ていし" not in page and "ぶろっく" not in page
