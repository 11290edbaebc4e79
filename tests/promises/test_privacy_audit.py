"""The privacy audit: every piece of a member's content appears exactly where its audience
allows, on PC and handset pages, through every route, list, feed, count and search.

A subject member owns content of every kind, each item written with its own marker and
audience.  Viewers stand to the subject as self, friend (in the subject's group), other
friend (not in it), friend of friend, stranger (the owner of a members-only community the
subject joined), outsider (no relation and no community: a non-member of that closed
community), blocked (the subject blocked them; they would otherwise be a friend of a friend),
blocker (they blocked the subject; likewise) and signed out.  For each viewer and device the
audit collects every page it can reach: a
crawl from home, every GET route in ``app.routes`` with the subject's ids filled in
(following links from there, so split handset pages and lists are read to the end), and
every GET form (search) submitted with each item's search word.  Then each item's proof
word must be somewhere in those pages if and only if the viewer is in its audience, and
a search for an item the viewer may not see must answer exactly as a search for nothing.

Adding a kind of content: write a function ``(world) -> list[Item]`` that creates the
subject's content through the feature's own social/ functions, decorate it ``@kind``,
and give each item a text from :func:`words` (keep it short: a handset page split
inside a word would hide it) and the relations that may see it (:func:`audience`).
A value chosen from a list (出身地) carries no marker: give the exact markup that shows it
on each device as ``Item.shown_as`` instead.  Photos and other direct addresses go in ``Item.urls``: those in the audience get them,
everyone else a refusal.  ``Item.ids`` names the rows an item made, by the route wildcard
that takes them (``("diary_id", 12)``): each route is visited with the ids of its own
wildcards, which keeps the walk short as kinds are added.
"""
from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from conftest import DOCOMO_1, PC
from diary_helpers import FakeUpload, small_photo, write_entry
from keitai.albums import comments as album_comments
from keitai.albums import rules as album_rules
from keitai.platform.db.connection import execute, now, scalar
from keitai import communities
from keitai.accounts import archive as archives
from keitai import diary as diaries
from keitai.footprints import rules as footprints
from keitai.friends import rules as friends
from keitai.events import rules as events
from keitai.favorites import rules as favorites
from keitai.introductions import rules as introductions
from keitai.messages import rules as messages
from keitai.photos import rules as photos
from keitai.polls import rules as polls
from keitai.profiles import rules as profiles
from keitai.reports import rules as reports
from keitai.privacy import EVERYONE, FRIENDS, FRIENDS_OF_FRIENDS, GROUP, PRIVATE
from sitewalk import (WILDCARD, cheap_passwords, crawl, fill, forms_of, quick_member,  # noqa: F401
                      route_rules, start_session)

RELATIONS = ("self", "friend", "other_friend", "friend_of_friend", "stranger", "outsider", "blocked", "blocker",
             "signed_out")
DEVICES = {"pc": PC, "docomo1": DOCOMO_1}


def audience(value: str) -> frozenset[str]:
    """The relations that may see an item with this audience (the friend is in the subject's group)."""
    return frozenset({
        EVERYONE: {"self", "friend", "other_friend", "friend_of_friend", "stranger", "outsider"},
        FRIENDS_OF_FRIENDS: {"self", "friend", "other_friend", "friend_of_friend"},
        FRIENDS: {"self", "friend", "other_friend"},
        GROUP: {"self", "friend"},
        PRIVATE: {"self"},
    }[value])


def words(label: str) -> str:
    """An item's text: a search word, then a proof word found nowhere else on the site."""
    return f"q{label}{secrets.token_hex(3)} pv{secrets.token_hex(5)}"


@dataclass(frozen=True)
class Item:
    kind: str
    text: str
    seen_by: frozenset[str]
    urls: tuple[str, ...] = ()
    ids: tuple[tuple[str, int], ...] = ()  # (route wildcard name, id)
    shown_as: tuple[str, ...] = ()  # the markup showing it (PC, handset), for what has no marker

    @property
    def term(self) -> str:
        return self.text.split()[0]

    def shown_on(self, body: str) -> bool:
        return any(proof in body for proof in self.shown_as or (self.proof,))

    @property
    def proof(self) -> str:
        return self.text.split()[1]


@dataclass
class World:
    subject: int
    viewers: dict[str, int | None]
    group: int
    items: list[Item] = field(default_factory=list)

    def ids(self) -> dict[str, list[str]]:
        """The ids to fill each route wildcard with, by its name (members: every viewer too)."""
        pool: dict[str, set[int]] = {"member_id": {m for m in self.viewers.values() if m is not None},
                                     "group_id": {self.group}}
        for item in self.items:
            for name, value in item.ids:
                pool.setdefault(name, set()).add(value)
        return {name: [str(i) for i in sorted(values)] for name, values in pool.items()}


KINDS: list[Callable[[World], list[Item]]] = []


def kind(make: Callable[[World], list[Item]]):
    KINDS.append(make)
    return make


@kind
def profile_fields(world: World) -> list[Item]:
    """Nickname (seen by every member) and one written profile field per audience."""
    fields = {"hobbies": EVERYONE, "about": FRIENDS_OF_FRIENDS, "prefecture": FRIENDS, "real_name": PRIVATE}
    # One who blocked the subject keeps the name in their own list of blocks, to lift it there.
    items = [Item("nickname", words("nick"), audience(EVERYONE) | {"blocker"}, ids=(("member_id", world.subject),))]
    values = {"nickname": items[0].text}
    for name, aud in fields.items():
        item = Item(f"profile.{name}", words(name[:4]), audience(aud), ids=(("member_id", world.subject),))
        items.append(item)
        values[name] = item.text
        values[f"aud_{name}"] = aud
    sets = ", ".join(f"{k} = ?" for k in values)
    execute(f"UPDATE members SET {sets} WHERE id = ?", (*values.values(), world.subject))
    return items


