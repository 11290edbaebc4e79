"""``run.py seed --members N``: a realistic site, consistent with the rules the app keeps."""
from __future__ import annotations

import statistics
from urllib.parse import quote

from conftest import DOCOMO_1, PC
from keitai.platform.db.connection import fetchall, scalar
from keitai.devtools import seed


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


# --- content: diaries, communities, footprints, messages, the search index ------------------

def test_content_counters_agree_with_the_rows(app):
    made, lines = make_site(200, big_community=150)
    for kind in ("diaries", "communities", "footprints", "messages", "search_docs"):
        assert made[kind] > 0, kind
    assert any(line.startswith("search index, diaries: ") for line in lines)
    # Diaries: comment counters, unread comments as add_comment and mark_comments_seen leave them.
    assert scalar("SELECT COUNT(*) FROM diaries") == 400
    assert scalar("SELECT COUNT(*) FROM diary_comments") == 600
    assert scalar("SELECT COUNT(*) FROM diaries d WHERE comment_count <>"
                  " (SELECT COUNT(*) FROM diary_comments c WHERE c.diary_id = d.id)") == 0
    assert scalar("SELECT COUNT(*) FROM diaries d WHERE unread_comments <> (SELECT COUNT(*) FROM diary_comments c"
                  " WHERE c.diary_id = d.id AND c.id > d.seen_comment_id AND c.author_id <> d.author_id)") == 0
    assert scalar("SELECT COUNT(*) FROM diaries d WHERE photo_count <>"
                  " (SELECT COUNT(*) FROM photos p WHERE p.kind = 'diary' AND p.ref_id = d.id)") == 0
    assert scalar("SELECT COUNT(*) FROM diaries d WHERE comment_count > 0 AND last_comment_at <>"
                  " (SELECT MAX(created_at) FROM diary_comments c WHERE c.diary_id = d.id)") == 0
    assert scalar("SELECT COUNT(*) FROM diaries WHERE audience = 'private' AND comment_count > 0") == 0
    # A group entry belongs to one of its author's friend lists; its comments come from that list or the author.
    assert scalar("SELECT COUNT(*) FROM diaries d WHERE audience = 'group' AND NOT EXISTS"
                  " (SELECT 1 FROM friend_groups g WHERE g.id = d.group_id AND g.owner_id = d.author_id)") == 0
    assert scalar("SELECT COUNT(*) FROM diary_comments c JOIN diaries d ON d.id = c.diary_id"
                  " WHERE d.audience = 'group' AND c.author_id <> d.author_id AND NOT EXISTS"
                  " (SELECT 1 FROM friend_group_members gm WHERE gm.group_id = d.group_id"
                  " AND gm.member_id = c.author_id)") == 0
    # Communities: from the big one down to a single member; counters as the rules keep them.
    sizes = [row[0] for row in fetchall("SELECT member_count FROM communities ORDER BY member_count DESC")]
    assert sizes[0] == 150 and sizes[-1] == 1
    assert scalar("SELECT COUNT(*) FROM communities c WHERE member_count <>"
                  " (SELECT COUNT(*) FROM community_members m WHERE m.community_id = c.id)") == 0
    assert scalar("SELECT COUNT(*) FROM communities c WHERE topic_count <> (SELECT COUNT(*) FROM community_topics t"
                  " WHERE t.community_id = c.id AND NOT t.deleted)") == 0
    assert scalar("SELECT COUNT(*) FROM communities c WHERE NOT EXISTS (SELECT 1 FROM community_members m"
                  " WHERE m.community_id = c.id AND m.member_id = c.owner_id)") == 0
    assert scalar("SELECT COUNT(*) FROM community_topics t WHERE comment_count <> (SELECT COUNT(*)"
                  " FROM community_comments c WHERE c.topic_id = t.id) OR comment_count <>"
                  " (SELECT COALESCE(MAX(number), 0) FROM community_comments c WHERE c.topic_id = t.id)") == 0
    assert scalar("SELECT COUNT(*) FROM communities c WHERE last_activity_at <"
                  " (SELECT MAX(last_activity_at) FROM community_topics t WHERE t.community_id = c.id)") == 0
    # Footprints and messages: never between members who blocked each other; threads hang together.
    assert scalar("SELECT COUNT(*) FROM footprints f JOIN blocks b ON (b.blocker_id = f.visitor_id"
                  " AND b.blocked_id = f.visited_id) OR (b.blocker_id = f.visited_id AND b.blocked_id = f.visitor_id)") == 0
    assert scalar("SELECT COUNT(*) FROM footprints WHERE visitor_id = visited_id") == 0
    assert scalar("SELECT COUNT(*) FROM messages m JOIN messages r ON r.id = m.reply_to_id"
                  " WHERE r.sender_id <> m.recipient_id OR r.read_at IS NULL OR r.created_at > m.created_at") == 0
    assert scalar("SELECT COUNT(*) FROM messages WHERE read_at IS NULL") > 0
    # The search index holds every seeded diary and community.
    assert scalar("SELECT COUNT(*) FROM search_docs WHERE kind = 'diary'") == 400
    assert scalar("SELECT COUNT(*) FROM search_docs WHERE kind = 'community'") == made["communities"]


