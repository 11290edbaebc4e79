"""Diaries as members use them: writing, editing, deleting, comments, lists, the friends'
feed and home, on a docomo i-mode 1.0 handset and on a PC."""
from __future__ import annotations

import random
import re

from conftest import AU, DOCOMO_1, DOCOMO_1_5K, PC, SOFTBANK
from diary_helpers import block, make_group, member, submit_cp932, write_entry
from keitai.platform import text as keitai_text
from keitai.platform.device import detect
from keitai.platform.db.connection import execute, fetchall, scalar
from keitai import diary as diaries
from keitai.friends import rules as friends

SUN = "\u2600"  # the internal form of the sun emoji
DOCOMO_SUN = "\ue63e"  # what cp932 decodes docomo's F89F to


def _diary_id(response) -> int:
    return int(re.search(r"/diary/(\d+)", response.headers["Location"]).group(1))


def test_pc_member_writes_edits_and_deletes_an_entry(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form_page = pc.page("/diary/new")
    assert "日記を書く" in form_page.text
    posted = pc.submit(form_page, title="初めての日記", body="今日は晴れ。\nhttps://example.jp/ を見た。", audience="friends")
    assert posted.status_int == 303
    diary_id = _diary_id(posted)
    page = posted.follow()
    assert "日記を書きました" in page.text
    assert "初めての日記" in page.text and "今日は晴れ。<br>" in page.text
    assert '/out?url=https%3A%2F%2Fexample.jp%2F' in page.text  # links go through the gateway
    assert "友人まで公開" in page.text  # the author sees the audience

    edit_page = pc.page(f"/diary/{diary_id}/edit")
    assert "初めての日記" in edit_page.text
    edited = pc.submit(edit_page, title="書き直した日記", audience="private").follow()
    assert "書き直した日記" in edited.text and "非公開" in edited.text
    assert scalar("SELECT audience FROM diaries WHERE id = ?", (diary_id,)) == "private"

    confirm = pc.page(f"/diary/{diary_id}/delete")
    assert "削除しますか" in confirm.text
    gone = pc.submit(confirm)
    assert gone.headers["Location"].endswith(f"/member/{me}/diary?msg=deleted")
    assert scalar("SELECT COUNT(*) FROM diaries") == 0
    assert pc.page(f"/diary/{diary_id}", status=404).status_int == 404


def test_bad_input_is_refused_in_japanese_and_the_text_is_kept(client, member):
    member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    page = pc.submit(pc.page("/diary/new"), title="", body="書いた本文はそのまま")
    assert page.status_int == 200
    assert "タイトルを入力してください" in page.text
    assert "書いた本文はそのまま" in page.text
    page = pc.submit(pc.page("/diary/new"), title="長" * 101, body="本文")
    assert "100文字まで" in page.text
    page = pc.submit(pc.page("/diary/new"), title="題", body="あ" * 10_001)
    assert "10000文字まで" in page.text
    form = pc.page("/diary/new").forms[0]
    form["title"], form["body"] = "題", "本文"
    form["audience"].force_value("group")  # a group that is not mine
    page = form.submit()
    assert "グループを選んでください" in page.text
    assert scalar("SELECT COUNT(*) FROM diaries") == 0


def test_group_audience_only_offers_my_own_groups(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    other = member("たろう", "taro@ezweb.ne.jp")
    mine = make_group(me, "親友", [])
    theirs = make_group(other, "他人のグループ", [])
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form_page = pc.page("/diary/new")
    assert "親友" in form_page.text and "他人のグループ" not in form_page.text
    form = form_page.forms[0]
    form["title"], form["body"], form["audience"] = "題", "本文", "group"
    form["group_id"].force_value(str(theirs))
    assert "グループを選んでください" in form.submit().text
    form["group_id"] = str(mine)
    assert form.submit().status_int == 303
    assert fetchall("SELECT audience, group_id FROM diaries") == [("group", mine)]


def test_docomo_1_member_writes_with_emoji_and_everyone_reads_it(client, member):
    member("さくら", "sakura@docomo.ne.jp")
    reader = member("たろう", "taro@ezweb.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    form_page = phone.page("/diary/new")
    text = phone.text(form_page)
    assert "写真を送れません" in text  # i-mode 1.0 cannot upload; text entries still work
    assert 'type="file"' not in text and "multipart" not in text
    posted = submit_cp932(form_page, title=f"晴れ{DOCOMO_SUN}", body=f"いい天気{DOCOMO_SUN}でした", audience="everyone")
    assert posted.status_int == 303
    diary_id = _diary_id(posted)
    assert scalar("SELECT title FROM diaries") == f"晴れ{SUN}"  # stored carrier-neutral

    page = phone.get(posted.headers["Location"])
    assert page.body.decode("cp932").count(DOCOMO_SUN) >= 2  # back to docomo's own emoji

    for ua in (AU, SOFTBANK, PC):
        other = client(ua)
        other.login("taro@ezweb.ne.jp")
        body = other.page(f"/diary/{diary_id}").body
        # Each carrier gets its own sun (au: its Shift_JIS code; SoftBank 3G: its PUA; PC: Unicode).
        assert keitai_text.encode_output(f"いい天気{SUN}でした", detect({"HTTP_USER_AGENT": ua})) in body, ua
    assert reader


def test_long_entry_splits_into_pages_within_the_budget(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    body = "".join(f"{i}行目の日記です。https://example.jp/{i} を読んだ。\n" for i in range(400)) + "おしまい"
    diary_id = write_entry(me, "長い日記", body=body)
    phone = client(DOCOMO_1_5K)
    phone.login("sakura@docomo.ne.jp")
    seen = ""
    for number in range(1, 100):
        page = phone.page(f"/diary/{diary_id}?pg={number}")
        assert len(page.body) <= 5 * 1024
        text = page.body.decode("cp932")  # never cut inside a character
        # never inside a link: with every whole link taken out, no half of one is left
        outside_links = re.sub(r"<a\b[^>]*>.*?</a>", "", text, flags=re.S)
        assert "<a " not in outside_links and "</a>" not in outside_links
        seen += text
        if "次へ" not in text:
            break
    assert number > 5
    assert "おしまい" in seen and "399行目" in seen
    assert seen.count("/out?url=") >= 400


def test_comments_marks_and_deletion(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    friend = member("たろう", "taro@ezweb.ne.jp")
    other = member("ゆき", "yuki@softbank.ne.jp")
    friends.befriend(me, friend)
    friends.befriend(me, other)
    diary_id = write_entry(me, "コメントください", audience="friends")

    taro = client(DOCOMO_1)
    taro.login("taro@ezweb.ne.jp")
    page = taro.page(f"/diary/{diary_id}")
    posted = submit_cp932(page, body="いいね！")
    assert posted.status_int == 303 and "#c" in posted.headers["Location"]
    empty = submit_cp932(taro.page(f"/diary/{diary_id}"), body="   ")
    assert "コメントを入力してください" in taro.text(empty)
    too_long = submit_cp932(taro.page(f"/diary/{diary_id}"), body="あ" * 2001)
    assert "2000文字まで" in taro.text(too_long) and "あああ" in taro.text(too_long)

    yuki = client(PC)
    yuki.login("yuki@softbank.ne.jp")
    yuki.submit(yuki.page(f"/diary/{diary_id}"), body="私も！")
    assert diaries.new_comment_count(me) == 2

    sakura = client(PC)
    home = sakura.login("sakura@docomo.ne.jp")
    assert "日記に新着コメントがあります" in home.text and "コメントください" in home.text
    entry = sakura.page(f"/diary/{diary_id}")
    assert "いいね！" in entry.text and "私も！" in entry.text and "コメント（2）" in entry.text
    assert diaries.new_comment_count(me) == 0  # read
    assert "新着コメント" not in sakura.page("/").text

    # The author may delete any comment; a writer only their own; no one else.
    taro_comment, yuki_comment = [r[0] for r in fetchall("SELECT id FROM diary_comments ORDER BY id")]
    assert yuki.page(f"/diary/{diary_id}/comment/{taro_comment}/delete", status=404).status_int == 404
    yuki.post(f"/diary/{diary_id}/comment/{taro_comment}/delete",
              {"csrf": yuki.page(f"/diary/{diary_id}").forms[0]["csrf"].value}, status=404)
    confirm = sakura.page(f"/diary/{diary_id}/comment/{taro_comment}/delete")
    assert "いいね！" in confirm.text
    assert sakura.submit(confirm).status_int == 303
    confirm = yuki.page(f"/diary/{diary_id}/comment/{yuki_comment}/delete")
    assert yuki.submit(confirm).status_int == 303
    assert scalar("SELECT comment_count FROM diaries") == 0
    assert scalar("SELECT COUNT(*) FROM diary_comments") == 0


def test_deleting_an_unread_comment_takes_its_mark_away(member):
    me = member()
    friend = member()
    friends.befriend(me, friend)
    diary_id = write_entry(me, "題", audience="friends")
    first = diaries.add_comment(friend, diary_id, "一")
    diaries.add_comment(friend, diary_id, "二")
    assert diaries.new_comment_count(me) == 2
    assert diaries.delete_comment(friend, diary_id, first)
    assert diaries.new_comment_count(me) == 1
    diaries.add_comment(me, diary_id, "返信")  # answering means having read them
    assert diaries.new_comment_count(me) == 0
    assert scalar("SELECT comment_count FROM diaries") == 2


def test_member_diary_pages_newest_first_with_keyset(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    for i in range(25):
        write_entry(me, f"日記{i:02d}")
    phone = client(DOCOMO_1_5K)
    phone.login("sakura@docomo.ne.jp")
    titles = []
    path = f"/member/{me}/diary"
    for _ in range(5):
        text = phone.text(phone.page(path))
        assert len(text.encode("cp932")) <= 5 * 1024
        titles += re.findall(r"日記(\d\d)", text)
        more = re.search(r'href="([^"]*before=\d+[^"]*)"', text)
        if not more:
            break
        path = more.group(1).replace("&amp;", "&")
    assert titles == [f"{i:02d}" for i in range(24, -1, -1)]


def test_friends_feed_and_home_show_friends_entries_newest_first(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    friend = member("たろう", "taro@ezweb.ne.jp")
    stranger = member("ゆき", "yuki@softbank.ne.jp")
    friends.befriend(me, friend)
    write_entry(friend, "友人の古い日記")
    write_entry(stranger, "他人の日記")
    write_entry(me, "自分の日記")
    write_entry(friend, "友人の新しい日記")
    pc = client(PC)
    home = pc.login("sakura@docomo.ne.jp")
    assert home.text.index("友人の新しい日記") < home.text.index("友人の古い日記")
    assert "他人の日記" not in home.text
    feed = pc.page("/feed")
    assert feed.text.index("友人の新しい日記") < feed.text.index("友人の古い日記")
    assert "他人の日記" not in feed.text and "たろう" in feed.text

    phone = client(DOCOMO_1_5K)
    phone.login("sakura@docomo.ne.jp")
    assert "友人の新しい日記" in phone.text(phone.page("/"))
    assert "友人の古い日記" in phone.text(phone.page("/feed"))


def test_feed_pages_through_many_friends_without_repeats(member):
    me = member()
    friend_ids = [member() for _ in range(6)]
    for friend in friend_ids:
        friends.befriend(me, friend)
    expected = []
    for round_ in range(7):
        for friend in friend_ids:
            expected.append(write_entry(friend, f"{friend}-{round_}"))
    seen, cursor = [], None
    while True:
        page, cursor = diaries.friends_feed(me, cursor, limit=10)
        seen += [entry.id for entry in page]
        if cursor is None:
            break
    assert seen == sorted(expected, reverse=True)


def test_feed_is_exactly_the_readable_friends_entries_in_a_random_world(member):
    """The two-step feed query against the plain rule, entry by entry, page by page."""
    rng = random.Random(4)
    ids = [member() for _ in range(12)]
    for a in ids:
        for b in ids:
            if a < b and rng.random() < 0.45:
                friends.befriend(a, b)
    groups = {a: make_group(a, "g", [b for b in ids if b != a and rng.random() < 0.5]) for a in ids[:6]}
    block(ids[1], ids[2])
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (ids[11],))
    prolific = ids[3]  # one friend writes far more than the others
    for n in range(260):
        author = prolific if n % 2 else rng.choice(ids)
        aud = rng.choice(("everyone", "friends_of_friends", "friends", "group", "private"))
        write_entry(author, f"e{n}", aud, group_id=groups.get(author) if aud == "group" else None)
    for viewer in ids[:6]:
        expected = [
            diary_id for (diary_id, author) in fetchall("SELECT id, author_id FROM diaries ORDER BY id DESC")
            if friends.are_friends(viewer, author) and diaries.can_read(viewer, diary_id)
        ]
        seen, cursor = [], None
        for _ in range(100):
            page, cursor = diaries.friends_feed(viewer, cursor, limit=4)
            seen += [entry.id for entry in page]
            if cursor is None:
                break
        assert seen == expected, viewer


def test_feed_follows_edits_and_deletes_of_friends_newest_entries(member):
    """The first page orders friends by members.newest_diary_id: every write keeps it true."""
    me = member()
    a, b, c = (member() for _ in range(3))
    for friend in (a, b, c):
        friends.befriend(me, friend)
    older = [write_entry(friend, f"{friend}-{n}") for n in range(2) for friend in (a, b, c)]
    hidden = write_entry(a, "まだ非公開", "private")
    newest = lambda member_id: scalar("SELECT newest_diary_id FROM members WHERE id = ?", (member_id,))  # noqa: E731
    first_page = lambda: [e.id for e in diaries.friends_feed(me, limit=2)[0]]  # noqa: E731
    assert newest(a) == older[3] and first_page() == older[::-1][:2]

    diaries.update_entry(hidden, a, diaries.Draft("公開しました", "本文", "everyone", None))
    assert newest(a) == hidden and first_page() == [hidden, older[5]]

    diaries.update_entry(hidden, a, diaries.Draft("やっぱり非公開", "本文", "private", None))
    assert newest(a) == older[3] and first_page() == older[::-1][:2]

    diaries.update_entry(hidden, a, diaries.Draft("公開しました", "本文", "everyone", None))
    diaries.delete_entry(hidden, a)
    diaries.delete_entry(older[5], c)
    assert newest(a) == older[3] and newest(c) == older[2] and first_page() == [older[4], older[3]]
    for entry in older:
        diaries.delete_entry(entry, scalar("SELECT author_id FROM diaries WHERE id = ?", (entry,)))
    assert newest(a) is None and first_page() == []


def test_a_friend_list_entry_at_the_top_of_the_feed_is_skipped_for_others(member):
    """A friend's newest entry may be for a list the viewer is not in: the page still fills."""
    me, insider = member(), member()
    friend_ids = [member() for _ in range(4)]
    for friend in friend_ids:
        friends.befriend(me, friend)
        friends.befriend(insider, friend)
    shown = [write_entry(friend, f"{friend}") for friend in friend_ids]
    inner = make_group(friend_ids[0], "内輪", [insider])
    secret = [write_entry(friend_ids[0], f"内輪{n}", "group", group_id=inner) for n in range(3)]
    assert [e.id for e in diaries.friends_feed(me, limit=3)[0]] == shown[::-1][:3]
    assert [e.id for e in diaries.friends_feed(insider, limit=3)[0]] == secret[::-1]


def test_long_handset_lists_stay_within_budget(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    friend = member("たろう" * 5, "taro@ezweb.ne.jp")
    friends.befriend(me, friend)
    for i in range(12):
        write_entry(friend, "とても長いタイトルの日記" * 8)
    phone = client(DOCOMO_1_5K)
    phone.login("sakura@docomo.ne.jp")
    for path in ("/", "/feed", f"/member/{friend}/diary"):
        page = phone.page(path)
        assert len(page.body) <= 5 * 1024, path


def test_an_entry_whose_group_is_gone_never_falls_back_to_everyone(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    group = make_group(me, "消すグループ", [])
    diary_id = write_entry(me, "グループ日記", "group", group_id=group)
    execute("DELETE FROM friend_groups WHERE id = ?", (group,))
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.page(f"/diary/{diary_id}/edit").forms[0]
    assert form["audience"].value == "group"
    assert "グループを選んでください" in form.submit().text
    assert scalar("SELECT audience FROM diaries") == "group"


def test_odd_cursors_and_ids_are_just_ignored(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    write_entry(me, "日記")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    for value in ("%C2%B2", "%EF%BC%91", "-1", "abc", "9" * 40):
        assert "日記" in pc.page(f"/member/{me}/diary?before={value}").text
        assert pc.page(f"/feed?before={value}").status_int == 200


def test_comments_page_back_to_the_first_without_repeats(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    friend = member("たろう", "taro@ezweb.ne.jp")
    friends.befriend(me, friend)
    diary_id = write_entry(me, "たくさんのコメント", audience="friends")
    for i in range(45):
        diaries.add_comment(friend, diary_id, f"コメント{i:02d}番")
    phone = client(DOCOMO_1)  # 20 comments a page on a handset
    phone.login("taro@ezweb.ne.jp")
    pages, path = [], f"/diary/{diary_id}"
    for _ in range(5):
        text = phone.text(phone.page(path))
        assert "ｺﾒﾝﾄ(45)" in text
        pages.append(re.findall(r"コメント(\d\d)番", text))
        older = re.search(r'href="([^"]*before=\d+[^"]*)">以前のｺﾒﾝﾄ', text)
        if not older:
            break
        path = older.group(1).replace("&amp;", "&")
    # Newest page first; within a page oldest first; every comment once.
    assert pages == [[f"{i:02d}" for i in range(25, 45)], [f"{i:02d}" for i in range(5, 25)],
                     [f"{i:02d}" for i in range(0, 5)]]


def test_commenters_names_link_to_their_profiles_on_a_pc_and_a_handset(client, member):
    author = member("さくら", "sakura@docomo.ne.jp")
    commenter = member("たろう", "taro@docomo.ne.jp")
    friends.befriend(author, commenter)
    entry = write_entry(author, "冬の朝", "friends")
    diaries.add_comment(commenter, entry, "寒いね")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    assert f'<a href="/member/{commenter}?sid={phone.sid}">たろう</a>' in phone.text(phone.page(f"/diary/{entry}"))
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    assert f'<a href="/member/{commenter}">たろう</a>' in pc.text(pc.get(f"/diary/{entry}"))