@kind
def profile_depth(world: World) -> list[Item]:
    """The fields profile depth added: 所属 (typed, with a marker) and three chosen from lists,
    each with its own audience, shown on the profile as PC and handset pages write them."""
    ids = (("member_id", world.subject),)
    affiliation = Item("profile.affiliation", words("aff"), audience(FRIENDS), ids=ids)
    chosen = {  # field: (value, audience, its label and value on a PC profile, on a handset one)
        "blood_type": ("AB", EVERYONE, "<dt>血液型</dt><dd>AB型</dd>", "血液型:AB型<br>"),
        "hometown": ("沖縄県", FRIENDS_OF_FRIENDS, "<dt>出身地</dt><dd>沖縄県</dd>", "出身地:沖縄県<br>"),
        "occupation": ("自由業", PRIVATE, "<dt>職業</dt><dd>自由業</dd>", "職業:自由業<br>"),
    }
    items = [affiliation]
    values = {"affiliation": affiliation.text, "aud_affiliation": FRIENDS}
    for name, (value, aud, pc, handset) in chosen.items():
        items.append(Item(f"profile.{name}", words(name[:4]), audience(aud), ids=ids, shown_as=(pc, handset)))
        values.update({name: value, f"aud_{name}": aud})
    sets = ", ".join(f"{k} = ?" for k in values)
    execute(f"UPDATE members SET {sets} WHERE id = ?", (*values.values(), world.subject))
    return items


def _month_day(day: datetime.date) -> tuple[int, int]:
    return day.month, day.day


@kind
def birthdays(world: World) -> list[Item]:
    """The subject's birthday (two days ahead, open to friends of friends) on their profile
    and on their friends' home; and a friend of the friend whose birthday (three days ahead)
    is private, on no one's home.  Every other member's birthday is half a year away."""
    today = profiles.today()
    far = today + datetime.timedelta(days=180)
    execute("UPDATE members SET birthday = ?", (f"1990-{far.month:02}-{min(far.day, 28):02}",))
    soon, later = today + datetime.timedelta(days=2), today + datetime.timedelta(days=3)
    execute("UPDATE members SET birthday = ?, aud_birthday = ? WHERE id = ?",
            (f"1988-{soon.month:02}-{soon.day:02}", FRIENDS_OF_FRIENDS, world.subject))
    private = quick_member("誕生日非公開", f"bday{secrets.token_hex(3)}@docomo.ne.jp",
                           birthday=f"1989-{later.month:02}-{later.day:02}", aud_birthday=PRIVATE)
    friends.befriend(world.viewers["friend"], private)
    (m, d), (m3, d3) = _month_day(soon), _month_day(later)
    home_line = (f'{m}月{d}日 <span class="meta">あと2日</span>', f"・{m}/{d}(あと2日)")
    return [
        Item("profile.birthday", words("bday"), audience(FRIENDS_OF_FRIENDS), ids=(("member_id", world.subject),),
             shown_as=(f"<dt>誕生日</dt><dd>{m}月{d}日</dd>", f"誕生日:{m}月{d}日<br>")),
        # Home lists friends only: a friend of a friend may read the birthday, but not here.
        Item("home.birthday", words("hbd"), frozenset({"friend", "other_friend"}), shown_as=home_line),
        Item("home.birthday.private", words("hbdp"), frozenset(),
             shown_as=(f'{m3}月{d3}日 <span class="meta">あと3日</span>', f"・{m3}/{d3}(あと3日)")),
    ]


@kind
def diary_entries(world: World) -> list[Item]:
    """An entry per audience (title and body), a friend's comment and a photo on the friends-only one."""
    items = []
    for aud in (EVERYONE, FRIENDS_OF_FRIENDS, FRIENDS, GROUP, PRIVATE):
        title, body = words("dt" + aud[:3]), words("db" + aud[:3])
        diary_id = write_entry(world.subject, title, aud, body=body, group_id=world.group if aud == GROUP else None,
                               with_photo=aud == FRIENDS)
        ids = (("diary_id", diary_id),)
        urls: tuple[str, ...] = ()
        if aud == FRIENDS:
            photo_id = scalar("SELECT id FROM photos WHERE kind = 'diary' AND ref_id = ?", (diary_id,))
            urls = (f"/photo/{photo_id}",)  # the image itself (its /view page is walked with the other routes)
            ids += (("photo_id", photo_id),)
            comment = words("dcom")
            comment_id = diaries.add_comment(world.viewers["friend"], diary_id, comment)
            assert comment_id is not None
            items.append(Item("diary.comment", comment, audience(FRIENDS), ids=ids + (("comment_id", comment_id),)))
        items.append(Item(f"diary.{aud}.title", title, audience(aud), urls, ids))
        items.append(Item(f"diary.{aud}.body", body, audience(aud), ids=ids))
    return items


@kind
def albums(world: World) -> list[Item]:
    """An album per audience (title and description); on the friends-only one a captioned photo
    and a friend's comment; on the everyone one comments by the member the subject blocked and by
    the one who blocked the subject (written before the blocks), which the subject is not shown."""
    items = []
    for aud in (EVERYONE, FRIENDS_OF_FRIENDS, FRIENDS, GROUP, PRIVATE):
        title, description, caption = words("at" + aud[:3]), words("ad" + aud[:3]), words("acap")
        album_id = album_rules.create_album(world.subject, album_rules.Draft(
            title, description, aud, world.group if aud == GROUP else None))
        ids = (("album_id", album_id),)
        items += [Item(f"album.{aud}.title", title, audience(aud), ids=ids),
                  Item(f"album.{aud}.description", description, audience(aud), ids=ids)]
        if aud == FRIENDS:
            album_rules.add_photos(album_id, world.subject, [(photos.prepare(FakeUpload(small_photo())), caption)])
            photo_id = scalar("SELECT id FROM photos WHERE kind = 'album'")
            ids += (("photo_id", photo_id),)
            comment = words("acom")
            comment_id = album_comments.add_comment(world.viewers["friend"], album_id, comment)
            assert comment_id is not None
            items += [Item("album.caption", caption, audience(aud), (f"/photo/{photo_id}",), ids),
                      Item("album.comment", comment, audience(aud), ids=ids + (("comment_id", comment_id),))]
        if aud == EVERYONE:
            for writer in ("blocked", "blocker"):
                comment = words("abc")
                execute("INSERT INTO album_comments (album_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
                        (album_id, world.viewers[writer], comment, now()))
                execute("UPDATE albums SET comment_count = comment_count + 1 WHERE id = ?", (album_id,))
                comment_id = scalar("SELECT MAX(id) FROM album_comments")
                items.append(Item(f"album.comment_by_{writer}", comment, audience(aud) - {"self"},
                                  ids=ids + (("comment_id", comment_id),)))
    return items