def test_a_seeded_member_sees_their_content_on_a_handset_and_a_pc(app, client):
    make_site(200)
    author, diary_id, title = fetchall(
        "SELECT d.author_id, d.id, d.title FROM diaries d JOIN members m ON m.id = d.author_id"
        " WHERE m.status = 'active' AND d.audience = 'everyone' AND d.comment_count > 0"
        " AND EXISTS (SELECT 1 FROM footprints f WHERE f.visited_id = d.author_id)"
        " AND EXISTS (SELECT 1 FROM messages s WHERE s.recipient_id = d.author_id)"
        " ORDER BY d.comment_count DESC LIMIT 1")[0]
    mail = scalar("SELECT mail FROM members WHERE id = ?", (author,))
    topic_id = scalar("SELECT t.id FROM community_topics t JOIN communities c ON c.id = t.community_id"
                      " WHERE c.read_policy = 'everyone' AND t.comment_count > 1 ORDER BY t.id LIMIT 1")
    comment = scalar("SELECT body FROM diary_comments WHERE diary_id = ? AND body <> '' ORDER BY id LIMIT 1",
                     (diary_id,))
    visitor = scalar("SELECT m.nickname FROM footprints f JOIN members m ON m.id = f.visitor_id"
                     " WHERE f.visited_id = ? ORDER BY f.visited_at DESC LIMIT 1", (author,))
    subject = scalar("SELECT subject FROM messages WHERE recipient_id = ? AND NOT recipient_deleted"
                     " ORDER BY id DESC LIMIT 1", (author,))
    word = scalar("SELECT name FROM communities ORDER BY member_count DESC LIMIT 1")
    for ua in (DOCOMO_1, PC):
        browser = client(ua)
        browser.login(mail, seed.SEED_PASSWORD)
        query = quote(word.encode("cp932" if ua == DOCOMO_1 else "utf-8"))  # as the device's form sends it
        pages = {
            "/": None, f"/diary/{diary_id}": title, f"/topic/{topic_id}": None,
            "/footprints": visitor, "/messages": subject, f"/search?q={query}&kind=community": word,
        }
        for path, shown in pages.items():
            page = browser.page(path)
            assert page.status_int == 200, path
            if shown:
                # Emoji become the carrier's own on handsets: compare the text around them.
                assert "".join(c for c in shown if c not in seed.EMOJI) in browser.text(page), (ua, path)
        diary = browser.text(browser.page(f"/diary/{diary_id}"))
        assert comment in diary or ua == DOCOMO_1  # a handset may show it on the entry's next page
        first = scalar("SELECT body FROM community_comments WHERE topic_id = ? AND number = 1", (topic_id,))
        topic = browser.text(browser.page(f"/topic/{topic_id}"))
        assert "".join(c for c in first if c not in seed.EMOJI) in topic or ua == DOCOMO_1


# --- seeding a site that is serving ----------------------------------------------------------

