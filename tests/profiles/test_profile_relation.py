"""The profile reads its member and the viewer's relation in one query: it must agree with relation()."""
from __future__ import annotations

from keitai.platform.db.connection import execute, now
from keitai import privacy as audience
from keitai.friends import rules as friends
from keitai.profiles import rules as profiles


def test_profile_relation_in_one_query_agrees_with_relation(app, make_member):
    owner = make_member("持ち主", hobbies="釣り", about="よろしく", prefecture="東京都",
                        aud_hobbies="friends_of_friends", aud_about="friends", aud_prefecture="everyone")
    friend, fof, stranger, blocker = (make_member(n) for n in ("友人", "友人の友人", "他人", "ブロック"))
    friends.befriend(owner, friend)
    friends.befriend(friend, fof)
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (owner, blocker, now()))

    shown = {}
    for viewer in (owner, friend, fof, stranger, blocker):
        profile = profiles.profile_for(viewer, owner)
        if profile is None:
            shown[viewer] = None
            continue
        assert profile.relation == audience.relation(viewer, owner)
        shown[viewer] = {name for name in ("hobbies", "about", "prefecture") if profile.shows(name)}
    assert shown[owner] == {"hobbies", "about", "prefecture"}
    assert shown[friend] == {"hobbies", "about", "prefecture"}
    assert shown[fof] == {"hobbies", "prefecture"}
    assert shown[stranger] == {"prefecture"}
    assert shown[blocker] is None
    assert profiles.profile_for(None, owner) is None
    assert profiles.profile_for(friend, 999_999) is None