def _topic(community_id: int, author: int, kind_name: str, seen_by: frozenset[str]) -> list[Item]:
    """A topic (title, body) and a comment on it, written by ``author``, a member of the
    community, each with a photo (its image and its page go to the topic's readers only)."""
    title, body, comment = words("tt"), words("tb"), words("tc")
    standing = communities.standing(community_id, author)
    topic_id = communities.create_topic(standing, title, body, [photos.prepare_bytes(small_photo())])
    communities.add_comment(standing, communities.get_topic(topic_id, author), comment,
                            [photos.prepare_bytes(small_photo())])
    comment_id = scalar("SELECT MAX(id) FROM community_comments WHERE topic_id = ?", (topic_id,))
    topic_photo = scalar("SELECT id FROM photos WHERE kind = 'topic' AND ref_id = ?", (topic_id,))
    comment_photo = scalar("SELECT id FROM photos WHERE kind = 'topic_comment' AND ref_id = ?", (comment_id,))
    ids = (("community_id", community_id), ("topic_id", topic_id), ("comment_id", comment_id))
    return [Item(f"{kind_name}.topic.title", title, seen_by, ids=ids),
            Item(f"{kind_name}.topic.body", body, seen_by, urls=(f"/photo/{topic_photo}",),
                 ids=ids + (("photo_id", topic_photo),)),
            Item(f"{kind_name}.topic.comment", comment, seen_by, urls=(f"/photo/{comment_photo}",),
                 ids=ids + (("photo_id", comment_photo),))]


@kind
def community_topics(world: World) -> list[Item]:
    """A board every member may read (the subject's community), and a members-only board another
    member (the stranger) owns and the subject joined: only its two members read that one."""
    open_board = communities.create_community(world.subject, "公開コミュ", "other", read_policy="everyone")
    closed = communities.create_community(world.viewers["stranger"], "会員限定コミュ", "other", read_policy="members")
    communities.join(communities.standing(closed, world.subject))
    return (_topic(open_board, world.subject, "community.everyone", audience(EVERYONE))
            + _topic(closed, world.subject, "community.members", frozenset({"self", "stranger"})))


def _closed_and_open_boards(world: World) -> tuple[int, int]:
    """The subject's open community and the stranger's members-only one (made by community_topics)."""
    open_board = scalar("SELECT id FROM communities WHERE owner_id = ?", (world.subject,))
    closed = scalar("SELECT id FROM communities WHERE owner_id = ?", (world.viewers["stranger"],))
    return open_board, closed


def _in_the_future(days: int) -> str:
    day = events.today() + datetime.timedelta(days=days)
    return f"{day.year}/{day.month}/{day.day}"


@kind
def community_events(world: World) -> list[Item]:
    """An event by the subject on each board (title, place, description), and on the closed
    board a participant named by a marker: the board's readers see them, no one else."""
    items = []
    for board, name, seen_by in zip(_closed_and_open_boards(world), ("everyone", "members"),
                                    (audience(EVERYONE), frozenset({"self", "stranger"}))):
        title, place, body = words("et"), words("ep"), words("eb")
        checked, errors = events.check_event(events.Draft(title, _in_the_future(30), "", place, "", body))
        assert errors == []
        event_id = events.create_event(communities.standing(board, world.subject), checked)
        ids = (("community_id", board), ("event_id", event_id))
        items += [Item(f"event.{name}.{part}", text, seen_by, ids=ids)
                  for part, text in (("title", title), ("place", place), ("body", body))]
    # On the closed board: someone only its members know of takes part.
    participant = Item("event.members.participant", words("epart"), frozenset({"self", "stranger"}), ids=ids)
    joiner = quick_member(participant.proof, f"joiner{secrets.token_hex(3)}@docomo.ne.jp")
    communities.join(communities.standing(board, joiner))
    events.join(communities.standing(board, joiner), events.get_event(event_id, joiner))
    return items + [participant]


@kind
def community_polls(world: World) -> list[Item]:
    """A poll by the subject on each board (its question and a choice), voted on by the subject."""
    items = []
    for board, name, seen_by in zip(_closed_and_open_boards(world), ("everyone", "members"),
                                    (audience(EVERYONE), frozenset({"self", "stranger"}))):
        question, choice = words("pq"), words("pc")
        checked, errors = polls.check_poll(polls.Draft(question, (choice, "ほか"), _in_the_future(30)))
        assert errors == []
        poll_id = polls.create_poll(communities.standing(board, world.subject), checked)
        found = polls.get_poll(poll_id, world.subject)
        polls.vote(communities.standing(board, world.subject), found,
                   scalar("SELECT MIN(id) FROM community_poll_choices WHERE poll_id = ?", (poll_id,)))
        ids = (("community_id", board), ("poll_id", poll_id))
        items += [Item(f"poll.{name}.question", question, seen_by, ids=ids),
                  Item(f"poll.{name}.choice", choice, seen_by, ids=ids)]
    return items


@kind
def profile_photo(world: World) -> list[Item]:
    """The subject's main photo, for friends of friends: on the profile and wherever the subject
    is listed with a thumbnail (friends' home grids and friend lists, 足あと), and its image."""
    execute("UPDATE members SET aud_photo = ? WHERE id = ?", (FRIENDS_OF_FRIENDS, world.subject))
    photo_id = profiles.add_photo(world.subject, photos.prepare_bytes(small_photo()))
    for visited in ("friend", "stranger"):  # the subject in their 足あと: the friend sees the photo, the stranger not
        footprints.record(world.subject, world.viewers[visited])
    return [Item("profile.photo", words("pph"), audience(FRIENDS_OF_FRIENDS), urls=(f"/photo/{photo_id}",),
                 ids=(("member_id", world.subject), ("photo_id", photo_id)),
                 shown_as=(f'src="/photo/{photo_id}?', f'href="/photo/{photo_id}/view'))]


@kind
def footprint(world: World) -> list[Item]:
    """A visit to the subject by a member named by the marker: only the subject sees who came.
    (The visitor's own profile is everyone's to see, so its id is not handed to the walk.)"""
    item = Item("footprint", words("foot"), frozenset({"self"}))
    visitor = quick_member(item.proof, f"visitor{secrets.token_hex(3)}@docomo.ne.jp")
    footprints.record(visitor, world.subject)
    return [item]


@kind
def favorite_members(world: World) -> list[Item]:
    """お気に入り, each named by a marker (their profiles are everyone's, so their ids are not
    handed to the walk): a member the subject added, seen by the subject alone; a member who
    added the subject, never told (seen by no one); a favourite who blocked the subject in a
    request that raced the addition, and a suspended favourite: shown to no one."""
    kept, admirer, racing, suspended = (Item("favorite.member", words("fav"), frozenset({"self"})),
                                        Item("favorite.of_subject", words("favby"), frozenset()),
                                        Item("favorite.blocker", words("favblk"), frozenset()),
                                        Item("favorite.suspended", words("favsus"), frozenset()))
    made = {item.kind: quick_member(item.proof, f"fav{secrets.token_hex(3)}@docomo.ne.jp")
            for item in (kept, admirer, racing, suspended)}
    favorites.add_member(world.subject, made[kept.kind])
    favorites.add_member(made[admirer.kind], world.subject)
    favorites.add_member(world.subject, made[racing.kind])
    favorites.add_member(world.subject, made[suspended.kind])
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)",
            (made[racing.kind], world.subject, now()))
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (made[suspended.kind],))
    return [kept, admirer, racing, suspended]