def test_seeding_while_members_sign_up_and_write_on_the_serving_site(app, migrated, tmp_path, make_member,
                                                                     monkeypatch):
    """Just before each of the seed's bulk inserts, the moment its ids were taken as MAX(id) + 1,
    a member of the running site writes a row into that same table through the real server."""
    import re

    from conftest import PC
    from keitai.admin import site
    from keitai.devtools.seed import content, people
    from keitai.friends import rules as friends
    from promises.test_scale_out import CSRF, Browser, serve_processes

    site.put("invitation_only", False)
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@docomo.ne.jp")
    friends.befriend(sakura, taro)
    with serve_processes(1, migrated, tmp_path) as (server,):
        browsers = {}
        for name, mail in (("sakura", "sakura@docomo.ne.jp"), ("taro", "taro@docomo.ne.jp")):
            browsers[name] = Browser(PC, cookies=True)
            browsers[name].sign_in(server, mail)

        def post(who: str | None, path: str, **form) -> str:
            """Submit as ``who`` (a visitor if None); the Location the site acknowledged it with
            (a visitor's sign-up is acknowledged by the page saying the mail was sent)."""
            browser = browsers[who] if who else Browser(PC, cookies=True)
            _, _, page = browser.request(server + ("/join" if who is None else "/diary/new"))  # a form: the token
            status, headers, answer = browser.request(server + path, {"csrf": CSRF.search(page).group(1), **form})
            if who is None:
                assert status == 200 and "確認メールを送りました" in answer, (path, status, answer[:500])
                return answer
            assert status == 303, (path, status, answer[:500])
            return headers["Location"]

        diary = int(re.search(r"/diary/(\d+)", post("sakura", "/diary/new", title="日記", body="本文",
                                                     audience="everyone")).group(1))
        community = int(re.search(r"/community/(\d+)", post(
            "sakura", "/community/new", name="猫の会", category="music", description="猫", join_policy="open",
            read_policy="everyone", topic_policy="members")).group(1))
        topic = int(re.search(r"/topic/(\d+)", post("sakura", f"/community/{community}/topic/new",
                                                    title="はじめまして", body="よろしく")).group(1))
        writes = {
            "members": lambda n: post(None, "/join", nickname=f"新人{n}", mail=f"join{n}@docomo.ne.jp",
                                      password="join-pass-123", password2="join-pass-123", birth_year="1990",
                                      birth_month="1", birth_day="1", real_name=""),
            "friend_groups": lambda n: post("sakura", "/friends/groups", name=f"リスト{n}"),
            "diaries": lambda n: post("sakura", "/diary/new", title=f"日記{n}", body="本文", audience="everyone"),
            "diary_comments": lambda n: post("taro", f"/diary/{diary}/comment", body=f"コメント{n}"),
            "communities": lambda n: post("sakura", "/community/new", name=f"会{n}", category="music",
                                          description="説明", join_policy="open", read_policy="everyone",
                                          topic_policy="members"),
            "community_topics": lambda n: post("sakura", f"/community/{community}/topic/new", title=f"話題{n}",
                                               body="本文"),
            "community_comments": lambda n: post("sakura", f"/topic/{topic}/comment", body=f"書き込み{n}"),
            "messages": lambda n: post("sakura", f"/message/new?to={taro}", subject=f"件名{n}", body="本文"),
        }
        written = []

        def site_writes_first(real):
            def bulk_insert(table, *args, **kwargs):
                if table in writes:
                    writes[table](len(written))
                    written.append(table)
                return real(table, *args, **kwargs)
            return bulk_insert

        for module in (people, content):
            monkeypatch.setattr(module, "bulk_insert", site_writes_first(module.bulk_insert))
        made, _lines = make_site(300, search=False)

    assert sorted(set(written)) == sorted(writes)  # every table was written just before the seed's insert
    assert made["members"] == 300 and made["diaries"] == 600
    # Both the seeded site and every write the members were told was saved are there.
    seeded = "mail LIKE 's%' AND mail <> 'sakura@docomo.ne.jp'"
    assert scalar(f"SELECT COUNT(*) FROM members WHERE {seeded}") == 300
    assert scalar("SELECT COUNT(*) FROM members WHERE mail LIKE 'join%'") == written.count("members")
    assert scalar("SELECT COUNT(*) FROM diaries WHERE author_id = ?", (sakura,)) == 1 + written.count("diaries")
    assert scalar("SELECT COUNT(*) FROM diary_comments WHERE diary_id = ?", (diary,)) == written.count("diary_comments")
    assert scalar("SELECT COUNT(*) FROM community_comments WHERE topic_id = ?", (topic,)) == \
        written.count("community_comments")
    assert scalar("SELECT COUNT(*) FROM messages WHERE recipient_id = ?", (taro,)) == written.count("messages")
    # The seeded members' ids are one block, and a member signing up now gets a fresh one.
    first, last = fetchall(f"SELECT MIN(id), MAX(id) FROM members WHERE {seeded}")[0]
    assert last - first == 299
    later = make_member("あとから")
    assert later > scalar("SELECT MAX(id) FROM members WHERE id <> ?", (later,))
