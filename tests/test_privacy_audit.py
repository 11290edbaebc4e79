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
everyone else a refusal.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote

import pytest

from conftest import DOCOMO_1, PC
from keitai.models.base import execute, now, scalar
from keitai.social import friends
from keitai.social.audience import EVERYONE, FRIENDS, FRIENDS_OF_FRIENDS, GROUP, PRIVATE
from sitewalk import cheap_passwords, crawl, fill, forms_of, quick_member, route_rules, start_session  # noqa: F401

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
    ids: tuple[int, ...] = ()

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

    @property
    def ids(self) -> list[str]:
        pool = {self.subject}
        for item in self.items:
            pool.update(item.ids)
        return [str(i) for i in sorted(pool)]


KINDS: list[Callable[[World], list[Item]]] = []


def kind(make: Callable[[World], list[Item]]):
    KINDS.append(make)
    return make


@kind
def profile_fields(world: World) -> list[Item]:
    """Nickname (seen by every member) and one written profile field per audience."""
    fields = {"hobbies": EVERYONE, "about": FRIENDS_OF_FRIENDS, "prefecture": FRIENDS, "real_name": PRIVATE}
    items = [Item("nickname", words("nick"), audience(EVERYONE), ids=(world.subject,))]
    values = {"nickname": items[0].text}
    for name, aud in fields.items():
        item = Item(f"profile.{name}", words(name[:4]), audience(aud), ids=(world.subject,))
        items.append(item)
        values[name] = item.text
        values[f"aud_{name}"] = aud
    sets = ", ".join(f"{k} = ?" for k in values)
    execute(f"UPDATE members SET {sets} WHERE id = ?", (*values.values(), world.subject))
    return items


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
    for _method, rule in route_rules(app, "GET"):
        if not rule.startswith("/out"):
            starts += fill(rule, {"int": world.ids}, ["x"])
    pages, get_forms = {}, {}
    for path, response in crawl(client, starts=starts, limit=600):
        assert response.status_int < 500, (path, response.errors)
        pages[path] = _body(response)
        if response.status_int == 200 and "<form" in pages[path]:
            for spec in forms_of(path, response):
                if spec.method == "GET" and spec.text_fields and not spec.action.startswith("/out"):
                    get_forms.setdefault(spec.key, spec)
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
