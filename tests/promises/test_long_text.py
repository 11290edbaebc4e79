"""Long texts on small handsets: a 9,700-character diary, a long self-introduction and a
community's description, edited from i-mode handsets whose pages hold 5 KB (D502i) or
10 KB (P503i), a FOMA handset with room for the whole form, and a PC.

Every page of the flow is fetched as the handset and its bytes looked at: within the
handset's budget, Shift_JIS, the sid in every link and form.  What the member sees in each
part's text box is what the tests edit; the expected text is built from the original and
the parts as shown, never asked of the code under test.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import ACTION, DOCOMO_2, HREF, PC
from diary_helpers import member, write_entry  # noqa: F401  (member: a fixture)
from keitai.platform.db.connection import fetchall, scalar
from keitai import communities

D502I = "DoCoMo/1.0/D502i"        # declares no cache: 5 KB pages
P503I = "DoCoMo/1.0/P503i/c10"    # 10 KB cache
HANDSETS = [(D502I, 5 * 1024), (P503I, 10 * 1024)]
HIDDEN_SID = re.compile(r'<input type="hidden" name="sid" value="([^"]+)">')
PART_LINK = re.compile(r'href="([^"]*/part\?part=\d+[^"]*)"')


def long_body() -> str:
    """9,746 characters as a member writes them: paragraphs of different lengths, blank lines,
    one very long line with no break, and characters HTML must escape."""
    paragraphs = []
    for day in range(1, 61):
        line = f"{day}日目。" + "朝から雨が降っていたので、駅前の喫茶店で本を読んだ。" * (day % 4 + 1)
        paragraphs.append(line + ("\n" if day % 7 else "\n\n"))
    paragraphs.append("長い一行：" + "東京<大阪>&名古屋、" * 320 + "\n")
    paragraphs.append("おわり。")
    body = "".join(paragraphs)
    return body + "追" * (9746 - len(body))


def assert_handset_page(phone, response, budget: int) -> str:
    """The page as the handset shows it, after checking its bytes: budget, charset, sid."""
    assert response.status_int == 200, response.status
    assert response.headers["Content-Type"] == "text/html; charset=Shift_JIS"
    assert len(response.body) <= budget, (response.request.path_qs, len(response.body))
    page = response.body.decode("cp932")  # strict: anything but CP932 raises
    for href in HREF.findall(page):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("/out"):
            assert parse_qs(urlsplit(href).query).get("sid") == [phone.sid], href
    for action, inner in ACTION.findall(page):
        in_url = parse_qs(urlsplit(action.replace("&amp;", "&")).query).get("sid") == [phone.sid]
        assert in_url or HIDDEN_SID.findall(inner) == [phone.sid], action
    return page


def part_links(page: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in PART_LINK.findall(page)]


def parts_as_shown(phone, edit_page, budget: int, field: str) -> list[tuple[str, object]]:
    """(text in the box, the page) of every part the edit page lists, in order; the last
    link adds at the end."""
    links = part_links(assert_handset_page(phone, edit_page, budget))
    shown = []
    for link in links[:-1]:
        page = phone.get(link)
        assert_handset_page(phone, page, budget)
        shown.append((page.forms[0][field].value, page))
    return shown


def locate(original: str, texts: list[str]) -> list[tuple[int, int]]:
    """Where each shown part lies in ``original``: the parts, in order, with at most one newline
    between two of them, must make up the whole text."""
    spans, at = [], 0
    for text in texts:
        if not original.startswith(text, at):
            assert original.startswith("\n" + text, at), (at, text[:20])
            at += 1
        spans.append((at, at + len(text)))
        at += len(text)
    assert at == len(original)
    return spans


def kept_texts(member_id: int) -> list[str]:
    """What the site keeps for the member (預かった文章), oldest first."""
    return [row[0] for row in fetchall("SELECT body FROM kept_texts WHERE member_id = ? ORDER BY id", (member_id,))]


def signed_in(client, ua: str, mail: str):
    phone = client(ua)
    phone.login(mail)
    return phone


# --- a diary ----------------------------------------------------------------------------


@pytest.mark.parametrize("ua,budget", HANDSETS)
def test_a_mova_member_edits_one_part_of_a_long_diary_and_the_rest_stays_as_it_was(client, member, ua, budget):
    me = member("さくら", "sakura@docomo.ne.jp")
    original = long_body()
    assert len(original) == 9746
    diary_id = write_entry(me, "長い日記", body=original)
    phone = signed_in(client, ua, "sakura@docomo.ne.jp")

    edit_page = phone.page(f"/diary/{diary_id}/edit")
    shown = parts_as_shown(phone, edit_page, budget, "body")
    assert len(shown) >= 2
    spans = locate(original, [text for text, _page in shown])

    k = len(shown) // 2  # a part in the middle
    old_text, part_page = shown[k]
    new_text = "【書き直しました】" + old_text[3:] + "\n追記：夜は晴れた。"
    saved = phone.submit(part_page, body=new_text)
    assert saved.status_int == 303
    after = assert_handset_page(phone, saved.follow(), budget)
    assert "保存しました" in after

    start, end = spans[k]
    stored = scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,))
    assert stored == original[:start] + new_text + original[end:]
    assert stored[:start] == original[:start] and stored[-(len(original) - end):] == original[end:]
    # Title and audience are saved by the form on the edit page, which has no text box now.
    page = phone.page(f"/diary/{diary_id}/edit")
    assert 'name="body"' not in assert_handset_page(phone, page, budget)
    retitled = phone.submit(page, title="長い日記（改）")
    assert retitled.status_int == 303
    assert scalar("SELECT title FROM diaries WHERE id = ?", (diary_id,)) == "長い日記（改）"
    assert scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,)) == stored


def test_adding_at_the_end_of_a_long_diary_from_a_mova_handset(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    original = long_body()
    diary_id = write_entry(me, "長い日記", body=original)
    phone = signed_in(client, D502I, "sakura@docomo.ne.jp")
    add_link = part_links(assert_handset_page(phone, phone.page(f"/diary/{diary_id}/edit"), 5 * 1024))[-1]
    add_page = phone.get(add_link)
    assert "末尾に書き足す" in assert_handset_page(phone, add_page, 5 * 1024)
    assert add_page.forms[0]["body"].value == ""
    assert phone.submit(add_page, body="次の日も雨だった。").status_int == 303
    assert scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,)) == original + "\n次の日も雨だった。"


def test_a_foma_handset_and_a_pc_still_edit_the_whole_diary_in_one_box(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    original = long_body()
    diary_id = write_entry(me, "長い日記", body=original)
    foma = signed_in(client, DOCOMO_2, "sakura@docomo.ne.jp")
    page = foma.page(f"/diary/{diary_id}/edit")
    assert_handset_page(foma, page, 100 * 1024)
    assert page.forms[0]["body"].value == original and not part_links(foma.text(page))
    assert foma.submit(page, body=original + "\nFOMAから。").status_int == 303
    assert scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,)) == original + "\nFOMAから。"

    pc = signed_in(client, PC, "sakura@docomo.ne.jp")
    page = pc.page(f"/diary/{diary_id}/edit")
    assert page.text.count("<textarea") == 1 and "/part" not in page.text
    assert page.forms[0]["body"].value == original + "\nFOMAから。"
    assert pc.submit(page, body="PCで短くした。").status_int == 303
    assert scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,)) == "PCで短くした。"


@pytest.mark.parametrize("ua,budget", HANDSETS)
def test_a_part_saved_after_the_diary_changed_elsewhere_is_refused_and_kept(client, member, ua, budget):
    me = member("さくら", "sakura@docomo.ne.jp")
    original = long_body()
    diary_id = write_entry(me, "長い日記", body=original)
    phone = signed_in(client, ua, "sakura@docomo.ne.jp")
    shown = parts_as_shown(phone, phone.page(f"/diary/{diary_id}/edit"), budget, "body")
    old_text, part_page = shown[0]

    # Meanwhile the same member changes the end of the entry on a PC.
    pc = signed_in(client, PC, "sakura@docomo.ne.jp")
    changed_elsewhere = original.replace("おわり。", "おわり。PCで足した。")
    assert pc.submit(pc.page(f"/diary/{diary_id}/edit"), body=changed_elsewhere).status_int == 303

    typed = "携帯で書き直した一段落目。\n" + old_text
    refused = phone.submit(part_page, body=typed)
    assert refused.status_int == 303
    page = assert_handset_page(phone, refused.follow(), budget)
    assert "ほかの画面で先に変更されていたため、保存しませんでした" in page
    assert "携帯で書き直した一段落目。" in page
    # Nothing of either change is lost: the PC's stands, the handset's is kept for its writer.
    assert scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,)) == changed_elsewhere
    assert kept_texts(me) == [typed]
    # Every page of the kept text fits the handset too.
    next_link = re.search(r'href="([^"]*pg=2[^"]*)"', page)
    while next_link:
        page = assert_handset_page(phone, phone.get(next_link.group(1).replace("&amp;", "&")), budget)
        next_link = re.search(r'href="([^"]*pg=\d+[^"]*)" accesskey="#"', page)


def test_a_pc_save_made_before_a_handset_changed_the_body_keeps_the_pc_text(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    original = long_body()
    diary_id = write_entry(me, "長い日記", body=original)
    pc = signed_in(client, PC, "sakura@docomo.ne.jp")
    pc_form = pc.page(f"/diary/{diary_id}/edit")  # opened before the handset's save
    pc_title_form = pc.page(f"/diary/{diary_id}/edit")  # and another, to change only the title

    phone = signed_in(client, D502I, "sakura@docomo.ne.jp")
    _text, part_page = parts_as_shown(phone, phone.page(f"/diary/{diary_id}/edit"), 5 * 1024, "body")[-1]
    assert phone.submit(part_page, body="携帯で書き換えた最後の部分。").status_int == 303
    from_handset = scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,))
    assert from_handset.endswith("携帯で書き換えた最後の部分。")

    refused = pc.submit(pc_form, title="PCで変えた題", body="PCで全部書き直した。")
    assert refused.status_int == 303
    page = refused.follow()
    assert "本文は保存せずここに預かりました" in page.text and "PCで全部書き直した。" in page.text
    assert scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,)) == from_handset
    assert scalar("SELECT title FROM diaries WHERE id = ?", (diary_id,)) == "PCで変えた題"
    # A form that leaves the body as it showed it changes only what it changed, even now.
    saved = pc.submit(pc_title_form, title="もう一度")
    assert "保存しました" in saved.follow().text
    assert scalar("SELECT title FROM diaries WHERE id = ?", (diary_id,)) == "もう一度"
    assert scalar("SELECT body FROM diaries WHERE id = ?", (diary_id,)) == from_handset
    assert kept_texts(me) == ["PCで全部書き直した。"]


@pytest.mark.parametrize("ua,budget", HANDSETS)
def test_a_long_new_entry_posted_from_a_mova_handset(client, member, ua, budget):
    me = member("さくら", "sakura@docomo.ne.jp")
    body = long_body()
    phone = signed_in(client, ua, "sakura@docomo.ne.jp")
    form_page = phone.page("/diary/new")
    assert_handset_page(phone, form_page, budget)
    posted = phone.submit(form_page, title="長い新しい日記", body=body)
    assert posted.status_int == 303
    assert scalar("SELECT body FROM diaries WHERE author_id = ?", (me,)) == body
    assert_handset_page(phone, posted.follow(), budget)

    # Without a title the form comes back within the budget; the text is kept, not dropped,
    # and the form sends it again once the title is there.
    again = phone.submit(phone.page("/diary/new"), title="", body=body + "二つ目")
    page = assert_handset_page(phone, again, budget)
    assert "タイトルを入力してください" in page and "預かった文章(9,749字)" in page
    assert kept_texts(me) == [body + "二つ目"]
    done = phone.submit(again, title="二つ目の日記")
    assert done.status_int == 303
    assert scalar("SELECT body FROM diaries WHERE title = '二つ目の日記'") == body + "二つ目"
    assert kept_texts(me) == []


# --- the self-introduction ---------------------------------------------------------------


@pytest.mark.parametrize("ua,budget", HANDSETS)
def test_a_mova_member_edits_a_long_self_introduction_in_parts(client, member, ua, budget):
    original = long_body()[:4900].rstrip()  # room for what the test adds (5,000 at most)
    me = member("さくら", "sakura@docomo.ne.jp", about=original)
    phone = signed_in(client, ua, "sakura@docomo.ne.jp")
    edit_page = phone.page("/settings/profile/about")
    shown = parts_as_shown(phone, edit_page, budget, "about")
    assert len(shown) >= 2 if budget < 10 * 1024 else len(shown) >= 1
    spans = locate(original, [text for text, _page in shown])

    k = len(shown) - 1
    old_text, part_page = shown[k]
    new_text = old_text[:10] + "（ここを直した）" + old_text[10:]
    assert phone.submit(part_page, about=new_text).status_int == 303
    start, end = spans[k]
    stored = scalar("SELECT about FROM members WHERE id = ?", (me,))
    assert stored == original[:start] + new_text + original[end:]

    # The audience is still set on the page's own form.
    page = phone.page("/settings/profile/about")
    assert phone.submit(page, aud_about="friends").status_int == 303
    assert scalar("SELECT aud_about FROM members WHERE id = ?", (me,)) == "friends"
    assert scalar("SELECT about FROM members WHERE id = ?", (me,)) == stored

    # A part shown before the introduction changed elsewhere is refused, and kept.
    _text, stale = parts_as_shown(phone, phone.page("/settings/profile/about"), budget, "about")[0]
    pc = signed_in(client, PC, "sakura@docomo.ne.jp")
    assert pc.submit(pc.page("/settings/profile"), about="PCで書き直した自己紹介").status_int == 303
    refused = phone.submit(stale, about="携帯で直した冒頭")
    assert "ほかの画面で先に変更されていたため" in assert_handset_page(phone, refused.follow(), budget)
    assert scalar("SELECT about FROM members WHERE id = ?", (me,)) == "PCで書き直した自己紹介"
    assert kept_texts(me) == ["携帯で直した冒頭"]


# --- a community's description -----------------------------------------------------------


def test_a_mova_admin_edits_a_long_community_description_in_parts(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    original = long_body()[:5000].rstrip()
    community_id = communities.create_community(me, "雨の日の読書会", "hobby", original)
    phone = signed_in(client, D502I, "sakura@docomo.ne.jp")
    shown = parts_as_shown(phone, phone.page(f"/community/{community_id}/edit"), 5 * 1024, "description")
    spans = locate(original, [text for text, _page in shown])
    old_text, part_page = shown[1]
    assert phone.submit(part_page, description="二つ目を短くした。").status_int == 303
    start, end = spans[1]
    assert scalar("SELECT description FROM communities WHERE id = ?", (community_id,)) == (
        original[:start] + "二つ目を短くした。" + original[end:])


# --- forms that post new long texts --------------------------------------------------------


def test_long_texts_posted_from_a_mova_handset_with_a_mistake_come_back_within_the_budget(client, member):
    """Each form a member writes long text in, sent from a 5 KB handset with something wrong:
    the answer is one page within the budget that says what is wrong, and the text is either
    back in its box or kept, linked from the form, which sends it again."""
    me = member("さくら", "sakura@docomo.ne.jp")
    friend = member("たろう", "taro@docomo.ne.jp")
    from keitai.friends import rules as friends
    friends.befriend(me, friend)
    community_id = communities.create_community(me, "雨の日の読書会", "hobby", "本の話をしましょう。")
    text = long_body()
    # The entry and the topic commented on are long: their pages run over several pages.
    topic_id = communities.create_topic(communities.standing(community_id, me), "最近読んだ本", text[:9000])
    diary_id = write_entry(friend, "たろうの日記", body=text)
    from keitai.messages import rules as messages
    long_message = messages.send(friend, me, "長い手紙", text[:4000])
    phone = signed_in(client, D502I, "sakura@docomo.ne.jp")
    forms = [  # (page with the form, fields that make a mistake, the long field, what it says, a fix)
        (f"/community/{community_id}/topic/new", {"title": ""}, "body", text[:9000], "タイトルを入力", {"title": "雨の本"}),
        (f"/message/new?to={friend}", {"subject": "件" * 101}, "body", text[:4900], "件名が長すぎます", {"subject": "やあ"}),
        # A reply: the long message quoted under the form runs over several pages.
        (f"/message/new?reply={long_message}", {"subject": "件" * 101}, "body", text[:3000], "件名が長すぎます",
         {"subject": "返信です"}),
        (f"/diary/{diary_id}", {}, "body", text[:2100], "2000文字まで", None),
        (f"/topic/{topic_id}", {}, "body", text[:3100], "3000文字まで", None),
        ("/community/new", {"name": "", "category": "hobby"}, "description", text[:4900], "コミュニティ名を入力",
         {"name": "雨の日の会"}),
    ]
    for path, mistake, field, typed, error, fix in forms:
        form_page = phone.page(path)
        while not any(field in f.fields for f in form_page.forms.values()):  # the form is further on
            form_page = phone.get(re.search(r'href="([^"]*)" accesskey="#"', phone.text(form_page)).group(1)
                                  .replace("&amp;", "&"))
        index = next(i for i, f in form_page.forms.items() if field in f.fields)
        answer = phone.submit(form_page, index, **mistake, **{field: typed})
        page = assert_handset_page(phone, answer, 5 * 1024)
        assert error in page, path
        next_page = re.search(r'href="([^"]*)" accesskey="#"', page)  # the rest of a long answer
        while next_page:
            more = assert_handset_page(phone, phone.get(next_page.group(1).replace("&amp;", "&")), 5 * 1024)
            next_page = re.search(r'href="([^"]*)" accesskey="#"', more)
        back = next(f for f in answer.forms.values() if field in f.fields or "kept" in f.fields)
        if field in back.fields:
            assert back[field].value == typed, path
        else:  # kept, and the form names it
            assert kept_texts(me)[-1] == typed, path
            kept_id = back["kept"].value
            assert f'/kept/{kept_id}?' in page, path
            assert_handset_page(phone, phone.page(f"/kept/{kept_id}"), 5 * 1024)
        if fix:
            index = next(i for i, f in answer.forms.items() if f is back)
            assert phone.submit(answer, index, **fix).status_int == 303, path
    assert scalar("SELECT body FROM community_topics WHERE title = '雨の本'") == text[:9000]
    assert scalar("SELECT body FROM messages WHERE subject = 'やあ'") == text[:4900]
    assert scalar("SELECT body FROM messages WHERE subject = '返信です'") == text[:3000]
    assert scalar("SELECT description FROM communities WHERE name = '雨の日の会'") == text[:4900]


def test_a_kept_text_is_read_edited_in_parts_and_taken_back_to_its_form(client, member):
    me = member("さくら", "sakura@docomo.ne.jp")
    body = long_body()
    phone = signed_in(client, D502I, "sakura@docomo.ne.jp")
    answer = phone.submit(phone.page("/diary/new"), title="", body=body)
    kept_link = re.search(r'href="(/kept/\d+\?[^"]*)"', assert_handset_page(phone, answer, 5 * 1024)).group(1)
    kept_page = phone.get(kept_link.replace("&amp;", "&"))
    page = assert_handset_page(phone, kept_page, 5 * 1024)
    assert "タイトルを入力してください" in page  # why it was kept
    first_part = phone.get(part_links(page)[0])
    shown = first_part.forms[0]["body"].value
    assert body.startswith(shown)
    assert phone.submit(first_part, body="書き出しを変えた。").status_int == 303
    edited = "書き出しを変えた。" + body[len(shown):]
    assert kept_texts(me) == [edited]

    resume = re.search(r'href="(/diary/new\?kept=[^"]*)"', assert_handset_page(phone, phone.get(kept_link.replace("&amp;", "&")), 5 * 1024))
    form_page = phone.get(resume.group(1).replace("&amp;", "&"))
    assert "預かった文章" in assert_handset_page(phone, form_page, 5 * 1024)
    assert phone.submit(form_page, title="預けてから書いた日記").status_int == 303
    assert scalar("SELECT body FROM diaries WHERE title = '預けてから書いた日記'") == edited
    assert kept_texts(me) == []


def test_a_save_to_a_text_changed_in_between_changes_nothing(member):
    """The last guard against a lost edit: every save of a long text is made only if the stored
    text still is the one the change was made to (two saves at the same moment)."""
    from keitai import diary as diaries
    from keitai.kept import rules as kept
    from keitai.profiles import rules as profiles
    from keitai.platform.text import parts

    me = member("さくら", "sakura@docomo.ne.jp", about="はじめの自己紹介")
    diary_id = write_entry(me, "日記", body="はじめの本文")
    draft = diaries.Draft("新しい題", "ほかの本文", "everyone", None)
    with pytest.raises(parts.Changed):
        diaries.update_entry(diary_id, me, draft, expected_body="前に読んだ本文")
    assert not diaries.replace_body(diary_id, me, "前に読んだ本文", "ほかの本文")
    assert scalar("SELECT title || '/' || body FROM diaries WHERE id = ?", (diary_id,)) == "日記/はじめの本文"

    with pytest.raises(parts.Changed):
        profiles.update(me, {"about": "ほかの自己紹介", "hobbies": "読書"}, expected={"about": "前に読んだ自己紹介"})
    assert not profiles.replace_text(me, "about", "前に読んだ自己紹介", "ほかの自己紹介")
    assert scalar("SELECT about || '/' || hobbies FROM members WHERE id = ?", (me,)) == "はじめの自己紹介/"

    community_id = communities.create_community(me, "読書会", "hobby", "はじめの説明")
    st = communities.standing(community_id, me)
    with pytest.raises(parts.Changed):
        communities.edit_community(st, "新しい名前", "hobby", "ほかの説明", "open", "everyone", "members",
                                   expected_description="前に読んだ説明")
    assert not communities.replace_description(st, "前に読んだ説明", "ほかの説明")
    assert scalar("SELECT name || '/' || description FROM communities WHERE id = ?", (community_id,)) == "読書会/はじめの説明"

    kept_id = kept.keep(me, "メモ", "はじめの文章")
    assert not kept.replace(me, kept_id, "前に読んだ文章", "ほかの文章")
    assert kept_texts(me) == ["はじめの文章"]


def test_parts_never_cut_an_emoji_or_a_flag_in_two():
    from keitai.platform.text import parts

    def utf8(text):
        return len(text.encode("utf-8"))

    flags = "\U0001F1EF\U0001F1F5" * 50          # 🇯🇵, two code points, 8 bytes each
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467" * 30  # 👨‍👩‍👧, joined by ZWJ
    keycaps = "1\ufe0f\u20e3" * 40                # 1️⃣
    for text, unit in ((flags, "\U0001F1EF\U0001F1F5"), (family, "\U0001F468\u200d\U0001F469\u200d\U0001F467"),
                       (keycaps, "1\ufe0f\u20e3")):
        bounds = parts.cut(text, 40, utf8)
        assert len(bounds) > 3
        assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
        for (start, end), (next_start, _end) in zip(bounds, bounds[1:]):
            assert end == next_start  # no newline between: nothing left out
        for start, end in bounds:
            piece = text[start:end]
            assert piece == unit * (len(piece) // len(unit)) and piece, piece
            assert utf8(piece) <= 40


def test_prune_deletes_kept_texts_after_thirty_days(member, migrated, monkeypatch, capsys):
    import run
    from keitai.platform.db.connection import execute, now
    from keitai.kept import rules as kept

    me = member("さくら", "sakura@docomo.ne.jp")
    old, recent = kept.keep(me, "古い", "31日前の文章"), kept.keep(me, "新しい", "29日前の文章")
    execute("UPDATE kept_texts SET created_at = ? WHERE id = ?", (now() - 31 * 86400, old))
    execute("UPDATE kept_texts SET created_at = ? WHERE id = ?", (now() - 29 * 86400, recent))
    monkeypatch.setenv("KEITAI_DATABASE_URL", migrated)
    monkeypatch.setenv("KEITAI_SECRET_KEY", "test-secret-key")
    assert run.main(["prune"]) == 0
    assert "pruned 1 kept texts older than 30 days" in capsys.readouterr().out
    assert kept_texts(me) == ["29日前の文章"]
