"""The audience rule: may_see (one item) and visible_clause (lists, in SQL) must agree for
every viewer relation and audience, and every members' page must show exactly what it allows.
The kernel's other rules (blocked either way, active member, friend list visible) are held
equal between their Python and SQL forms the same way.

Relations: self, friend, friend in the owner's group, friend of friend, stranger, blocked
(either way), signed-out visitor.  Runs on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import datetime

import pytest

from conftest import DOCOMO_1, PC
from keitai.platform.db.connection import execute, fetchall
from keitai import privacy as audience
from keitai.friends import blocks
from keitai.friends import rules as friends
from keitai.friends import groups
from keitai.accounts.rules import age_on
from members_helpers import fast_passwords  # noqa: F401  (autouse: cheap argon2 here)


@pytest.fixture
def cast(make_member):
    """The owner and one viewer per relation, plus a second owner with a group of their own."""
    m = {name: make_member(name, f"{name}@docomo.ne.jp") for name in
         ("owner", "friend", "grouped", "fof", "stranger", "blocked", "blocker", "other")}
    friends.befriend(m["owner"], m["friend"])
    friends.befriend(m["owner"], m["grouped"])
    friends.befriend(m["friend"], m["fof"])
    friends.befriend(m["owner"], m["blocked"])  # ended by the block below
    friends.befriend(m["owner"], m["other"])
    friends.befriend(m["other"], m["friend"])
    blocks.block(m["owner"], m["blocked"])  # the owner blocked them
    blocks.block(m["blocker"], m["owner"])  # they blocked the owner
    m["group"] = groups.create(m["owner"], "いつもの")
    groups.add(m["owner"], m["group"], [m["grouped"]])
    # Another member's group holding the owner's friend: must never open the owner's items.
    m["foreign_group"] = groups.create(m["other"], "よそ")
    groups.add(m["other"], m["foreign_group"], [m["friend"]])
    return m


VIEWERS = ("owner", "friend", "grouped", "fof", "stranger", "blocked", "blocker", None)


def expected_relation(name):
    return {
        "owner": "self", "friend": "friend", "grouped": "friend", "fof": "friend_of_friend",
        "stranger": "stranger", "blocked": "blocked", "blocker": "blocked", None: "visitor",
    }[name]


def test_relation_names_each_viewer(cast):
    for name in VIEWERS:
        rel = audience.relation(cast[name] if name else None, cast["owner"])
        assert rel.name == expected_relation(name), name


def test_may_see_and_visible_clause_agree_for_every_relation_owner_and_audience(cast):
    """Items of every member in every audience (and the odd cases), seen by every member."""
    execute("CREATE TEMP TABLE aud_items (id INTEGER PRIMARY KEY, owner_id BIGINT NOT NULL,"
            " audience TEXT NOT NULL, group_id BIGINT)")
    try:
        members = [cast[n] for n in VIEWERS if n] + [cast["other"]]
        items = []
        for owner in members:
            for aud in audience.ITEM_AUDIENCES:
                items.append((owner, aud, cast["group"] if aud == "group" else None))
            items += [(owner, "group", cast["foreign_group"]), (owner, "group", None), (owner, "unknown", None)]
        for n, (owner, aud, group) in enumerate(items, 1):
            execute("INSERT INTO aud_items (id, owner_id, audience, group_id) VALUES (?, ?, ?, ?)", (n, owner, aud, group))

        checked = 0
        for viewer in members + [None]:
            clause, params = audience.visible_clause(viewer, "i.owner_id", "i.audience", "i.group_id")
            by_sql = {row[0] for row in fetchall(f"SELECT i.id FROM aud_items i WHERE {clause}", params)}
            by_rule = {
                n for n, (owner, aud, group) in enumerate(items, 1)
                if audience.may_see(audience.relation(viewer, owner), aud, group)
            }
            assert by_sql == by_rule, (viewer, sorted(by_sql ^ by_rule))
            checked += len(items)
        assert checked > 500

        # Spot checks that the matrix means what it should.
        def sees(viewer, aud, group=None):
            return audience.can_see(cast[viewer] if viewer else None, cast["owner"], aud, group)

        assert [sees(v, "group", cast["group"]) for v in VIEWERS] == [True, False, True, False, False, False, False, False]
        assert not sees("friend", "group", cast["foreign_group"])
        assert [sees(v, "friends_of_friends") for v in VIEWERS] == [True, True, True, True, False, False, False, False]
        assert [sees(v, "everyone") for v in VIEWERS] == [True, True, True, True, True, False, False, False]
        assert [sees(v, "private") for v in VIEWERS] == [True] + [False] * 7
    finally:
        execute("DROP TABLE aud_items")


# Who sees the owner's item in each audience, viewer by viewer in VIEWERS' order (owner, friend,
# grouped, fof, stranger, blocked, blocker, signed-out): written down, not computed.
SEEN_BY = {
    "everyone": [True, True, True, True, True, False, False, False],
    "friends_of_friends": [True, True, True, True, False, False, False, False],
    "friends": [True, True, True, False, False, False, False, False],
    "group": [True, False, True, False, False, False, False, False],
    "private": [True, False, False, False, False, False, False, False],
}


def test_each_audience_is_seen_by_exactly_the_viewers_written_down_in_both_forms(cast):
    execute("CREATE TEMP TABLE aud_owned (id INTEGER PRIMARY KEY, owner_id BIGINT NOT NULL,"
            " audience TEXT NOT NULL, group_id BIGINT)")
    try:
        for n, aud in enumerate(SEEN_BY, 1):
            execute("INSERT INTO aud_owned (id, owner_id, audience, group_id) VALUES (?, ?, ?, ?)",
                    (n, cast["owner"], aud, cast["group"] if aud == "group" else None))
        names = {n: aud for n, aud in enumerate(SEEN_BY, 1)}
        for column, viewer in enumerate(VIEWERS):
            viewer_id = cast[viewer] if viewer else None
            expected = {aud for aud, seen in SEEN_BY.items() if seen[column]}
            rel = audience.relation(viewer_id, cast["owner"])
            by_rule = {aud for aud in SEEN_BY if audience.may_see(rel, aud, cast["group"] if aud == "group" else None)}
            clause, params = audience.visible_clause(viewer_id, "i.owner_id", "i.audience", "i.group_id")
            by_sql = {names[row[0]] for row in fetchall(f"SELECT i.id FROM aud_owned i WHERE {clause}", params)}
            assert by_rule == expected, viewer
            assert by_sql == expected, viewer
    finally:
        execute("DROP TABLE aud_owned")


def test_not_blocked_clause_hides_blocks_both_ways(cast):
    clause, params = audience.not_blocked_clause(cast["owner"], "m.id")
    visible = {row[0] for row in fetchall(f"SELECT m.id FROM members m WHERE {clause}", params)}
    assert cast["blocked"] not in visible and cast["blocker"] not in visible
    assert cast["stranger"] in visible and cast["owner"] in visible


def test_blocked_either_way_is_the_same_in_python_and_sql(cast):
    """Every ordered pair of the cast: blocked_between, relation().blocked, blocked_sql over two
    columns, over a column and ``?``, and not_blocked_sql all name the same pairs."""
    names = [n for n in VIEWERS if n] + ["other"]
    ids = {cast[n]: n for n in names}
    # The owner blocked "blocked"; "blocker" blocked the owner.  Either way hides both ways.
    expected = {("owner", "blocked"), ("blocked", "owner"), ("owner", "blocker"), ("blocker", "owner")}
    pairs = [(a, b) for a in names for b in names if a != b]
    marks = ", ".join("?" * len(ids))
    by_columns = {(ids[a], ids[b]) for a, b in fetchall(
        f"SELECT a.id, b.id FROM members a, members b WHERE a.id IN ({marks}) AND b.id IN ({marks})"
        f" AND a.id <> b.id AND {audience.blocked_sql('a.id', 'b.id')}", (*ids, *ids))}
    assert by_columns == expected
    for a, b in pairs:
        blocked = (a, b) in expected
        assert audience.blocked_between(cast[a], cast[b]) is blocked, (a, b)
        assert audience.relation(cast[a], cast[b]).blocked is blocked, (a, b)
        assert bool(fetchall("SELECT 1 WHERE " + audience.blocked_sql(), (cast[a], cast[b], cast[b], cast[a]))) is blocked
        with_column = fetchall(f"SELECT 1 FROM members m WHERE m.id = ? AND {audience.blocked_sql('?', 'm.id')}",
                               (cast[b], cast[a], cast[a]))
        assert bool(with_column) is blocked, (a, b)
        seen = fetchall(f"SELECT 1 FROM members m WHERE m.id = ? AND {audience.not_blocked_sql('m.id')}",
                        (cast[b], cast[a], cast[a]))
        assert bool(seen) is not blocked, (a, b)


def test_active_member_is_the_same_in_python_and_sql(cast):
    """Only active members count: pending (mail not confirmed) and suspended ones do not."""
    statuses = {"stranger": "pending", "other": "suspended"}
    for name, status in statuses.items():
        execute("UPDATE members SET status = ? WHERE id = ?", (status, cast[name]))
    names = [n for n in VIEWERS if n] + ["other"]
    ids = {cast[n]: n for n in names}
    marks = ", ".join("?" * len(ids))
    expected = {"owner", "friend", "grouped", "fof", "blocked", "blocker"}
    for prefix, table in (("", "members"), ("m.", "members m")):
        by_sql = {ids[i] for (i,) in fetchall(
            f"SELECT {prefix}id FROM {table} WHERE {prefix}id IN ({marks}) AND {audience.active_member_sql(prefix)}",
            tuple(ids))}
        assert by_sql == expected, prefix
    by_rule = {ids[i] for i, status in fetchall(f"SELECT id, status FROM members WHERE id IN ({marks})", tuple(ids))
               if audience.is_active(status)}
    assert by_rule == expected
    assert not audience.is_active(None)  # no such member


# Who may see a friend list, by how the viewer stands and the list's audience ("odd": a value
# no form writes, shown to its owner only).
FRIEND_LIST_SEEN = {
    "owner": {"everyone", "friends_of_friends", "friends", "private", "odd"},
    "friend": {"everyone", "friends_of_friends", "friends"},
    "grouped": {"everyone", "friends_of_friends", "friends"},
    "fof": {"everyone", "friends_of_friends"},
    "stranger": {"everyone"},
    "blocked": set(),
    "blocker": set(),
    None: set(),
}


def test_friend_list_visible_is_the_same_in_python_and_sql(cast):
    execute("CREATE TEMP TABLE aud_lists (id INTEGER PRIMARY KEY, aud_friends TEXT NOT NULL)")
    try:
        lists = (*audience.FIELD_AUDIENCES, "odd")
        for n, aud in enumerate(lists, 1):
            execute("INSERT INTO aud_lists (id, aud_friends) VALUES (?, ?)", (n, aud))
        for name in VIEWERS:
            rel = audience.relation(cast[name] if name else None, cast["owner"])
            by_rule = {aud for aud in lists if audience.friend_list_visible(rel, aud)}
            by_sql = {aud for (aud,) in fetchall(
                f"SELECT l.aud_friends FROM aud_lists l WHERE {audience.friend_list_visible_sql(rel, 'l.')}")}
            assert by_rule == by_sql == FRIEND_LIST_SEEN[name], name
        # The relations rules use for many members at once say what a real friend's would.
        for shared, real in ((audience.A_FRIEND, "friend"), (audience.A_FRIEND_OF_FRIEND, "fof")):
            assert {a for a in lists if audience.friend_list_visible(shared, a)} == FRIEND_LIST_SEEN[real]
            assert {aud for (aud,) in fetchall("SELECT aud_friends FROM aud_lists WHERE "
                                               + audience.friend_list_visible_sql(shared))} == FRIEND_LIST_SEEN[real]
    finally:
        execute("DROP TABLE aud_lists")


# --- pages ------------------------------------------------------------------------------

BIRTHDAY = datetime.date(1990, 7, 15)
MARKERS = {  # field -> text that shows it on the profile page
    "gender": "女性",
    "birthday": "7月15日",
    "prefecture": "沖縄県",
    "hobbies": "趣味マーカー",
    "about": "自己紹介マーカー",
    "real_name": "本名マーカー",
    "blood_type": "AB型",
    "hometown": "北海道",
    "occupation": "自由業",
    "affiliation": "所属マーカー",
    "last_login": "3時間以内",  # the owner signed in just now
}


@pytest.fixture
def viewers(cast, client):
    """A signed-in PC and docomo i-mode 1.0 client per viewer (None: signed out)."""
    execute(
        "UPDATE members SET gender = 'female', birthday = ?, prefecture = '沖縄県', hobbies = '趣味マーカー',"
        " about = '自己紹介マーカー', real_name = '本名マーカー', blood_type = 'AB', hometown = '北海道',"
        " occupation = '自由業', affiliation = '所属マーカー' WHERE id = ?",
        (BIRTHDAY.isoformat(), cast["owner"]),
    )
    out = {}
    for name in VIEWERS:
        for ua in (PC, DOCOMO_1):
            c = client(ua)
            if name:
                c.login(f"{name}@docomo.ne.jp")
            out[name, ua] = c
    return out


def _set_all_audiences(owner, aud):
    fields = ("gender", "age", "birthday", "prefecture", "hobbies", "about", "real_name", "photo", "friends",
              "blood_type", "hometown", "occupation", "affiliation", "last_login")
    execute("UPDATE members SET " + ", ".join(f"aud_{f} = ?" for f in fields) + " WHERE id = ?",
            (aud,) * len(fields) + (owner,))


def test_profile_page_shows_exactly_what_each_viewer_may_see(cast, viewers):
    for aud in audience.FIELD_AUDIENCES:
        _check_profile_pages(cast, viewers, aud)


def _check_profile_pages(cast, viewers, aud):
    owner = cast["owner"]
    _set_all_audiences(owner, aud)
    age = f"{age_on(BIRTHDAY, datetime.date.today())}歳"
    for (name, ua), c in viewers.items():
        rel = audience.relation(cast[name] if name else None, owner)
        allowed = audience.may_see(rel, aud)
        page = c.page(f"/member/{owner}", status="*")
        text = c.text(page)
        if rel.blocked:
            assert page.status_int == 404, (name, ua)
        for field, marker in MARKERS.items():
            assert (marker in text) == allowed, (name, ua[:8], aud, field)
        assert (age in text) == allowed, (name, ua[:8], aud, "age")
        # The friend list follows its own audience, on the profile and on its own page.
        friends_page = c.page(f"/member/{owner}/friends", status="*")
        assert (f"/member/{owner}/friends" in text) == allowed, (name, ua[:8], aud, "friends link")
        if name is not None:
            assert (friends_page.status_int == 200) == allowed, (name, ua[:8], aud, "friends page")
        assert (f"/member/{cast['other']}" in c.text(friends_page)) == allowed, (name, ua[:8], aud, "friend listed")


def test_the_owners_preview_matches_what_others_really_see(cast, viewers):
    owner = cast["owner"]
    for aud, ua in [(aud, ua) for aud in audience.FIELD_AUDIENCES for ua in (PC, DOCOMO_1)]:
        _set_all_audiences(owner, aud)
        me = viewers["owner", ua]
        for preview, real in (("friend", "friend"), ("friend_of_friend", "fof"), ("stranger", "stranger")):
            shown = me.text(me.page(f"/member/{owner}?as={preview}"))
            seen = viewers[real, ua].text(viewers[real, ua].page(f"/member/{owner}"))
            for field, marker in MARKERS.items():
                assert (marker in shown) == (marker in seen), (preview, ua[:8], aud, field)


def test_others_cannot_use_the_preview_to_see_more(cast, viewers):
    owner = cast["owner"]
    _set_all_audiences(owner, "friends")
    stranger = viewers["stranger", PC]
    text = stranger.get(f"/member/{owner}?as=friend").text
    assert "趣味マーカー" not in text and "から見た" not in text


def test_defaults_keep_birthday_and_real_name_private(cast, viewers):
    owner = cast["owner"]
    friend = viewers["friend", PC]
    text = friend.get(f"/member/{owner}").text
    assert "本名マーカー" not in text and "7月15日" not in text  # private by default
    assert "趣味マーカー" in text
    stranger = viewers["stranger", DOCOMO_1]
    assert "歳" not in stranger.text(stranger.page(f"/member/{owner}"))  # age: friends only by default
