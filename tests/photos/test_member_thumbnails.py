"""Members' photos where mixi showed them: one's own on home, friends' in home's grid and on
friend lists, visitors' on 足あと.  Each thumbnail only where its owner's photo audience
(aud_photo) lets the viewer see it, never across a block, never of a suspended member; on
handsets only where the page can hold them."""
from __future__ import annotations

import re

import pytest

from conftest import AU, DOCOMO_1, IPHONE, PC
from diary_helpers import image_bytes
from quick import member, sign_in
from keitai.footprints import rules as footprints
from keitai.friends import blocks
from keitai.friends import rules as friends
from keitai.photos import rules as photos
from keitai.platform import device as devices
from keitai.platform.db.connection import execute
from keitai.profiles import rules as profiles

#: i-mode browser 2.0 with a 500 KB cache: pages of 100 KB, thumbnails inline.
DOCOMO_BIG = "DoCoMo/2.0 P906i(c500;TB;W24H15)"


def _with_photo(nickname: str, aud_photo: str = "everyone", **fields) -> tuple[int, int]:
    """A member with a main photo; returns (member id, photo id)."""
    who = member(nickname, aud_photo=aud_photo, **fields)
    return who, profiles.add_photo(who, photos.prepare_bytes(image_bytes(80, 80)))


def _photos_on(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"/photo/(\d+)\?(?:[^\"]*&(?:amp;)?)?size=s", text)}


def _fetchable(browser, photo_id: int) -> bool:
    return browser.get(browser.with_sid(f"/photo/{photo_id}?size=s"), expect_errors=True).status_int == 200


def test_a_friend_list_shows_each_photo_only_to_whom_its_audience_opens_it(app, client):
    owner = member("おーなー", aud_friends="everyone")
    viewer = member("みるひと")
    pal, pal_photo = _with_photo("なかま", "friends")  # the viewer's friend too
    open_, open_photo = _with_photo("だれでも", "everyone")
    fof, fof_photo = _with_photo("ともとも", "friends_of_friends")  # shares the owner with the viewer
    close, close_photo = _with_photo("ともだちだけ", "friends")  # not the viewer's friend
    secret, secret_photo = _with_photo("ないしょ", "private")
    blocking, blocking_photo = _with_photo("ぶろっく", "everyone")
    blocked, blocked_photo = _with_photo("ぶろっくされ", "everyone")
    _viewer_photo = profiles.add_photo(viewer, photos.prepare_bytes(image_bytes(80, 80)))
    execute("UPDATE members SET aud_photo = 'private' WHERE id = ?", (viewer,))
    for who in (viewer, pal, open_, fof, close, secret, blocking, blocked):
        friends.befriend(owner, who)
    friends.befriend(viewer, pal)
    blocks.block(blocking, viewer)
    blocks.block(viewer, blocked)

    pc = sign_in(client(PC), viewer)
    text = pc.get(f"/member/{owner}/friends").text
    # Written down: the open one, the viewer's friend's, the friend of a friend's, and the
    # viewer's own (private, but theirs).
    assert _photos_on(text) == {pal_photo, open_photo, fof_photo, _viewer_photo}
    for hidden in (close, secret):
        assert f'href="/member/{hidden}"><span class="nophoto"></span>' in text  # listed, without a photo
    assert "ぶろっく" not in text  # blocked either way: neither the member nor the photo
    for photo_id in (pal_photo, open_photo, fof_photo):
        assert _fetchable(pc, photo_id)  # what the list shows, /photo serves
    for photo_id in (close_photo, secret_photo, blocking_photo, blocked_photo):
        assert not _fetchable(pc, photo_id)

    # A stranger to all of them (the owner's list is open to every member): the open ones only
    # (the blocks are the viewer's, not the stranger's).
    stranger = sign_in(client(PC), member("たにん"))
    assert _photos_on(stranger.get(f"/member/{owner}/friends").text) == {open_photo, blocking_photo, blocked_photo}

    # The owner's own /friends: a friend sees friends' and friends of friends' photos, not private ones.
    mine = sign_in(client(PC), owner).get("/friends").text
    assert _photos_on(mine) == {pal_photo, open_photo, fof_photo, close_photo, blocking_photo, blocked_photo}

    # A suspended member leaves the list, photo and all.
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (open_,))
    assert _photos_on(stranger.get(f"/member/{owner}/friends").text) == {blocking_photo, blocked_photo}
    assert not _fetchable(stranger, open_photo)