@kind
def private_messages(world: World) -> list[Item]:
    """One message the subject sent (to the friend of a friend), one it received (from the stranger)."""
    items = []
    for sender, recipient, relation in ((world.subject, world.viewers["friend_of_friend"], "friend_of_friend"),
                                        (world.viewers["stranger"], world.subject, "stranger")):
        subject, body = words("ms"), words("mb")
        message_id = messages.send(sender, recipient, subject, body)
        seen_by = frozenset({"self", relation})
        items += [Item(f"message.to_{relation}.subject", subject, seen_by, ids=(("message_id", message_id),)),
                  Item(f"message.to_{relation}.body", body, seen_by, ids=(("message_id", message_id),))]
    return items


@kind
def introduction(world: World) -> list[Item]:
    """The friend's approved introduction of the subject, read by those who may see the friend list."""
    item = Item("introduction", words("intro"), audience(FRIENDS_OF_FRIENDS))
    execute("UPDATE members SET aud_friends = ? WHERE id = ?", (FRIENDS_OF_FRIENDS, world.subject))
    introductions.write(world.viewers["friend"], world.subject, item.text)
    intro_id = scalar("SELECT id FROM introductions WHERE member_id = ?", (world.subject,))
    assert introductions.approve(world.subject, intro_id)
    return [Item(item.kind, item.text, item.seen_by, ids=(("introduction_id", intro_id),))]


@kind
def comment_history(world: World) -> list[Item]:
    """The stranger's comment on an entry the subject later narrowed to friends: gone from the
    stranger's コメント記入履歴 with the entry."""
    title = words("chist")
    diary_id = write_entry(world.subject, title, EVERYONE)
    item = Item("comment_history", words("chc"), audience(FRIENDS), ids=(("diary_id", diary_id),))
    assert diaries.add_comment(world.viewers["stranger"], diary_id, item.text) is not None
    assert diaries.update_entry(diary_id, world.subject, diaries.Draft(title, "本文です。", FRIENDS, None))
    return [item]


@kind
def data_archive(world: World) -> list[Item]:
    """The subject's データのダウンロード (with a private entry in it): only the subject fetches it."""
    item_text = words("arch")
    write_entry(world.subject, item_text, PRIVATE)
    archive_id = archives.request(world.subject).id
    return [Item("archive", item_text, audience(PRIVATE), urls=(f"/settings/download/{archive_id}",),
                 ids=(("archive_id", archive_id),))]


@pytest.fixture
def world(app, cheap_passwords):  # noqa: F811
    subject = quick_member("subject", "subject@docomo.ne.jp")
    friend = quick_member("友人", "friend@docomo.ne.jp")
    other_friend = quick_member("別の友人", "other@au.com")
    fof = quick_member("友人の友人", "fof@ezweb.ne.jp")
    stranger = quick_member("他人", "stranger@softbank.ne.jp")
    outsider = quick_member("部外者", "outsider@docomo.ne.jp")
    blocked = quick_member("ブロック", "blocked@docomo.ne.jp")
    blocker = quick_member("ブロックした人", "blocker@docomo.ne.jp")
    friends.befriend(subject, friend)
    friends.befriend(subject, other_friend)
    friends.befriend(friend, fof)
    friends.befriend(friend, blocked)  # a friend of a friend, but blocked by the subject
    friends.befriend(friend, blocker)  # a friend of a friend, who blocked the subject
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (subject, blocked, now()))
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (blocker, subject, now()))
    execute("INSERT INTO friend_groups (owner_id, name, created_at) VALUES (?, ?, ?)", (subject, "親友", now()))
    group = scalar("SELECT id FROM friend_groups WHERE owner_id = ?", (subject,))
    execute("INSERT INTO friend_group_members (group_id, member_id) VALUES (?, ?)", (group, friend))
    w = World(subject, {"self": subject, "friend": friend, "other_friend": other_friend, "friend_of_friend": fof,
                        "stranger": stranger, "outsider": outsider, "blocked": blocked, "blocker": blocker,
                        "signed_out": None}, group)
    for make in KINDS:
        w.items.extend(make(w))
    return w


def _body(response) -> str:
    charset = (response.charset or "utf-8").lower()
    return response.body.decode("cp932" if charset in ("shift_jis", "cp932") else "utf-8", "replace")


def _walk(client, world: World, app):
    """Every page this viewer reaches (home, every GET route with the subject's ids, and onwards),
    and the GET forms (search) on them."""
    starts = ["/"]
    ids = world.ids()
    everything = sorted({i for values in ids.values() for i in values}, key=int)
    for _method, rule in route_rules(app, "GET"):
        if rule.startswith("/out"):
            continue
        # Each int wildcard gets the ids made for it (any id if no kind made one): <diary_id:int> -> <diaryid:diaryid>.
        values = {}

        def keyed(m):
            if m[2] != "int":
                return m[0]
            key = m[1].replace("_", "").lower()
            values[key] = ids.get(m[1], everything)
            return f"<{key}:{key}>"

        starts += fill(WILDCARD.sub(keyed, rule), values, ["x"])
    pages, get_forms = {}, {}
    limit = 1200
    for path, response in crawl(client, starts=starts, limit=limit):
        assert response.status_int < 500, (path, response.errors)
        pages[path] = _body(response)
        if response.status_int == 200 and "<form" in pages[path]:
            for spec in forms_of(path, response):
                if spec.method == "GET" and spec.text_fields and not spec.action.startswith("/out"):
                    get_forms.setdefault(spec.key, spec)
    assert len(pages) < limit, "the walk stopped at its limit: some routes were never visited"
    return pages, list(get_forms.values())


