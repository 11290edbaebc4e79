"""Splitting a handset page over its budget (keitai/platform/web/paging.py), as a property.

Whatever the text, the links, forms, long tags and entities in it, and whatever the budget:
no page is cut inside a tag, an entity, a link or a form; every page is well-formed on its
own; and the pages together say exactly what the page said.
"""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keitai.platform.web import paging


def measure(text: str) -> int:
    return len(text.encode("cp932", "replace"))


TAG = re.compile(r"<[^<>]*>")
ENTITY = re.compile(r"&#?\w+;")
LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.S)
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
VOID = {"br", "hr", "img", "input"}

# Text a member writes, already escaped: kana, kanji, ASCII, newlines, and entities.
plain = st.text(alphabet="あいうえおかきくけこ日記今日はとても良い天気でしたabcXYZ0129 。、\n", min_size=1, max_size=40)
entity = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#12354;", "&#x3042;", "&nbsp;"])
text = st.lists(st.one_of(plain, entity), min_size=1, max_size=6).map("".join)
long_attr = st.integers(min_value=20, max_value=400).map(lambda n: "x" * n)
link = st.tuples(st.integers(1, 10**6), long_attr, text).map(
    lambda t: f'<a href="/diary/{t[0]}?sid={t[1]}">{t[2]}</a>')
image = long_attr.map(lambda a: f'<img src="/photo/1/{a}" alt="写真">')
form = st.tuples(long_attr, text).map(
    lambda t: f'<form action="/diary/1/comment?sid={t[0]}" method="post"><input type="text" name="body"'
              f' value="{t[1]}"><br><input type="submit" value="送信"></form>')
inline = st.one_of(text, text, link, image, st.just("<br>"))
paragraph = st.lists(inline, min_size=1, max_size=5).map(lambda parts: "<p>" + "".join(parts) + "</p>")
block = st.one_of(paragraph, form, st.just("<hr>"), inline,
                  st.lists(paragraph, min_size=1, max_size=3).map(lambda ps: "<div>" + "".join(ps) + "</div>"))
body = st.lists(block, min_size=1, max_size=25).map("".join)


def well_formed(chunk: str) -> bool:
    stack = []
    for tag in TAG.findall(chunk):
        name = re.match(r"</?([a-zA-Z]+)", tag).group(1).lower()
        if name in VOID:
            continue
        if tag.startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def words(html: str) -> str:
    """What a reader reads: the text between tags."""
    return TAG.sub("", html)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body, st.integers(min_value=64, max_value=3000))
def test_no_page_is_cut_inside_a_tag_entity_link_or_form_and_together_they_are_the_page(html, limit):
    chunks = paging.split(html, limit, measure)
    for chunk in chunks:
        outside_tags = TAG.sub("", chunk)
        assert "<" not in outside_tags and ">" not in outside_tags, f"a tag cut in two: {chunk!r}"
        assert outside_tags.count("&") == len(ENTITY.findall(outside_tags)), f"an entity cut in two: {chunk!r}"
        assert chunk.count("<a ") == chunk.count("</a>") == len(LINK.findall(chunk)), f"a link cut: {chunk!r}"
        assert chunk.count("<form") == chunk.count("</form>") == len(FORM.findall(chunk)), f"a form cut: {chunk!r}"
        assert well_formed(chunk), f"not well-formed: {chunk!r}"
    joined = "".join(chunks)
    assert words(joined) == words(html)
    assert LINK.findall(joined) == LINK.findall(html)
    assert FORM.findall(joined) == FORM.findall(html)
    assert re.findall(r"<img[^>]*>", joined) == re.findall(r"<img[^>]*>", html)


def test_a_long_text_is_cut_between_characters_and_beside_entities_never_inside_them():
    html = "<p>" + "あ&amp;" * 200 + "</p>"
    chunks = paging.split(html, 300, measure)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.startswith("<p>") and chunk.endswith("</p>")
        inner = chunk[3:-4]
        assert re.fullmatch(r"(あ|&amp;)+", inner), inner[:40]
    assert "".join(c[3:-4] for c in chunks) == "あ&amp;" * 200


def test_a_link_longer_than_a_page_stays_whole_on_a_page_of_its_own():
    link = '<a href="/member/5?sid=' + "s" * 200 + '">' + "長い名前" * 10 + "</a>"
    html = "<p>前の文。</p>" + link + "<p>後の文。</p>"
    chunks = paging.split(html, 64, measure)
    assert link in chunks[1] and link not in chunks[0] and link not in chunks[2]
    assert chunks[0] == "<p>前の文。</p>"
