"""``run.py seed --members N``: a realistic site, consistent with the rules the app keeps."""
from __future__ import annotations

import statistics

from conftest import DOCOMO_1, PC
from keitai.models.base import fetchall, scalar
from keitai.social import seed


def make_site(members: int = 2000, **sizes) -> tuple[dict, list[str]]:
    lines: list[str] = []
    made = seed.seed_site(seed.Sizes(members=members, **sizes), progress=lines.append)
    return made, lines


def test_friend_counts_have_a_long_tail_and_match_the_friendships(app):
    made, lines = make_site(2000)
    assert made["members"] == 2000
    assert any(line.startswith("friendships: ") for line in lines)
    counts = [row[0] for row in fetchall("SELECT friend_count FROM members WHERE status = 'active'")]
    assert 20 <= statistics.median(counts) <= 45
    assert max(counts) >= 300  # hubs: a member with a large share of the site as friends
    # Counters are kept on write: each equals the rows, both directions exist, nobody befriends themself.
    assert scalar("SELECT COUNT(*) FROM members m WHERE friend_count <>"
                  " (SELECT COUNT(*) FROM friendships f WHERE f.member_id = m.id)") == 0
    assert scalar("SELECT COUNT(*) FROM friendships f WHERE NOT EXISTS (SELECT 1 FROM friendships g"
                  " WHERE g.member_id = f.friend_id AND g.friend_id = f.member_id)") == 0
    assert scalar("SELECT COUNT(*) FROM friendships WHERE member_id = friend_id") == 0
    assert scalar("SELECT COUNT(*) FROM friendships f JOIN members m ON m.id = f.member_id"
                  " WHERE m.status = 'pending'") == 0


def test_requests_blocks_and_friend_lists_follow_the_rules(app):
    made, _lines = make_site(1000)
    assert made["friend_requests"] > 0 and made["friend_groups"] > 0
    assert scalar("SELECT COUNT(*) FROM friend_requests r JOIN friendships f"
                  " ON f.member_id = r.from_id AND f.friend_id = r.to_id") == 0
    assert scalar("SELECT COUNT(*) FROM blocks b JOIN friendships f"
                  " ON f.member_id = b.blocker_id AND f.friend_id = b.blocked_id") == 0
    # A friend list holds only the owner's friends.
    assert scalar("SELECT COUNT(*) FROM friend_group_members gm JOIN friend_groups g ON g.id = gm.group_id"
                  " WHERE NOT EXISTS (SELECT 1 FROM friendships f WHERE f.member_id = g.owner_id"
                  " AND f.friend_id = gm.member_id)") == 0
    texts = " ".join(row[0] for row in fetchall("SELECT nickname || about FROM members"))
    assert any(c in texts for c in seed.EMOJI) and "です" in texts


def test_seeding_twice_adds_a_second_site_and_new_rows_get_fresh_ids(app, make_member):
    make_site(300)
    make_site(300, seed=2)
    assert scalar("SELECT COUNT(*) FROM members") == 600
    later = make_member("あとから")  # the id sequence moved past the explicit ids
    assert later == 601


def test_a_seeded_member_signs_in_on_a_handset_and_a_pc(app, client):
    make_site(300)
    mail = scalar("SELECT mail FROM members WHERE status = 'active' ORDER BY friend_count DESC LIMIT 1")
    for ua in (DOCOMO_1, PC):
        browser = client(ua)
        home = browser.login(mail, seed.SEED_PASSWORD)
        assert "ホーム" in browser.text(home) or "ﾎｰﾑ" in browser.text(home)