def _search(viewer, spec, query: str) -> str:
    """Submit a GET form with ``query`` in its text fields; the answer with the query blanked out."""
    values = [(name, query if name in spec.text_fields else default) for name, _kind, default in spec.fields]
    url = spec.action + ("&" if "?" in spec.action else "?") + "&".join(f"{quote(k)}={quote(v)}" for k, v in values)
    response = viewer.get(viewer.with_sid(url), status="*", expect_errors=True)
    assert response.status_int < 500, (url, response.errors)
    return _body(response).replace(query, "<Q>").replace(quote(query), "<Q>")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_content_reaches_exactly_its_audience(client, world, app, relation, device):
    viewer = client(DEVICES[device])
    if world.viewers[relation] is not None:
        start_session(viewer, world.viewers[relation])
    pages, get_forms = _walk(viewer, world, app)

    for item in world.items:
        allowed = relation in item.seen_by
        where = [path for path, body in pages.items() if item.shown_on(body)]
        if allowed:
            assert where, f"{item.kind}: {relation} on {device} may see it, but no page shows it"
        else:
            assert not where, f"{item.kind}: shown to {relation} on {device} at {where}"
        for url in item.urls:
            response = viewer.get(viewer.with_sid(url), status="*", expect_errors=True)
            if allowed:
                assert response.status_int == 200, (item.kind, relation, url, response.status)
                assert response.content_type.startswith(("image/", "application/zip")), (
                    item.kind, relation, url, response.content_type)
            else:
                assert response.status_int in (403, 404), (item.kind, relation, url, response.status)

    # A search for what the viewer may not see answers exactly as a search for nothing.
    for spec in get_forms:
        nothing = _search(viewer, spec, "qzz" + secrets.token_hex(4))
        for item in world.items:
            if relation not in item.seen_by:
                assert _search(viewer, spec, item.term) == nothing, (
                    f"searching for {item.kind} tells {relation} on {device} something", spec.action)


def test_the_audit_content_covers_every_relation(world):
    """The audit is only as good as its content: each relation is allowed something and refused something."""
    for relation in RELATIONS:
        if relation not in ("blocked", "blocker", "signed_out"):
            assert any(relation in item.seen_by for item in world.items), relation
        if relation != "self":
            assert any(relation not in item.seen_by for item in world.items), relation


# ---- counts ---------------------------------------------------------------------------------
#
# Every number a page shows about a list (comments, members, topics, friends, search results,
# home notices) must be the number of items that list shows the same viewer, walked to its end.
# The world: a subject with a diary entry and a community whose comments, members and topics
# come from members the viewers stand to differently, and one suspended member.  Viewers: the
# subject, a friend, a friend of a friend, a stranger, a member the subject blocked, a member
# who blocked the subject, and a third party who blocked one of the commenters.  Each count on
# every page the viewer reaches is matched to its list (COUNTS); a number on a page that no
# pattern explains fails the audit (UNEXPLAINED), so a new count cannot go unchecked.

COUNT_VIEWERS = ("self", "friend", "friend_of_friend", "stranger", "blocked", "blocker", "third_party")

# (pattern, what it counts): group "id" names the list's owner, group "n" the number shown.
COUNTS = [
    (r'href="/diary/(?P<id>\d+)">[^<]*</a>(?: 📷)? <span class="meta">（コメント (?P<n>\d+)）', "diary_comments"),
    (r'href="/album/(?P<id>\d+)">[^<]*</a> <span class="meta">（写真 \d+枚・コメント (?P<n>\d+)）', "album_comments"),
    (r'<h2>コメント（(?P<n>\d+)）</h2>', "page_comments"),
    (r'href="/topic/(?P<id>\d+)">[^<]*</a> \((?P<n>\d+)\)', "topic_comments"),
    (r'href="/community/(?P<id>\d+)"><strong>[^<]*</strong></a></p>\n<p class="meta">[^<]*? / メンバー (?P<n>\d+)人',
     "community_members"),
    (r'href="/community/(?P<id>\d+)"><strong>[^<]*</strong></a></p>\n<p class="meta">[^<]*? / トピック (?P<n>\d+)</p>',
     "community_topics"),
    (r'<dt>メンバー</dt><dd>(?P<n>\d+)人</dd>', "page_members"),
    (r'<h1>メンバー（(?P<n>\d+)人）</h1>', "page_members"),
    (r'<h2>トピック（(?P<n>\d+)）</h2>', "page_topics"),
    (r'<h1>トピック一覧（(?P<n>\d+)）</h1>', "page_topics"),
    (r'href="/community/(?P<id>\d+)">[^<]*</a>\s<span class="meta">[^<]*? / メンバー (?P<n>\d+)人 / トピック \d+ /',
     "community_members"),
    (r'href="/community/(?P<id>\d+)">[^<]*</a>\s<span class="meta">[^<]*? / メンバー \d+人 / トピック (?P<n>\d+) /',
     "community_topics"),
    (r'href="/community/(?P<id>\d+)">[^<]*</a>\s<span class="meta">[^<]*? / (?P<n>\d+)人</span>', "community_members"),
    (r'href="/community/(?P<id>\d+)/requests">参加申請（(?P<n>\d+)）', "community_requests"),
    (r'href="/community/(?P<id>\d+)/reports">報告された書き込み（(?P<n>\d+)）', "community_reports"),
    (r'href="/member/(?P<id>\d+)/friends">友人（(?P<n>\d+) ?人）', "member_friends"),
    (r'href="/friends">友人（(?P<n>\d+) ?人）', "own_friends"),
    # home's grid of friends: each friend's count, where their friend list's audience shows it
    (r'href="/member/(?P<id>\d+)">(?:<img [^>]*>|<span class="nophoto">写真なし</span>)\n?<span class="name">[^<]*（(?P<n>\d+)）</span>',
     "member_friends"),
    (r'参加コミュニティ（(?P<n>\d+)）', "member_communities"),
    (r'href="/community/(?P<id>\d+)">[^<]*</a> <span class="meta">[^<]*?・(?P<n>\d+)人</span>', "community_members"),
    (r'(?P<label>メンバー|コミュニティ|日記|トピック)(?:</a>)?（(?P<n>\d+)件）', "search_results"),
    (r'<a href="[^"]*">(?P<label>[^<]*?) (?P<n>\d+)件</a>', "home_notice"),
    (r'href="/diary/(?P<id>\d+)">[^<]*</a>（(?P<n>\d+)件）', "unread_comments"),
    (r'href="/member/(?P<member>\d+)/diary/(?P<id>\d{6})">[^<]*</a> <span class="meta">（(?P<n>\d+)件）', "diary_month"),
    (r'<h2>お気に入りのメンバー（(?P<n>\d+)人）</h2>', "favorite_members"),
    (r'<h2>お気に入りのコミュニティ（(?P<n>\d+)）</h2>', "favorite_communities"),
]
# Numbers that are no count of a list: page sizes, a form's limits.
NOT_COUNTS = [r"次の\d+件", r"新しい\d+件", r"\d+件まで", r"\d+人まで",
              r"ほか ?\d+\+? ?人"]  # mutual friends and birthdays beyond the names shown: no list of them
