"""Site-wide handset checks: walk every page a docomo i-mode 1.0 member can reach.

Each page must decode as CP932, carry the sid in every internal link and form,
and stay within the handset's byte budget.  New features are covered as soon
as a link leads to them.
"""
from __future__ import annotations

import datetime
import re
from collections import deque
from urllib.parse import parse_qs, urlsplit

from conftest import ACTION, DOCOMO_1_5K, HREF
from diary_helpers import FakeUpload, small_photo, write_entry
from keitai.albums import comments as album_comments
from keitai.albums import rules as albums
from keitai.friends import blocks
from keitai import communities
from keitai.reports import rules as reports
from keitai import diary as diaries
from keitai.blog_import import rules as feeds
from keitai.events import rules as events
from keitai.favorites import rules as favorites
from keitai.footprints import rules as footprints
from keitai.friends import rules as friends
from keitai.friends import groups
from keitai.introductions import rules as introductions
from keitai.signup import invitations
from keitai.messages import rules as messages
from keitai.photos import rules as photos
from keitai.platform.db.connection import scalar
from keitai.polls import rules as polls
from keitai.profiles import rules as profiles

BUDGET = 5 * 1024
HIDDEN_SID = re.compile(r'<input type="hidden" name="sid" value="([^"]+)">')


def _internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and href.startswith("/")


def crawl(phone, start: str = "/", limit: int = 400):
    """Yield (path, response) for every internal page reachable from ``start`` by GET."""
    seen = set()
    queue = deque([phone.with_sid(start)])
    while queue and len(seen) < limit:
        path = queue.popleft()
        key = urlsplit(path)._replace(query="&".join(sorted(
            p for p in urlsplit(path).query.split("&") if not p.startswith("sid=")))).geturl()
        if key in seen:
            continue
        seen.add(key)
        response = phone.get(path, status="*")
        yield path, response
        if response.status_int != 200:
            continue
        for href in HREF.findall(response.body.decode("cp932")):
            href = href.replace("&amp;", "&")
            if _internal(href) and not href.startswith("/out"):
                queue.append(href)


