"""The privacy audit: every piece of a member's content appears exactly where its audience
allows, on PC and handset pages, through every route, list, feed, count and search.

A subject member owns content of every kind, each item written with its own marker and
audience.  Viewers stand to the subject as self, friend, friend of friend, stranger,
blocked (the subject blocked them; they would otherwise be a friend of a friend) and
signed out.  For each viewer and device the audit collects every page it can reach: a
crawl from home, every GET route in ``app.routes`` with the subject's ids filled in
(following links from there, so split handset pages and lists are read to the end), and
every GET form (search) submitted with each item's search word.  Then each item's proof
word must be somewhere in those pages if and only if the viewer is in its audience, and
a search for an item the viewer may not see must answer exactly as a search for nothing.

Adding a kind of content: write a function ``(world) -> list[Item]`` that creates the
subject's content through the feature's own social/ functions, decorate it ``@kind``,
and give each item a text from :func:`words` (keep it short: a handset page split
inside a word would hide it) and the relations that may see it (:func:`audience`).
Photos and other direct addresses go in ``Item.urls``: those in the audience get them,
everyone else a refusal.  ``Item.ids`` names the rows an item made, by the route wildcard
that takes them (``("diary_id", 12)``): each route is visited with the ids of its own
wildcards, which keeps the walk short as kinds are added.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote

import pytest

from conftest import DOCOMO_1, PC
from diary_helpers import write_entry
from keitai.platform.db.connection import execute, now, scalar
from keitai import communities
from keitai.accounts import archive as archives
from keitai import diary as diaries
from keitai.footprints import rules as footprints
from keitai.friends import rules as friends
from keitai.introductions import rules as introductions
from keitai.messages import rules as messages
from keitai.privacy import EVERYONE, FRIENDS, FRIENDS_OF_FRIENDS, GROUP, PRIVATE
from sitewalk import (WILDCARD, cheap_passwords, crawl, fill, forms_of, quick_member,  # noqa: F401
                      route_rules, start_session)

RELATIONS = ("self", "friend", "friend_of_friend", "stranger", "blocked", "signed_out")
DEVICES = {"pc": PC, "docomo1": DOCOMO_1}


def audience(value: str) -> frozenset[str]:
    """The relations that may see an item with this audience (the friend is in the subject's group)."""
    return frozenset({
        EVERYONE: {"self", "friend", "friend_of_friend", "stranger"},
        FRIENDS_OF_FRIENDS: {"self", "friend", "friend_of_friend"},
        FRIENDS: {"self", "friend"},
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

    @property
    def term(self) -> str:
        return self.text.split()[0]

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
    items = [Item("nickname", words("nick"), audience(EVERYONE), ids=(("member_id", world.subject),))]
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
    fof = quick_member("友人の友人", "fof@ezweb.ne.jp")
    stranger = quick_member("他人", "stranger@softbank.ne.jp")
    blocked = quick_member("ブロック", "blocked@docomo.ne.jp")
    friends.befriend(subject, friend)
    friends.befriend(friend, fof)
    friends.befriend(friend, blocked)  # a friend of a friend, but blocked by the subject
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (subject, blocked, now()))
    execute("INSERT INTO friend_groups (owner_id, name, created_at) VALUES (?, ?, ?)", (subject, "親友", now()))
    group = scalar("SELECT id FROM friend_groups WHERE owner_id = ?", (subject,))
    execute("INSERT INTO friend_group_members (group_id, member_id) VALUES (?, ?)", (group, friend))
    w = World(subject, {"self": subject, "friend": friend, "friend_of_friend": fof, "stranger": stranger,
                        "blocked": blocked, "signed_out": None}, group)
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
        where = [path for path, body in pages.items() if item.proof in body]
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
        if relation not in ("blocked", "signed_out"):
            assert any(relation in item.seen_by for item in world.items), relation
        if relation != "self":
            assert any(relation not in item.seen_by for item in world.items), relation