NUMBER = re.compile(r"（コメント \d+）|[（(]\d+[)）]|\d+ ?人|\d+件")


@dataclass
class CountWorld:
    viewers: dict[str, int]
    subject: int
    entry: int
    album: int
    community: int
    topic: int
    term: str


@pytest.fixture
def count_world(app, cheap_passwords):  # noqa: F811
    from keitai.admin import rules as admin
    from keitai.friends import blocks

    def member(nickname, mail):
        return quick_member(nickname, mail)

    subject = member("本人", "subject@docomo.ne.jp")
    friend = member("友人", "friend@docomo.ne.jp")
    fof = member("友人の友人", "fof@ezweb.ne.jp")
    stranger = member("他人", "stranger@softbank.ne.jp")
    blocked = member("ブロックされた", "blocked@docomo.ne.jp")
    blocker = member("ブロックした", "blocker@docomo.ne.jp")
    third = member("第三者", "third@docomo.ne.jp")
    commenter = member("書き手", "commenter@docomo.ne.jp")
    suspended = member("停止中", "suspended@docomo.ne.jp")
    operator = member("運営", "operator@docomo.ne.jp")
    term = "qcnt" + secrets.token_hex(3)
    for a, b in ((subject, friend), (friend, fof), (subject, commenter), (subject, suspended), (subject, blocked),
                 (subject, blocker)):
        friends.befriend(a, b)
    execute("UPDATE members SET aud_friends = 'everyone', nickname = nickname || ? WHERE id IN (?, ?, ?, ?, ?)",
            (" " + term, subject, commenter, suspended, blocked, blocker))
    entry = write_entry(subject, f"日記 {term}", EVERYONE, body="本文")
    write_entry(commenter, f"書き手の日記 {term}", EVERYONE, body="本文")
    write_entry(suspended, f"停止中の日記 {term}", EVERYONE, body="本文")
    for who in (friend, commenter, blocked, blocker, suspended, commenter):
        diaries.add_comment(who, entry, "コメント")
    album = album_rules.create_album(subject, album_rules.Draft(f"アルバム {term}", "", EVERYONE, None))
    for who in (friend, commenter, blocked, blocker, suspended, commenter):
        album_comments.add_comment(who, album, "コメント")
    community = communities.create_community(subject, f"コミュ {term}", "other")
    communities.create_community(commenter, f"書き手のコミュ {term}", "other")
    for who in (friend, commenter, blocked, blocker, suspended, third):
        communities.join(communities.standing(community, who))
    topic = communities.create_topic(communities.standing(community, subject), "話題", "本文")
    for who in (friend, commenter, blocked, blocker, suspended, commenter):
        communities.add_comment(communities.standing(community, who), communities.get_topic(topic, who), "書き込み")
    for who in (commenter, blocked, blocker, suspended):
        communities.create_topic(communities.standing(community, who), "別の話題", "本文")
    for who in (blocked, commenter, suspended):  # the friend reports a comment of each, to the owner
        comment = scalar("SELECT MAX(cm.id) FROM community_comments cm WHERE cm.author_id = ?", (who,))
        reports.file_report(friend, "topic_comment", comment, "spam")
    for who in (friend, blocked, blocker, suspended, commenter):
        footprints.record(who, subject)
        messages.send(who, subject, "件名", "本文")
    # お気に入り: the subject's, before the blocks (which drop the blocked and the blocker) and
    # the suspension; after them, the blocker's row again, as a request racing the block leaves it.
    for who in (friend, commenter, suspended, blocked, blocker, third):
        favorites.add_member(subject, who)
    favorites.add_community(subject, community)
    blocks.block(subject, blocked)
    blocks.block(blocker, subject)
    blocks.block(third, commenter)
    execute("INSERT INTO favorite_members (member_id, favorite_id, created_at) VALUES (?, ?, ?)", (subject, blocker, now()))
    execute("UPDATE members SET is_admin = TRUE WHERE id = ?", (operator,))
    admin.suspend(operator, suspended, "荒らし")
    return CountWorld({"self": subject, "friend": friend, "friend_of_friend": fof, "stranger": stranger,
                       "blocked": blocked, "blocker": blocker, "third_party": third},
                      subject, entry, album, community, topic, term)


def _items(client, start: str, pattern: str) -> set[str]:
    """The items of a list (``pattern`` matched inside its ``<ul class="items">``), over every page
    of it: links to the same path with a cursor (``before``, ``after``) are followed."""
    found, seen, queue = set(), set(), [start]
    path = urlsplit(start).path
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(client.with_sid(url), status="*", expect_errors=True)
        if response.status_int != 200:
            continue
        body = _body(response)
        for block in re.findall(r'<ul class="items">(.*?)</ul>', body, re.S):
            found.update(re.findall(pattern, block))
        for href in re.findall(r'href="([^"]+)"', body):
            href = href.replace("&amp;", "&")
            cursor = {k for k, _v in parse_qsl(urlsplit(href).query)} & {"before", "after"}
            if urlsplit(href).path == path and cursor and href not in seen:
                queue.append(href)
    return found