def test_every_handset_page_is_cp932_carries_the_sid_and_fits_the_budget(client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp", about="日記を書きます。" * 20, hobbies="カフェ")
    friend = make_member("たろう", "taro@ezweb.ne.jp", about="釣りが好き")
    friend_of_friend = make_member("ゆき", "yuki@softbank.ne.jp")
    friends.befriend(me, friend)
    friends.befriend(friend, friend_of_friend)
    # Footprints, a conversation, introductions (approved, waiting for me, waiting for a friend).
    hanako = make_member("はなこ", "hanako@docomo.ne.jp")
    friends.befriend(me, hanako)
    footprints.record(friend, me)
    footprints.record(friend_of_friend, me)
    first = messages.send(friend, me, "こんにちは", "\n".join(["今度カフェに行こう。"] * 12))
    messages.send(me, friend, "Re: こんにちは", "いいね！", reply_to=first)
    introductions.write(friend, me, "さくらさんは日記が上手です。" * 6)
    introductions.approve(me, introductions.written_by(friend, me).id)
    introductions.write(hanako, me, "やさしい人です。")
    introductions.write(me, friend, "釣り名人です。")
    # Communities: one I run (with a request, a report, a long topic), one I belong to.
    mine = communities.create_community(me, "カフェ好き集まれ", "food", "おすすめのカフェを教えあいましょう。" * 30,
                                        join_policy="approval")
    communities.join(communities.standing(mine, friend_of_friend), "入れてください")
    communities.join(communities.standing(mine, friend))  # a request, too
    communities.answer_request(communities.standing(mine, me), friend, True)
    communities.set_subadmin(communities.standing(mine, me), friend, True)
    long_topic = communities.create_topic(communities.standing(mine, friend), "今日のカフェ", "写真付きで。" * 200)
    topic_row = communities.get_topic(long_topic, me)
    for i in range(15):
        communities.add_comment(communities.standing(mine, friend), topic_row, f"{i}番目のコメントです。" * 20)
    first = communities.get_comment(communities.comments(topic_row, me, 1, after=0).items[0].id, me)[0]
    reports.file_report(me, "topic_comment", first.id, "spam", "宣伝です")
    theirs = communities.create_community(friend, "釣り部", "outdoor", "海釣りの話", read_policy="members")
    communities.join(communities.standing(theirs, me))
    communities.create_topic(communities.standing(theirs, friend), "釣果報告", "アジが釣れました")
    # An event with a long description and participants, and a poll I answered, in my community.
    day = events.today() + datetime.timedelta(days=10)
    typed = f"{day.year}/{day.month}/{day.day}"
    checked, _errors = events.check_event(events.Draft("カフェ巡りオフ会", typed, "14:00", "神保町の喫茶店",
                                                       "", "集合は駅の改札です。" * 60))
    event_id = events.create_event(communities.standing(mine, friend), checked)
    events.join(communities.standing(mine, me), events.get_event(event_id, me))
    checked, _errors = polls.check_poll(polls.Draft("好きなコーヒーは？" * 10, ("ブレンド" * 10, "アメリカン" * 8,
                                                                         "カフェラテ" * 8, "エスプレッソ" * 7), typed))
    poll_id = polls.create_poll(communities.standing(mine, friend), checked)
    polls.vote(communities.standing(mine, me), polls.get_poll(poll_id, me),
               scalar("SELECT MIN(id) FROM community_poll_choices WHERE poll_id = ?", (poll_id,)))
    entry = write_entry(me, "今日の日記", body="晴れ。https://example.jp/ に行った。\n" * 30, with_photo=True)
    diaries.add_comment(friend, entry, "いいね！")
    write_entry(friend, "たろうの日記", audience="friends", with_photo=True)
    feeds.save_setting(me, "https://blog.example.jp/feed", "friends", None)
    # An album of mine with captioned photos and a long comment; a friend's album.
    album = albums.create_album(me, albums.Draft("夏の思い出", "海と山の写真です。" * 20, "friends", None))
    albums.add_photos(album, me, [(photos.prepare(FakeUpload(small_photo())), f"{n}枚目の写真の説明" * 3)
                                  for n in range(12)])
    album_photo = scalar("SELECT MIN(id) FROM photos WHERE kind = 'album'")
    album_comments.add_comment(friend, album, "きれいな写真ですね。" * 30)
    albums.create_album(friend, albums.Draft("たろうの釣果", "", "everyone", None))
    # Profile and community photos (their links lead to the photo pages).
    profiles.add_photo(me, photos.prepare(FakeUpload(small_photo())))
    profiles.add_photo(me, photos.prepare(FakeUpload(small_photo(200, 150))))
    profiles.add_photo(friend, photos.prepare(FakeUpload(small_photo())))
    communities.set_photo(communities.standing(mine, me), photos.prepare(FakeUpload(small_photo())))
    # Members' pages with something on them: a request to answer, one waiting, a group,
    # a block, an invitation waiting for its answer.
    asking = make_member("けん", "ken@docomo.ne.jp")
    friends.request(asking, me, "よろしくお願いします")
    friends.request(me, friend_of_friend, "たろうさんの友人です")
    group = groups.create(me, "大学の友人")
    groups.add(me, group, [friend])
    blocks.block(me, make_member("ブロック", "blocked@docomo.ne.jp"))
    invitations.invite(me, "hanako@ezweb.ne.jp", "keitaiで日記を書こう")
    # お気に入り: a friend with a photo and a diary, another member, a community.
    favorites.add_member(me, friend)
    favorites.add_member(me, hanako)
    favorites.add_community(me, theirs)

    phone = client(DOCOMO_1_5K)
    phone.login("sakura@docomo.ne.jp")
    sid = phone.sid
    assert sid

    pages = 0
    reached = set()
    for path, response in crawl(phone):
        pages += 1
        reached.add(urlsplit(path).path)
        assert response.status_int in (200, 303, 404), (path, response.status)
        if response.status_int != 200:
            continue
        assert response.headers["Content-Type"] == "text/html; charset=Shift_JIS", path
        assert len(response.body) <= BUDGET, (path, len(response.body))
        body = response.body.decode("cp932")  # strict: raises on anything but CP932
        for href in HREF.findall(body):
            href = href.replace("&amp;", "&")
            if _internal(href) and not href.startswith("/out"):
                assert parse_qs(urlsplit(href).query).get("sid") == [sid], (path, href)
        for action, inner in ACTION.findall(body):
            action = action.replace("&amp;", "&")
            in_url = parse_qs(urlsplit(action).query).get("sid") == [sid]
            hidden = HIDDEN_SID.findall(inner) == [sid]
            assert in_url or hidden, (path, action)
    assert pages >= 3
    # The community's event and poll (and their forms), the diary by month.
    for expected in (f"/event/{event_id}", f"/poll/{poll_id}",
                     f"/community/{mine}/event/new", f"/community/{mine}/poll/new", f"/member/{me}/diary/months",
                     f"/member/{me}/albums", f"/album/{album}", f"/album/{album}/photo/{album_photo}",
                     f"/album/{album}/photos/add", f"/album/{album}/edit", "/album/new",
                     "/favorites"):
        assert expected in reached, expected
