"""Home and the site's frame: friends' birthdays within their audience, nothing said twice,
the site's icon, the handset view offered only on a PC, Japanese without stray spaces, and
what the viewer can do with a profile at its head."""
from __future__ import annotations

import datetime
import re

from conftest import DOCOMO_1, IPHONE, PC
from diary_helpers import write_entry
from keitai import diary as diaries
from keitai.admin import site
from keitai.albums import rules as albums
from keitai.friends import blocks
from keitai.friends import rules as friends
from keitai.platform.db.connection import execute
from keitai.profiles import rules as profiles
from quick import member, sign_in


def _birthday(days_ahead: int, year: int = 1990) -> str:
    day = profiles.today() + datetime.timedelta(days=days_ahead)
    return f"{year}-{day.month:02}-{day.day:02}"


def _month_day(days_ahead: int) -> str:
    day = profiles.today() + datetime.timedelta(days=days_ahead)
    return f"{day.month}月{day.day}日"


def _main(html: str) -> str:
    return html.split("<main>")[1].split("</main>")[0]


def test_friends_birthdays_coming_up_on_home_only_where_their_audience_lets_friends_see(client):
    me = member("わたし")
    far = _birthday(100)
    execute("UPDATE members SET birthday = ? WHERE id = ?", (far, me))
    today = member("きょう")
    soon = member("あさって")
    private = member("ひみつ")
    later = member("らいしゅう")
    stranger = member("たにん")
    blocked = member("ぶろっく")
    suspended = member("ていし")
    for who, days, audience in ((today, 0, "friends"), (soon, 2, "friends_of_friends"), (private, 3, "private"),
                                (later, 8, "everyone"), (stranger, 1, "everyone"), (blocked, 4, "everyone"),
                                (suspended, 5, "everyone")):
        execute("UPDATE members SET birthday = ?, aud_birthday = ? WHERE id = ?", (_birthday(days, 1985), audience, who))
    for pal in (today, soon, private, later, blocked, suspended):
        friends.befriend(me, pal)
    blocks.block(blocked, me)  # ends the friendship too
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (suspended,))

    found, more = profiles.upcoming_birthdays(me)
    assert [(b.nickname, b.in_days) for b in found] == [("きょう", 0), ("あさって", 2)] and more == 0

    pc = sign_in(client(PC), me)
    # Only the birthdays' section: the grid of friends names friends whatever their birthday's audience.
    home = pc.get("/").text.split("もうすぐ誕生日の友人")[1].split("</ul>")[0]
    assert f'{_month_day(0)} <span class="meta">今日</span> <a href="/member/{today}">きょう</a>さん' in home
    assert f'{_month_day(2)} <span class="meta">あと2日</span> <a href="/member/{soon}">あさって</a>さん' in home
    for hidden in ("ひみつ", "らいしゅう", "たにん", "ぶろっく", "ていし"):
        assert hidden not in home
    assert "1985" not in home  # month and day only: the year is the age, which has its own audience

    phone = sign_in(client(DOCOMO_1), me)
    page = phone.page("/")
    assert page.charset.lower() in ("shift_jis", "cp932") and len(page.body) <= 20 * 1024
    text = phone.text(page).split("■もうすぐ誕生日")[1].split("<hr>")[0]
    day = profiles.today()
    assert f"・{day.month}/{day.day}(今日)<a href=\"/member/{today}?sid={phone.sid}\">きょう</a>さん" in text
    assert "ひみつ" not in text and "たにん" not in text

    # No friend with a birthday near: no heading either.
    execute("UPDATE members SET aud_birthday = 'private'")
    assert "もうすぐ誕生日" not in pc.get("/").text


def test_birthdays_on_29_february_come_on_the_28th_in_other_years():
    assert profiles._days_ahead(datetime.date(2027, 2, 26), 3) == {
        "02-26": 0, "02-27": 1, "02-28": 2, "02-29": 2, "03-01": 3}
    assert profiles._days_ahead(datetime.date(2028, 2, 27), 2) == {"02-27": 0, "02-28": 1, "02-29": 2}
    assert profiles._days_ahead(datetime.date(2026, 12, 30), 3) == {"12-30": 0, "12-31": 1, "01-01": 2, "01-02": 3}