def _list_of(client, world: CountWorld, what: str, page: str, match) -> set[str]:
    """The items that ``match`` (a count of ``what`` on ``page``) counts, as this viewer sees them."""
    ident = match.groupdict().get("id")
    here = urlsplit(page).path
    if what == "album_comments" or (what == "page_comments" and here.startswith("/album/")):
        return _items(client, f"/album/{ident or here.split('/')[2]}", r'<li id="c(\d+)"')
    if what in ("diary_comments", "page_comments") and (ident or here.startswith("/diary/")):
        diary_id = ident or here.split("/")[2]
        return _items(client, f"/diary/{diary_id}", r'<li id="c(\d+)"')
    if what in ("topic_comments", "page_comments"):
        topic_id = ident or here.split("/")[2]
        return _items(client, f"/topic/{topic_id}?after=0", r'<li id="c(\d+)"')
    if what in ("community_members", "page_members"):
        community_id = ident or here.split("/")[2]
        return _items(client, f"/community/{community_id}/members", r'href="/member/(\d+)"')
    if what in ("community_topics", "page_topics"):
        community_id = ident or here.split("/")[2]
        return _items(client, f"/community/{community_id}/topics", r'href="/topic/(\d+)"')
    if what == "community_requests":
        return _items(client, f"/community/{ident}/requests", r'<li><a href="/member/(\d+)"')
    if what == "community_reports":
        return _items(client, f"/community/{ident}/reports", r'action="/community/\d+/reports/(\d+)"')
    if what == "member_friends":
        return _items(client, f"/member/{ident}/friends", r'href="/member/(\d+)"')
    if what == "member_communities":
        return _items(client, f"/member/{here.split('/')[2]}/communities", r'href="/community/(\d+)"')
    if what == "own_friends":
        return _items(client, "/friends", r'href="/member/(\d+)"')
    if what == "favorite_members":
        return _items(client, "/favorites", r'href="/member/(\d+)"')
    if what == "favorite_communities":
        return _items(client, "/favorites", r'href="/community/(\d+)"')
    if what == "diary_month":
        return _items(client, f"/member/{match['member']}/diary/{ident}", r'href="/diary/(\d+)"')
    if what == "search_results":
        kind = {"メンバー": "member", "コミュニティ": "community", "日記": "diary", "トピック": "topic"}[match["label"]]
        query = dict(parse_qsl(urlsplit(page).query))
        return _items(client, f"/search?q={quote(query['q'])}&kind={kind}", r'<li><a href="(/[a-z]+/\d+)"')
    raise AssertionError(f"no list for {what} on {page}")


def _count_pages(client, world: CountWorld) -> dict[str, str]:
    s, c = world.subject, world.community
    starts = ["/", f"/member/{s}", f"/member/{s}/diary", f"/diary/{world.entry}", f"/member/{s}/albums",
              f"/album/{world.album}", f"/community/{c}",
              f"/community/{c}/topics", f"/community/{c}/members", f"/topic/{world.topic}", "/communities",
              "/communities/mine", "/communities/newest", "/communities/active", "/feed", "/friends",
              f"/search?q={world.term}&kind=member", f"/search?q={world.term}&kind=community",
              f"/search?q={world.term}&kind=diary"]
    starts += [f"/member/{m}" for m in world.viewers.values()]
    # The handset preview (/tools/handset) shows handset pages, whose counts have handset words;
    # a profile "as others see it" (?as=) shows another viewer's counts, by design.
    walk = crawl(client, starts=starts, limit=400, follow=lambda path: not path.startswith("/tools/"))
    return {path: _body(response) for path, response in walk
            if response.status_int == 200 and "html" in response.content_type
            and "as" not in dict(parse_qsl(urlsplit(path).query))}


#: What each viewer is shown, written down (None: not shown at all).  Comments on the entry, the album and
#: on the topic: the friend, the commenter (twice), the blocked member, the blocker, the suspended
#: member.  Members: the subject, the friend, the commenter, the blocked member, the blocker, the
#: suspended member, the third party.  Topics: the subject's, the commenter's, the blocked
#: member's, the blocker's, the suspended member's.  The subject's friends: the friend, the
#: commenter, the suspended member (blocking ended the friendships with the other two).  The
#: subject's お気に入り: the friend, the commenter, the third party (of six added, the blocked
#: member and the blocker are gone and the suspended member hidden).
EXPECTED = {
    # the blocked member, the blocker and the suspended member hidden
    # (and of the reported comments of the blocked member, the commenter and the suspended member,
    # the commenter's alone waits for the owner)
    "self": dict(diary=3, album=3, topic=3, members=4, topics=2, friends=2, reports=1, favorites=3),
    # only the suspended member hidden
    "friend": dict(diary=5, album=5, topic=5, members=6, topics=4, friends=2),
    "friend_of_friend": dict(diary=5, album=5, topic=5, members=6, topics=4, friends=2),
    "stranger": dict(diary=5, album=5, topic=5, members=6, topics=4, friends=2),
    # the subject (whose entry, topic and profile they cannot open) and the suspended member hidden
    "blocked": dict(diary=None, album=None, topic=None, members=5, topics=3, friends=None),
    "blocker": dict(diary=None, album=None, topic=None, members=5, topics=3, friends=None),
    # who blocked the commenter: the commenter and the suspended member hidden
    "third_party": dict(diary=3, album=3, topic=3, members=5, topics=3, friends=1),
}


@pytest.mark.parametrize("relation", COUNT_VIEWERS)
def test_every_count_agrees_with_the_list_it_counts(client, count_world, relation):
    world = count_world
    viewer = client(PC)
    start_session(viewer, world.viewers[relation])
    pages = _count_pages(viewer, world)
    checked = []
    for page, body in pages.items():
        explained = []
        for pattern, what in COUNTS:
            for match in re.finditer(pattern, body):
                explained.append(match.span("n"))
                if what == "home_notice" or what == "unread_comments":
                    checked.append((what, page, match["n"]))
                    continue
                items = _list_of(viewer, world, what, page, match)
                assert int(match["n"]) == len(items), (
                    f"{relation} on {page}: {match.group(0)!r} but the list shows {len(items)}: {sorted(items)}")
                checked.append((what, match.groupdict().get("id") or page, int(match["n"])))
        for exempt in NOT_COUNTS:
            explained += [m.span() for m in re.finditer(exempt, body)]
        for number in NUMBER.finditer(body):
            digits = re.search(r"\d+", number.group(0))
            start = number.start() + digits.start()
            assert any(a <= start < b for a, b in explained), (
                f"{relation} on {page}: a number no count pattern explains: {body[max(0, number.start() - 80):number.end() + 20]!r}")

    shown = {(what, key): n for what, key, n in checked if what not in ("home_notice", "unread_comments")}
    where = {"diary": ("diary_comments", str(world.entry)), "album": ("album_comments", str(world.album)),
             "topic": ("topic_comments", str(world.topic)),
             "members": ("page_members", f"/community/{world.community}"),
             "topics": ("page_topics", f"/community/{world.community}"),
             "friends": ("member_friends", str(world.subject)),
             "reports": ("community_reports", str(world.community)),
             "favorites": ("favorite_members", "/favorites")}
    for name, expected in EXPECTED[relation].items():
        assert shown.get(where[name]) == expected, (relation, name, shown)


