"""The audience matrix: who may read each entry, on every surface that shows diaries.

Surfaces: the entry page, the author's diary list, the friends' feed, home, photo URLs,
the comment form, posting a comment, and comment counts.  Viewers: the author, a friend
in the author's group, a friend outside it, a friend of a friend, a stranger, a friend
who is blocked, and a signed-out visitor.  The one-entry rule (can_read) and the list
rule (SQL) are held to the same expectations.
"""
from __future__ import annotations

import pytest

from conftest import DOCOMO_1, PC
from diary_helpers import block, make_group, member, submit_cp932, write_entry
from keitai.platform.db.connection import execute, scalar
from keitai import privacy as audience
from keitai import diary as diaries
from keitai.friends import rules as friends

AUDIENCES = ("everyone", "friends_of_friends", "friends", "group", "private")
# viewer -> the audiences whose entries they may read
EXPECTED = {
    "author": set(AUDIENCES),
    "group_friend": {"everyone", "friends_of_friends", "friends", "group"},
    "friend": {"everyone", "friends_of_friends", "friends"},
    "friend_of_friend": {"everyone", "friends_of_friends"},
    "stranger": {"everyone"},
    "blocked_friend": set(),
}
MAIL = {name: f"{name}@docomo.ne.jp" for name in EXPECTED}


@pytest.fixture
def world(member):
    ids = {name: member(name, MAIL[name]) for name in EXPECTED}
    author = ids["author"]
    for name in ("group_friend", "friend", "blocked_friend"):
        friends.befriend(author, ids[name])
    friends.befriend(ids["friend"], ids["friend_of_friend"])
    block(author, ids["blocked_friend"])  # a block outweighs the friendship
    group = make_group(author, "親友", [ids["group_friend"], ids["blocked_friend"]])
    entries = {}
    for aud in AUDIENCES:
        entries[aud] = write_entry(author, f"題【{aud}】", aud, body=f"本文【{aud}】",
                                   group_id=group if aud == "group" else None, with_photo=True)
        diaries.add_comment(author, entries[aud], f"作者のコメント【{aud}】")
    photo = {aud: scalar("SELECT id FROM photos WHERE ref_id = ?", (entries[aud],)) for aud in AUDIENCES}
    return ids, entries, photo


def test_the_one_entry_rule_and_the_list_rule_agree(world):
    ids, entries, _photo = world
    for name, allowed in EXPECTED.items():
        viewer = ids[name]
        listed = {row.title for row in diaries.member_diary(viewer, ids["author"], limit=50)[0]}
        fed = {row.title for row in diaries.friends_feed(viewer, limit=50)[0]}
        for aud, diary_id in entries.items():
            readable = aud in allowed
            assert diaries.can_read(viewer, diary_id) is readable, (name, aud)
            assert (diaries.entry_for(viewer, diary_id) is not None) is readable, (name, aud)
            assert (f"題【{aud}】" in listed) is readable, (name, aud)
            # The feed is friends' entries: the author's own are not in it.
            in_feed = readable and name in ("group_friend", "friend")
            assert (f"題【{aud}】" in fed) is in_feed, (name, aud)
            rel = audience.relation(viewer, ids["author"])
            group_id = scalar("SELECT group_id FROM diaries WHERE id = ?", (diary_id,))
            assert audience.may_see(rel, aud, group_id) is readable, (name, aud)
    for aud, diary_id in entries.items():
        assert not diaries.can_read(None, diary_id)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_surface_on_a_pc(client, world, name):
    ids, entries, photo = world
    allowed = EXPECTED[name]
    pc = client(PC)
    home = pc.login(MAIL[name])
    listing = pc.page(f"/member/{ids['author']}/diary", status="*")
    feed = pc.page("/feed")
    csrf = pc.page("/logout").forms[0]["csrf"].value
    if name == "blocked_friend":
        assert listing.status_int == 404
    for aud, diary_id in entries.items():
        readable = aud in allowed
        title = f"題【{aud}】"
        page = pc.page(f"/diary/{diary_id}", status="*")
        assert (page.status_int == 200) is readable, (name, aud)
        if readable:
            assert f"本文【{aud}】" in page.text
            assert f"作者のコメント【{aud}】" in page.text and "コメント（1）" in page.text
            assert f'action="/diary/{diary_id}/comment"' in page.text
        else:
            assert title not in page.text and f"本文【{aud}】" not in page.text
        if listing.status_int == 200:
            assert (title in listing.text) is readable, (name, aud)
        in_feed = readable and name in ("group_friend", "friend")
        assert (title in feed.text) is in_feed, (name, aud)
        assert (title in home.text) is in_feed, (name, aud)
        image = pc.get(f"/photo/{photo[aud]}", status="*")
        assert (image.status_int == 200) is readable, (name, aud)
        if readable:
            assert image.content_type == "image/jpeg"
        else:
            assert not image.content_type.startswith("image/")
        # Commenting is for readers only; an outsider's post stores nothing.
        before = scalar("SELECT comment_count FROM diaries WHERE id = ?", (diary_id,))
        answer = pc.post(f"/diary/{diary_id}/comment", {"csrf": csrf, "body": "こんにちは"}, status="*")
        assert (answer.status_int == 303) is readable, (name, aud)
        after = scalar("SELECT comment_count FROM diaries WHERE id = ?", (diary_id,))
        assert after == before + (1 if readable else 0)
    # Counts: nobody's list shows how many entries or comments they may not read.
    if listing.status_int == 200:
        assert listing.text.count("（コメント") == len(allowed)