def test_home_says_each_thing_once(client):
    me, pal = member("わたし"), member("ともだち")
    friends.befriend(me, pal)
    entry = write_entry(me, "海の日記")
    diaries.add_comment(pal, entry, "いいね")
    pc = sign_in(client(PC), me)
    main = _main(pc.get("/").text)
    # New comments on my diary: one box naming the entry, no second count line.
    assert "日記に新着コメントがあります" in main and "海の日記" in main
    assert "日記への新しいコメント" not in main
    # The menu is in the side column and the header, not repeated as text links in the page.
    for path in ("/messages", "/footprints", "/friends", "/settings", "/communities\""):
        assert f'href="{path}' not in main, path
    assert "<h2>検索</h2>" in main  # a heading, not a link to the page its form opens
    phone = sign_in(client(DOCOMO_1), me)
    text = phone.text(phone.page("/"))
    assert "日記に新着ｺﾒﾝﾄがあります" in text and "日記への新しいコメント" not in text


def test_favicon_ico_answers_with_the_icon(client):
    response = client(PC).get("/favicon.ico")
    assert response.status_int == 200 and response.content_type == "image/vnd.microsoft.icon"
    assert response.body[:4] == b"\x00\x00\x01\x00"


def test_this_page_on_a_handset_is_offered_on_a_pc_page_only(client):
    me = member("わたし")
    link = "このページを携帯電話で見る"
    pc = sign_in(client(PC), me)
    assert link in pc.get(f"/member/{me}").text
    assert 'href="/tools/handset?path=%2Fmember%2F' in pc.get(f"/member/{me}").text
    assert link not in pc.get("/no/such/page", status=404).text  # an error is no page to view
    form = pc.get("/settings/password").forms[0]
    form["current"] = "wrong"
    assert link not in form.submit().text  # nor is a form's answer
    iphone = sign_in(client(IPHONE), me)
    assert link not in iphone.get(f"/member/{me}").text


def test_japanese_text_has_no_stray_spaces(client):
    me, other = member("さくら"), member("たろう")
    pc = sign_in(client(PC), me)
    assert "さくらさんのホーム" in pc.get("/").text
    assert "さくらさん ｜" in pc.get("/").text  # the header: name, then the separator
    profile = pc.get(f"/member/{other}").text
    assert "<h1>たろうさん</h1>" in profile and " さん" not in profile
    diary_id = diaries.create_entry(other, diaries.Draft("題", "本文", "everyone", None))
    for path in (f"/member/{other}/diary", f"/diary/{diary_id}", f"/member/{other}/diary/months"):
        assert "たろうさんの日記" in pc.get(path).text and " さん" not in pc.get(path).text, path
    album_id = albums.create_album(other, albums.Draft("夏休み", "", "everyone", None))
    for path in (f"/member/{other}/albums", f"/album/{album_id}"):
        assert "たろうさんのアルバム" in pc.get(path).text and " さん" not in pc.get(path).text, path
    site.put("invitation_only", False)  # open sign-up: the join form for anyone
    join = client(PC).get("/join").text
    assert "18歳以上" in join and "18 歳" not in join


def test_a_profile_offers_what_the_viewer_can_do_at_its_head(client):
    me, other, pal = member("わたし"), member("たろう"), member("ともだち")
    friends.befriend(me, pal)
    pc = sign_in(client(PC), me)
    page = pc.get(f"/member/{other}").text
    head = page.split('<div class="profile-who">')[1].split("</div>")[0]
    assert f'href="/member/{other}/request">友人に追加</a>' in head and "メッセージを送る" in head
    assert "友人に追加" not in page.split('<aside class="side">')[1]  # not under the viewer's own menu
    head = pc.get(f"/member/{pal}").text.split('<div class="profile-who">')[1].split("</div>")[0]
    assert "友人に追加" not in head and "メッセージを送る" in head
    own = pc.get(f"/member/{me}").text.split('<div class="profile-who">')[1].split("</div>")[0]
    assert "プロフィールを編集" in own and "友人に追加" not in own
