"""Counts kept on write, less what the viewer is not shown: ``privacy.hidden_counts`` gives the
same number whether it walks a short list's rows or probes the index once per hidden member
(which it does for long lists), so a profile's 友人（N人） never counts a friend its list hides."""
from __future__ import annotations

import pytest

from keitai import privacy
from keitai.friends import rules as friends
from keitai.platform.db.connection import execute, scalar
from diary_helpers import block


@pytest.mark.parametrize("walk_rows", [privacy.WALK_ROWS, 0], ids=["walked", "probed"])
def test_friends_blocked_either_way_or_suspended_are_left_out_of_the_count(make_member, monkeypatch, walk_rows):
    monkeypatch.setattr(privacy, "WALK_ROWS", walk_rows)
    viewer, owner = make_member("みる"), make_member("さくら")
    blocked, blocker, suspended, shown = (make_member(n) for n in ("たろう", "じろう", "さぶろう", "しろう"))
    for friend in (viewer, blocked, blocker, suspended, shown):
        friends.befriend(owner, friend)
    block(viewer, blocked)          # the viewer blocked たろう
    block(blocker, viewer)          # じろう blocked the viewer
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (suspended,))
    stored = scalar("SELECT friend_count FROM members WHERE id = ?", (owner,))
    assert stored == 5
    # みる herself and しろう: the three others are hidden from her.
    assert friends.shown_friend_count(viewer, owner, stored) == 2
    assert privacy.hidden_counts(viewer, "friendships", "member_id", "friend_id", [owner], rows=stored) == {owner: 3}
    # しろう sees all but the suspended one.
    assert friends.shown_friend_count(shown, owner, stored) == 4
