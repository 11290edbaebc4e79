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
from urllib.parse import quote

import pytest

from conftest import DOCOMO_1, PC
from diary_helpers import write_entry
from keitai.platform.db.connection import execute, now, scalar
from keitai import communities
from keitai import diary as diaries
from keitai.footprints import rules as footprints
from keitai.friends import rules as friends
from keitai.events import rules as events
from keitai.introductions import rules as introductions
from keitai.messages import rules as messages
from keitai.polls import rules as polls
from keitai.profiles import rules as profiles
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


def _topic(community_id: int, author: int, kind_name: str, seen_by: frozenset[str]) -> list[Item]:
    """A topic (title, body) and a comment on it, written by ``author``, a member of the community."""
    title, body, comment = words("tt"), words("tb"), words("tc")
    standing = communities.standing(community_id, author)
    topic_id = communities.create_topic(standing, title, body)
    communities.add_comment(standing, communities.get_topic(topic_id, author), comment)
    comment_id = scalar("SELECT MAX(id) FROM community_comments WHERE topic_id = ?", (topic_id,))
    ids = (("community_id", community_id), ("topic_id", topic_id), ("comment_id", comment_id))
    return [Item(f"{kind_name}.topic.title", title, seen_by, ids=ids),
            Item(f"{kind_name}.topic.body", body, seen_by, ids=ids),
            Item(f"{kind_name}.topic.comment", comment, seen_by, ids=ids)]


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
def footprint(world: World) -> list[Item]:
    """A visit to the subject by a member named by the marker: only the subject sees who came.
    (The visitor's own profile is everyone's to see, so its id is not handed to the walk.)"""
    item = Item("footprint", words("foot"), frozenset({"self"}))
    visitor = quick_member(item.proof, f"visitor{secrets.token_hex(3)}@docomo.ne.jp")
    footprints.record(visitor, world.subject)
    return [item]


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
    limit = 1000
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
                assert response.content_type.startswith("image/"), (item.kind, relation, url, response.content_type)
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


# --- The profile's lines that carry no marker: 最終ログイン and 参加コミュニティ -------------------

LAST_LOGIN = {"pc": "最終ログイン：", "docomo1": "最終ﾛｸﾞｲﾝ:"}
COMMUNITIES = {"pc": re.compile(r"参加コミュニティ（(\d+)）"), "docomo1": re.compile(r"参加ｺﾐｭﾆﾃｨ\((\d+)\)")}

#: How many of the subject's diary entries (one per audience) each viewer may read.
READABLE_ENTRIES = {"self": 5, "friend": 4, "other_friend": 3, "friend_of_friend": 2, "stranger": 1, "outsider": 1}


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