def test_the_subjects_home_counts_what_waits_for_them_and_nothing_hidden(client, count_world):
    """Home: the entry with new comments (the friend's and the commenter's two; not the blocked
    member's, the blocker's or the suspended member's), new footprints and unread messages likewise;
    and the new-comment count home leaves to that row is the same where it is said."""
    viewer = client(PC)
    start_session(viewer, count_world.subject)
    home = _body(viewer.get("/"))
    notices = dict(re.findall(r'<a href="[^"]*">([^<]*?) (\d+)件</a>', home))
    assert notices == {"新しい足あと": "2", "未読メッセージ": "2"}, notices
    assert re.search(r'href="/diary/%d">[^<]*</a>（3件）' % count_world.entry, home), home
    assert diaries.new_comment_count(count_world.subject) == 3
    footprints_page = _body(viewer.get("/footprints"))
    assert "友人" in footprints_page and "書き手" in footprints_page
    assert "ブロック" not in footprints_page and "停止中" not in footprints_page
    inbox = _body(viewer.get("/messages"))
    assert "書き手" in inbox and "停止中" not in inbox and "ブロック" not in inbox


@pytest.mark.parametrize("relation", COUNT_VIEWERS)
def test_handset_pages_count_what_the_pc_pages_count(client, count_world, relation):
    """The same written-down numbers on a docomo i-mode 1.0 handset's pages (their own words)."""
    world = count_world
    phone = client(DOCOMO_1)
    start_session(phone, world.viewers[relation])

    def page(path: str) -> str:
        response = phone.get(phone.with_sid(path), status="*", expect_errors=True)
        return _body(response) if response.status_int == 200 else ""

    diary_list, entry = page(f"/member/{world.subject}/diary"), page(f"/diary/{world.entry}")
    community, topic = page(f"/community/{world.community}"), page(f"/topic/{world.topic}")
    profile = page(f"/member/{world.subject}")
    album = page(f"/album/{world.album}")

    def number(pattern: str, body: str) -> int | None:
        found = re.search(pattern, body)
        return int(found.group(1)) if found else None

    shown = {
        "diary": number(r'href="/diary/%d\?[^"]*">[^<]*</a>\((\d+)\)' % world.entry, diary_list),
        "album": number(r'ｺﾒﾝﾄ\((\d+)\)', album),
        "topic": number(r'■ｺﾒﾝﾄ\((\d+)\)', topic),
        "members": number(r'ﾒﾝﾊﾞｰ(\d+)人', community),
        "topics": number(r'■ﾄﾋﾟｯｸ\((\d+)\)', community),
        "friends": number(r'友人\((\d+)人\)', profile),
    }
    if shown["diary"] is not None:
        assert number(r'ｺﾒﾝﾄ\((\d+)\)', entry) == shown["diary"]
    expected = {name: n for name, n in EXPECTED[relation].items() if name != "reports"}
    if "favorites" in expected:
        shown["favorites"] = number(r'■ﾒﾝﾊﾞｰ\((\d+)人\)', page("/favorites"))
    assert shown == expected, (relation, shown)


# --- The profile's lines that carry no marker: 最終ログイン and 参加コミュニティ -------------------

LAST_LOGIN = {"pc": "最終ログイン：", "docomo1": "最終ﾛｸﾞｲﾝ:"}
COMMUNITIES = {"pc": re.compile(r"参加コミュニティ（(\d+)）"), "docomo1": re.compile(r"参加ｺﾐｭﾆﾃｨ\((\d+)\)")}

#: How many of the subject's diary entries (one per audience) each viewer may read.
#: One per audience, plus the comment history's entry narrowed to friends and the archive's private one.
READABLE_ENTRIES = {"self": 7, "friend": 5, "other_friend": 4, "friend_of_friend": 2, "stranger": 1, "outsider": 1}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_last_login_and_communities_on_the_profile_follow_their_audience(client, world, relation, device):
    """最終ログイン (open to friends here) is said coarsely to those its audience lets see it and
    to no one else; 参加コミュニティ lists, and counts, only the communities whose members the
    viewer may know: the open one for everyone, the members-only one for its members."""
    execute("UPDATE members SET aud_last_login = ? WHERE id = ?", (FRIENDS, world.subject))
    viewer = client(DEVICES[device])
    if world.viewers[relation] is not None:
        start_session(viewer, world.viewers[relation])
    # Two days ago (a signed-in self has just been seen, which the line then says).
    execute("UPDATE members SET last_login_at = ? WHERE id = ?", (now() - 2 * 86400, world.subject))
    profile = viewer.get(viewer.with_sid(f"/member/{world.subject}"), status="*", expect_errors=True)
    listing = viewer.get(viewer.with_sid(f"/member/{world.subject}/communities"), status="*", expect_errors=True)
    body, all_of_them = _body(profile), _body(listing)
    if relation in ("blocked", "blocker", "signed_out"):
        for page in (body, all_of_them):
            assert "公開コミュ" not in page and LAST_LOGIN[device] not in page, relation
        return
    assert profile.status_int == 200 and listing.status_int == 200
    said = f"{LAST_LOGIN[device]}{'3時間以内' if relation == 'self' else '3日以内'}"
    assert (said in body) == (relation in ("self", "friend", "other_friend")), (relation, device)
    assert body.count(LAST_LOGIN[device]) == (1 if relation in ("self", "friend", "other_friend") else 0)

    members_may_know = relation in ("self", "stranger")  # the stranger owns the members-only one
    for page in (body, all_of_them):
        assert "公開コミュ" in page, (relation, device)
        assert ("会員限定コミュ" in page) == members_may_know, (relation, device)
        assert COMMUNITIES[device].search(page).group(1) == ("2" if members_may_know else "1"), (relation, device)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_counts_tell_no_more_than_their_lists(client, world, relation, device):
    """The diary's 月別アーカイブ counts and an event's participant count, for each viewer: a
    count is the length of the list that viewer is shown."""
    viewer = client(DEVICES[device])
    if world.viewers[relation] is not None:
        start_session(viewer, world.viewers[relation])
    months = viewer.get(viewer.with_sid(f"/member/{world.subject}/diary/months"), status="*", expect_errors=True)
    numbers = [int(n) for n in re.findall(r"年\d{1,2}月</a>\D{0,30}?(\d+)", _body(months))]
    assert sum(numbers) == READABLE_ENTRIES.get(relation, 0), (relation, device, numbers)
    # The closed board's event: its members see both participants (the subject and the joiner).
    event = scalar("SELECT e.id FROM community_events e JOIN communities c ON c.id = e.community_id"
                   " WHERE c.owner_id = ?", (world.viewers["stranger"],))
    page = viewer.get(viewer.with_sid(f"/event/{event}"), status="*", expect_errors=True)
    if relation in ("self", "stranger"):
        assert ("参加者(2人)" if device == "docomo1" else "参加者（2人）") in _body(page), (relation, device)
    else:
        assert "参加者" not in _body(page), (relation, device, page.status)