def test_home_shows_my_photo_and_a_grid_of_friends_with_their_counts(app, client):
    me, my_photo = _with_photo("わたし", "private")
    shown, shown_photo = _with_photo("みえる", "friends", aud_friends="everyone")
    hidden, hidden_photo = _with_photo("かくす", "private", aud_friends="private")
    none_ = member("しゃしんなし")
    suspended, suspended_photo = _with_photo("ていし", "everyone")
    blocker, blocker_photo = _with_photo("ぶろっく", "everyone")
    for pal in (shown, hidden, none_, suspended, blocker):
        friends.befriend(me, pal)
    # みえる has three friends besides me: one blocks me, so I find two of them (and me) on their list.
    for other in (member("a"), member("b")):
        friends.befriend(shown, other)
    third = member("c")
    friends.befriend(shown, third)
    blocks.block(third, me)
    blocks.block(blocker, me)  # ends our friendship
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (suspended,))

    home = sign_in(client(PC), me).get("/").text
    side = home.split('<aside class="side">')[1]
    assert f'/photo/{my_photo}?size=s' in side.split('class="nickname"')[0]  # my own, above my name
    grid = side.split('class="friend-grid"')[1].split("</ul>")[0]
    assert _photos_on(grid) == {shown_photo}
    assert "みえる（3）" in grid  # 4 kept on write, less the one who blocks me
    assert "かくす<" in grid and "かくす（" not in grid  # their friend list is private: no count
    assert "しゃしんなし" in grid and "ていし" not in grid and "ぶろっく" not in grid
    assert "友人（3人）" in side

    # A member without a photo is offered to add one.
    other = sign_in(client(PC), none_).get("/").text
    assert 'href="/settings/photo">写真を載せる</a>' in other.split('<aside class="side">')[1]


def test_home_grid_is_one_query_of_the_first_friends(app):
    me = member("わたし")
    pals = [member(f"友{n}") for n in range(12)]
    for pal in pals:
        friends.befriend(me, pal)
    grid = friends.home_friends(me)
    assert [f.id for f in grid] == sorted(pals, reverse=True)[:9]  # the friend list's first nine


def test_footprints_show_visitors_photos_within_their_audience(app, client):
    me = member("わたし")
    pal, pal_photo = _with_photo("ともだち", "friends")
    open_, open_photo = _with_photo("だれでも", "everyone")
    close, close_photo = _with_photo("ともだちだけ", "friends")
    secret, secret_photo = _with_photo("ないしょ", "private")
    later_blocked, later_blocked_photo = _with_photo("あとでぶろっく", "everyone")
    friends.befriend(me, pal)
    for visitor in (pal, open_, close, secret, later_blocked):
        footprints.record(visitor, me)
    blocks.block(me, later_blocked)  # the footprint stays in the table, hidden from now on

    pc = sign_in(client(PC), me)
    text = pc.get("/footprints").text
    assert _photos_on(text) == {pal_photo, open_photo}
    for listed in (close, secret):
        assert f'href="/member/{listed}"><span class="nophoto"></span>' in text
    assert "あとでぶろっく" not in text
    for photo_id, seen in ((pal_photo, True), (open_photo, True), (close_photo, False), (secret_photo, False),
                           (later_blocked_photo, False)):
        assert _fetchable(pc, photo_id) is seen


@pytest.mark.parametrize("ua, thumbnails", [(DOCOMO_BIG, True), (DOCOMO_1, False)])
def test_handsets_get_thumbnails_only_where_the_page_holds_them(app, client, ua, thumbnails):
    me, my_photo = _with_photo("わたし")
    pal, pal_photo = _with_photo("ともだち")
    friends.befriend(me, pal)
    footprints.record(pal, me)
    phone = sign_in(client(ua), me)
    for path in ("/", "/friends", "/footprints", f"/member/{me}/friends"):
        page = phone.page(path)
        text = phone.text(page)
        assert "ともだち" in text and len(page.body) <= devices.detect({"HTTP_USER_AGENT": ua}).page_bytes
        expected = {pal_photo} | ({my_photo} if path == "/" else set())
        # Written down: the big i-mode handset sees the photos, the 20 KB one names only.
        assert _photos_on(text) == (expected if thumbnails else set()), path
    if thumbnails:  # in the handset's own format and size (photos.spec_for)
        image = phone.page(f"/photo/{pal_photo}?size=s")
        assert image.content_type == "image/jpeg" and len(image.body) <= 6 * 1024


def test_thumbnails_fit_the_handsets_page_or_are_left_out():
    big = devices.detect({"HTTP_USER_AGENT": DOCOMO_BIG})
    assert big.page_bytes == 100 * 1024
    assert photos.thumbnails_fit(big, 14) and not photos.thumbnails_fit(big, 15)  # 16 KB + 14 × 6 KB ≤ 100 KB
    smaller = big.__class__(**{**{f: getattr(big, f) for f in big.__dataclass_fields__}, "page_bytes": 64 * 1024})
    assert photos.thumbnails_fit(smaller, 8) and not photos.thumbnails_fit(smaller, 9)
    assert not photos.thumbnails_fit(devices.detect({"HTTP_USER_AGENT": DOCOMO_1}), 1)
    # au WIN: 30 KB pages would hold a thumbnail or two, but its browser is no place for them (inline_images).
    assert not photos.thumbnails_fit(devices.detect({"HTTP_USER_AGENT": AU}), 1)
    assert photos.thumbnails_fit(devices.detect({"HTTP_USER_AGENT": IPHONE}), 30)