def test_signed_out_visitors_see_nothing(client, world):
    ids, entries, photo = world
    visitor = client(PC)
    for aud, diary_id in entries.items():
        page = visitor.get(f"/diary/{diary_id}")
        assert f"本文【{aud}】" not in page.text and "ログイン" in page.text
        assert visitor.get(f"/photo/{photo[aud]}", status="*").status_int == 404
    assert "題【" not in visitor.get(f"/member/{ids['author']}/diary").text
    assert "題【" not in visitor.get("/feed").text


def test_on_a_docomo_handset_too(client, world):
    ids, entries, photo = world
    phone = client(DOCOMO_1)
    phone.login(MAIL["group_friend"])
    page = phone.page(f"/diary/{entries['group']}")
    assert "本文【group】" in phone.text(page)
    assert phone.page(f"/photo/{photo['group']}").content_type == "image/jpeg"
    assert phone.page(f"/diary/{entries['private']}", status=404).status_int == 404
    assert phone.page(f"/photo/{photo['private']}", status=404).status_int == 404
    assert submit_cp932(page, body="見たよ").status_int == 303
    stranger = client(DOCOMO_1)
    stranger.login(MAIL["stranger"])
    text = stranger.text(stranger.page(f"/member/{ids['author']}/diary"))
    assert "題【everyone】" in text and "題【friends】" not in text and "題【group】" not in text


def test_leaving_a_friendship_or_group_closes_the_entries(client, world):
    ids, entries, _photo = world
    assert diaries.can_read(ids["group_friend"], entries["group"])
    friends.unfriend(ids["author"], ids["group_friend"])
    assert not diaries.can_read(ids["group_friend"], entries["group"])
    assert not diaries.can_read(ids["group_friend"], entries["friends"])
    assert diaries.can_read(ids["friend"], entries["friends"])
    # A deleted group shows the entry to no one but its author.
    group_id = scalar("SELECT group_id FROM diaries WHERE id = ?", (entries["group"],))
    execute("DELETE FROM friend_groups WHERE id = ?", (group_id,))
    assert scalar("SELECT group_id FROM diaries WHERE id = ?", (entries["group"],)) is None
    assert diaries.can_read(ids["author"], entries["group"])
    assert not any(diaries.can_read(ids[n], entries["group"]) for n in EXPECTED if n != "author")


def test_a_blocked_commenters_words_are_hidden_and_not_counted(client, world):
    ids, entries, _photo = world
    diary_id = entries["everyone"]
    diaries.add_comment(ids["stranger"], diary_id, "見知らぬ人のコメント")
    block(ids["friend"], ids["stranger"])
    pc = client(PC)
    pc.login(MAIL["friend"])
    page = pc.page(f"/diary/{diary_id}")
    assert "見知らぬ人のコメント" not in page.text and "コメント（1）" in page.text
    other = client(PC)
    other.login(MAIL["group_friend"])
    page = other.page(f"/diary/{diary_id}")
    assert "見知らぬ人のコメント" in page.text and "コメント（2）" in page.text


def test_a_commenter_who_blocked_the_viewer_is_hidden_from_them_and_not_counted(client, world):
    """The other direction: the commenter blocked the viewer (who did nothing)."""
    ids, entries, _photo = world
    diary_id = entries["everyone"]
    diaries.add_comment(ids["stranger"], diary_id, "見知らぬ人のコメント")
    block(ids["stranger"], ids["friend"])
    pc = client(PC)
    pc.login(MAIL["friend"])
    page = pc.page(f"/diary/{diary_id}")
    assert "見知らぬ人のコメント" not in page.text and "コメント（1）" in page.text
    other = client(PC)
    other.login(MAIL["group_friend"])
    page = other.page(f"/diary/{diary_id}")
    assert "見知らぬ人のコメント" in page.text and "コメント（2）" in page.text
