"""/search as members use it: from home on a PC, between tabs, on a docomo 1.0 handset (the
sid kept, Shift_JIS, within the page budget), with bad input, and only when signed in."""
from __future__ import annotations

from urllib.parse import urlencode

from conftest import DOCOMO_1, DOCOMO_1_5K, HREF, PC
from keitai.search import rules as search


def test_pc_member_searches_from_home_and_moves_between_tabs(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    yamada = make_member("山田太郎", about="週末はカフェ巡り")
    search.index(search.DIARY, 5, yamada, "京都の山田さん", "やまだ")
    pc = client(PC)
    home = pc.login("sakura@docomo.ne.jp")
    page = pc.submit(home, form_index=_search_form(home), q="ﾔﾏﾀﾞ")
    text = pc.text(page)
    assert "山田太郎" in text and f'href="/member/{yamada}"' in text
    assert "メンバー（1件）" in text and "日記</a>（1件）" in text and "コミュニティ</a>（0件）" in text
    diary_tab = pc.get(_link(page, "kind=diary"))
    text = pc.text(diary_tab)
    assert 'href="/diary/5"' in text and "山田太郎さん" in text
    search.index(search.COMMUNITY, 8, yamada, "山田さんの会", "やまだ")
    assert 'href="/community/8"' in pc.text(pc.get("/search?q=yamada&kind=community"))
    nothing = pc.get("/search?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84&kind=community")
    assert "見つかりませんでした" in pc.text(nothing)
    assert me


def test_handset_search_keeps_the_sid_speaks_shift_jis_and_stays_in_budget(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    owner = make_member("たろう")
    for n in range(1, 16):
        search.index(search.DIARY, n, owner, f"日記その{n}" * 3, "今日はラーメンを食べに行きました。" * 20)
    phone = client(DOCOMO_1_5K)
    home = phone.login("sakura@docomo.ne.jp")
    form = home.forms[_search_form(home)]
    assert form.method.lower() == "get" and form["sid"].value == phone.sid  # a GET form drops the action's query
    page = phone.get("/search?" + urlencode({"q": "らーめん", "sid": phone.sid}, encoding="cp932"))  # as the handset sends it
    assert page.headers["Content-Type"] == "text/html; charset=Shift_JIS"
    text = phone.text(page)
    assert "[1]ﾒﾝﾊﾞｰ</a>(0)" in text and "■日記(15)" in text  # no member matches: the diary tab
    diary = page
    assert len(diary.body) <= 5 * 1024
    assert "日記その15" in text and "[5]次の10件" in text
    for href in HREF.findall(text):
        assert f"sid={phone.sid}" in href, href
    second = phone.get(_link(diary, "before="))
    assert "日記その5" in phone.text(second) and "次の10件" not in phone.text(second)


def test_bad_search_input_gets_a_message_and_keeps_what_was_typed(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    typed = "ね" * 101
    page = phone.page("/search?q=" + "%82%CB" * 101)  # Shift_JIS, as the handset sends it
    text = phone.text(page)
    assert "100文字まで" in text and typed in text
    assert "ｻｰﾁ" in phone.text(phone.page("/search?kind=nonsense&before=x&q="))
    for before in ("x", "-1", "9" * 30):
        assert phone.page(f"/search?q=a&before={before}").status_int == 200


def _search_form(page) -> int:
    for index, form in page.forms.items():
        if form.action.startswith("/search"):
            return index
    raise AssertionError("no search form")


def _link(page, contains: str) -> str:
    for href in HREF.findall(page.body.decode(page.charset or "utf-8", "replace")):
        href = href.replace("&amp;", "&")
        if href.startswith("/search") and contains in href:
            return href
    raise AssertionError(f"no link with {contains}")


def test_search_needs_a_signed_in_member(client, make_member):
    make_member("山田太郎")
    page = client(PC).get("/search?q=yamada")
    assert "ログインしてください" in page.text and "山田太郎" not in page.text
