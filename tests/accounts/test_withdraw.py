"""退会: a member deletes their account from the settings (PC and docomo handset), after their
password; every row of theirs goes from every table, with their photo files and search
documents; communities they ran pass on or close; their address may be invited again."""
from __future__ import annotations

import datetime

from pathlib import Path

import pytest

from conftest import DOCOMO_1, PASSWORD, PC
from diary_helpers import FakeUpload, block, make_group, small_photo, write_entry
from keitai.mailpost import rules as mailpost
from keitai.notify import rules as notify
from keitai.events import rules as events
from keitai.polls import rules as polls
from keitai import communities
from keitai import diary as diaries
from keitai.accounts import easylogin
from keitai.accounts import withdraw as leaving
from keitai.admin import rules as admin
from keitai.favorites import rules as favorites
from keitai.footprints import rules as footprints
from keitai.friends import rules as friends
from keitai.albums import comments as album_comments
from keitai.albums import rules as albums
from keitai.introductions import rules as introductions
from keitai.kept import rules as kept
from keitai.messages import rules as messages
from keitai.platform.db import connection as base
from keitai.platform.db.connection import execute, fetchall, now, scalar
from keitai.profiles import rules as profiles
from keitai.reports import rules as reports
from keitai.photos import rules as photos
from keitai.signup import invitations
from sitewalk import cheap_passwords, quick_member, start_session  # noqa: F401

#: Every column of the schema that holds a member's id, written out: a new table or column
#: that refers to members must be added here, and to the rich member below, and registered
#: with keitai.accounts.owned by its feature, or these tests fail.
MEMBER_COLUMNS = {
    ("admin_log", "admin_id"), ("admin_log", "member_id"),
    ("album_comments", "author_id"), ("albums", "owner_id"),
    ("archives", "member_id"),
    ("blocks", "blocked_id"), ("blocks", "blocker_id"),
    ("communities", "owner_id"),
    ("community_bans", "member_id"), ("community_comments", "author_id"),
    ("community_event_participants", "member_id"), ("community_events", "author_id"),
    ("community_poll_votes", "member_id"), ("community_polls", "author_id"),
    ("community_join_requests", "member_id"), ("community_members", "member_id"),
    ("community_topics", "author_id"),
    ("diaries", "author_id"), ("diary_comments", "author_id"),
    ("diary_feed_items", "member_id"), ("diary_feeds", "member_id"),
    ("favorite_communities", "member_id"), ("favorite_members", "favorite_id"), ("favorite_members", "member_id"),
    ("footprints", "visited_id"), ("footprints", "visitor_id"),
    ("friend_group_members", "member_id"), ("friend_groups", "owner_id"),
    ("friend_requests", "from_id"), ("friend_requests", "to_id"),
    ("friendships", "friend_id"), ("friendships", "member_id"),
    ("handsets", "member_id"),
    ("introductions", "author_id"), ("introductions", "member_id"),
    ("invitations", "inviter_id"), ("invitations", "used_by"),
    ("kept_texts", "member_id"), ("mail_post_addresses", "member_id"), ("mail_posts", "member_id"),
    ("mail_tokens", "member_id"),
    ("messages", "recipient_id"), ("messages", "sender_id"),
    ("notice_mail", "member_id"), ("password_resets", "member_id"),
    ("photos", "owner_id"),
    ("reports", "author_id"), ("reports", "reporter_id"), ("reports", "resolved_by"),
    ("search_docs", "owner_id"),
    ("sessions", "member_id"),
}
#: Columns that hold a member's id without a foreign key (the search index keeps no keys).
UNKEYED_MEMBER_COLUMNS = {("search_docs", "owner_id")}

#: What each feature registers with keitai.accounts.owned, in install order.
OWNED = ["accounts", "archives", "signup", "profiles", "friends", "diary", "albums", "blog_import", "communities", "events",
         "polls", "messages", "footprints", "introductions", "photos", "search", "reports", "admin", "kept", "notify",
         "mailpost", "favorites"]


def _keyed_member_columns() -> set[tuple[str, str]]:
    """Every column with a foreign key to members, as the database itself reports it."""
    db = base.db.obj
    if base.is_sqlite():
        tables = [r[0] for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'").fetchall()]
        return {(table, row[3]) for table in tables
                for row in db.execute_sql(f'PRAGMA foreign_key_list("{table}")').fetchall() if row[2] == "members"}
    return set(db.execute_sql(
        "SELECT con.conrelid::regclass::text, att.attname FROM pg_constraint con"
        " JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY(con.conkey)"
        " WHERE con.contype = 'f' AND con.confrelid = 'members'::regclass").fetchall())


def test_every_column_that_names_a_member_is_known(app):
    assert _keyed_member_columns() | UNKEYED_MEMBER_COLUMNS == MEMBER_COLUMNS


def test_every_feature_registers_what_it_keeps_of_a_member(app):
    from keitai.accounts.owned import OWNED as registry

    assert list(registry) == OWNED


def _rows_naming(member_id: int) -> dict[tuple[str, str], int]:
    return {(table, column): scalar(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (member_id,))
            for table, column in sorted(MEMBER_COLUMNS)}


@pytest.fixture
def rich(app, client, settings, cheap_passwords):  # noqa: F811
    """A member with a row in every table that can hold one, and the members around them."""
    me = quick_member("去る人", "leaving@docomo.ne.jp")
    friend = quick_member("友人", "friend@docomo.ne.jp")
    other = quick_member("他人", "other@ezweb.ne.jp")
    operator = quick_member("運営", "op@docomo.ne.jp", is_admin=True)
    pc = client(PC)
    start_session(pc, me)
    # accounts, signup
    easylogin.register(me, "docomo", "SUBSCRIBER1", "N505i")
    invitations.invite(me, "newcomer@softbank.ne.jp", "どうぞ")
    invitation, _token = invitations.invite(friend, "leaving2@docomo.ne.jp")
    invitations.use(invitation.id, me)
    execute("INSERT INTO mail_tokens (member_id, purpose, mail, token_hash, created_at, expires_at)"
            " VALUES (?, 'mail_change', 'x@docomo.ne.jp', 'hash1', ?, ?)", (me, now(), now() + 3600))
    # friends
    friends.befriend(me, friend)
    friends.request(me, other, "よろしく")
    third = quick_member("三人目", "third@docomo.ne.jp")
    friends.request(third, me)
    block(me, quick_member("嫌な人", "pest@docomo.ne.jp"))
    block(quick_member("避ける人", "avoid@docomo.ne.jp"), me)
    make_group(me, "親友", [friend])
    make_group(friend, "友達の", [me])
    # profile photo, diaries (with a photo), comments both ways
    profiles.add_photo(me, photos.prepare(FakeUpload(small_photo())))
    mine = write_entry(me, "去る人の日記", with_photo=True)
    diaries.add_comment(friend, mine, "友人のコメント")
    theirs = write_entry(friend, "友人の日記")
    diaries.add_comment(other, theirs, "他人のコメント")
    diaries.mark_comments_seen(diaries.entry_for(friend, theirs))  # the friend has read that one
    diaries.add_comment(me, theirs, "去る人のコメント")
    # an album with a photo and a friend's comment; a comment on the friend's album
    my_album = albums.create_album(me, albums.Draft("去る人のアルバム", "", "everyone", None))
    albums.add_photos(my_album, me, [(photos.prepare(FakeUpload(small_photo())), "説明")])
    album_comments.add_comment(friend, my_album, "友人のアルバムコメント")
    their_album = albums.create_album(friend, albums.Draft("友人のアルバム", "", "everyone", None))
    album_comments.add_comment(other, their_album, "他人のアルバムコメント")
    album_comments.add_comment(me, their_album, "去る人のアルバムコメント")
    execute("INSERT INTO diary_feeds (member_id, url, audience, created_at) VALUES (?, 'http://blog.example/feed',"
            " 'everyone', ?)", (me, now()))
    execute("INSERT INTO diary_feed_items (member_id, item_key, diary_id, created_at) VALUES (?, 'k1', ?, ?)",
            (me, mine, now()))
    # communities: one run with a sub-admin, one alone, one of someone else's (joined, banned, asked)
    shared = communities.create_community(me, "共有コミュ", "other")
    communities.join(communities.standing(shared, other))
    communities.join(communities.standing(shared, friend))
    communities.set_subadmin(communities.standing(shared, me), friend, True)
    alone = communities.create_community(me, "ひとりコミュ", "other")
    communities.set_photo(communities.standing(alone, me), photos.prepare(FakeUpload(small_photo())))
    elsewhere = communities.create_community(other, "他人のコミュ", "other")
    communities.join(communities.standing(elsewhere, me))
    closed = communities.create_community(other, "承認制", "other", join_policy="approval")
    communities.join(communities.standing(closed, me), "入れてください")
    banning = communities.create_community(other, "追放", "other")
    communities.join(communities.standing(banning, me))
    communities.remove_member(communities.standing(banning, other), me)
    topic = communities.create_topic(communities.standing(elsewhere, me), "去る人のトピック", "本文")
    communities.add_comment(communities.standing(elsewhere, other), communities.get_topic(topic, other), "返事")
    communities.add_comment(communities.standing(elsewhere, me), communities.get_topic(topic, me), "去る人の書き込み")
    # an event and a poll of theirs, and a place in another's event and a vote in another's poll
    day = events.today() + datetime.timedelta(days=10)
    typed = f"{day.year}/{day.month}/{day.day}"
    here = communities.standing(elsewhere, me)
    events.create_event(here, events.check_event(events.Draft("去る人の会", typed, "", "駅前", "", "どうぞ"))[0])
    polls.create_poll(here, polls.check_poll(polls.Draft("去る人の質問", ("はい", "いいえ"), typed))[0])
    there = communities.standing(elsewhere, other)
    others_event = events.create_event(there, events.check_event(events.Draft("他人の会", typed, "", "駅前", "", ""))[0])
    events.join(here, events.get_event(others_event, me))
    others_poll = polls.create_poll(there, polls.check_poll(polls.Draft("他人の質問", ("赤", "青"), typed))[0])
    poll = polls.get_poll(others_poll, me)
    polls.vote(here, poll, polls.choices(me, poll)[0].id)
    reported = communities.create_topic(communities.standing(elsewhere, other), "他人のトピック", "本文")
    reports.file_report(me, "topic", reported, "spam")
    communities.resolve_report(communities.standing(elsewhere, other), scalar("SELECT MAX(id) FROM reports"), False)
    execute("UPDATE reports SET resolved_by = ?", (me,))  # as if they had answered it as an operator
    reports.file_report(other, "topic", topic, "abuse", "ひどい")
    # messages, footprints, introductions, kept texts
    messages.send(me, friend, "件名", "送った本文")
    messages.send(friend, me, "返信", "届いた本文")
    footprints.record(me, friend)
    footprints.record(friend, me)
    introductions.write(me, friend, "友人の紹介")
    introductions.write(friend, me, "去る人の紹介")
    kept.keep(me, "日記", "預かった本文")
    # お気に入り both ways, and a community of theirs
    favorites.add_member(me, friend)
    favorites.add_member(friend, me)
    favorites.add_community(me, elsewhere)
    # a password reset link asked for, a notice mail switched off
    execute("INSERT INTO password_resets (member_id, token_hash, created_at, expires_at) VALUES (?, 'h', ?, ?)",
            (me, now(), now() + 1800))
    notify.switch(me, set())
    # their posting-by-mail addresses, and one post made by mail
    mailpost.posting(me)
    mailpost._record(me, mailpost.PHOTO)
    # the operators' log, both ways; a data archive
    admin.suspend(operator, me, "確認のため")
    admin.unsuspend(operator, me)
    execute("UPDATE members SET is_admin = TRUE WHERE id = ?", (me,))
    admin.suspend(me, third, "迷惑行為")
    pc.get("/settings/download")
    pc.submit(pc.get("/settings/download"))
    files = [Path(settings.media_dir) / "photos" / r[0] for r in fetchall("SELECT file FROM photos WHERE owner_id = ?",
                                                                         (me,))]
    for photo_id, in fetchall("SELECT id FROM photos WHERE owner_id = ?", (me,)):
        assert pc.get(f"/photo/{photo_id}").status_int == 200  # a rendition made and cached
    return dict(me=me, friend=friend, other=other, operator=operator, pc=pc, files=files, shared=shared, alone=alone,
                elsewhere=elsewhere, topic=topic, theirs=theirs, their_album=their_album)


def test_leaving_deletes_every_row_of_the_member_everywhere(rich, settings, client):
    me, pc = rich["me"], rich["pc"]
    before = _rows_naming(me)
    assert [column for column, count in before.items() if count == 0] == []  # the member is in every table
    media = Path(settings.media_dir)
    renditions = list((media / "cache").rglob("*"))
    assert [p for p in renditions if p.is_file()] and all(p.exists() for p in rich["files"])
    archives_made = list((media / "archives").glob("*.zip"))
    assert archives_made

    page = pc.get("/settings/withdraw")
    assert "退会" in page.text and "共有コミュ" in page.text and "友人さんが管理人になります" in page.text
    assert "ひとりコミュ" in page.text and "閉鎖されます" in page.text
    done = pc.submit(page, password=PASSWORD)
    assert done.status_int == 303
    assert "退会しました" in done.follow().text

    assert {column: count for column, count in _rows_naming(me).items() if count} == {}
    assert scalar("SELECT COUNT(*) FROM members WHERE id = ?", (me,)) == 0
    # Files: the originals, every rendition of them, the community photo, the archive.
    assert [p for p in rich["files"] if p.exists()] == []
    assert [p for p in (media / "cache").rglob("*") if p.is_file()] == []
    assert list((media / "archives").glob("*.zip")) == []
    assert list((media / "photos").rglob("*.jpg")) == []
    # Signed out everywhere; cannot sign in again.
    assert "ログイン" in pc.get("/").text
    again = client(PC).get("/login")
    again.forms[0]["mail"], again.forms[0]["password"] = "leaving@docomo.ne.jp", PASSWORD
    assert "メールアドレスまたはパスワードが違います" in again.forms[0].submit().text


def test_what_others_keep_is_counted_again_and_communities_pass_on(rich):
    me, friend, other = rich["me"], rich["friend"], rich["other"]
    assert scalar("SELECT friend_count FROM members WHERE id = ?", (friend,)) == 1
    assert scalar("SELECT unread_comments FROM diaries WHERE id = ?", (rich["theirs"],)) == 1
    leaving.withdraw(me)
    assert scalar("SELECT friend_count FROM members WHERE id = ?", (friend,)) == 0
    assert scalar("SELECT comment_count FROM diaries WHERE id = ?", (rich["theirs"],)) == 1
    assert scalar("SELECT unread_comments FROM diaries WHERE id = ?", (rich["theirs"],)) == 0
    # The friend's album keeps the other's comment, counted again; the member's album is gone with its photo.
    assert scalar("SELECT comment_count FROM albums WHERE id = ?", (rich["their_album"],)) == 1
    assert fetchall("SELECT body FROM album_comments") == [("他人のアルバムコメント",)]
    assert scalar("SELECT COUNT(*) FROM albums WHERE owner_id = ?", (me,)) == 0
    assert scalar("SELECT COUNT(*) FROM photos WHERE kind = 'album'") == 0
    # The shared community: its sub-admin runs it now, one member fewer, found under its new owner.
    assert scalar("SELECT owner_id FROM communities WHERE id = ?", (rich["shared"],)) == friend
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (rich["shared"],)) == 2
    assert scalar("SELECT owner_id FROM search_docs WHERE kind = 'community' AND ref_id = ?", (rich["shared"],)) == friend
    # The one with no one else closed; the other's community lost a member.
    assert scalar("SELECT COUNT(*) FROM communities WHERE id = ?", (rich["alone"],)) == 0
    assert scalar("SELECT COUNT(*) FROM search_docs WHERE kind = 'community' AND ref_id = ?", (rich["alone"],)) == 0
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (rich["elsewhere"],)) == 1
    # Their topic and comment stay, numbered as before, by 「退会したメンバー」.
    assert fetchall("SELECT number, body, author_id FROM community_comments WHERE topic_id = ? ORDER BY number",
                    (rich["topic"],)) == [(1, "返事", other), (2, "去る人の書き込み", None)]


def test_the_board_shows_a_member_who_left_as_such(rich, client):
    leaving.withdraw(rich["me"])
    viewer = client(PC)
    start_session(viewer, rich["other"])
    page = viewer.get(f"/topic/{rich['topic']}").text
    assert "去る人の書き込み" in page and "退会したメンバー" in page and "去る人</a>" not in page


def test_the_longest_standing_member_takes_over_when_there_is_no_sub_admin(app, cheap_passwords):  # noqa: F811
    owner = quick_member("管理人", "owner@docomo.ne.jp")
    first = quick_member("古参", "first@docomo.ne.jp")
    second = quick_member("新参", "second@docomo.ne.jp")
    community = communities.create_community(owner, "コミュ", "other")
    communities.join(communities.standing(community, first))
    communities.join(communities.standing(community, second))
    execute("UPDATE community_members SET joined_at = joined_at - 100 WHERE member_id = ?", (first,))
    leaving.withdraw(owner)
    assert scalar("SELECT owner_id FROM communities WHERE id = ?", (community,)) == first


def test_a_wrong_password_changes_nothing(app, client, cheap_passwords):  # noqa: F811
    me = quick_member("残る人", "stay@docomo.ne.jp")
    write_entry(me, "残る日記")
    pc = client(PC)
    start_session(pc, me)
    page = pc.submit(pc.get("/settings/withdraw"), password="wrong password 1")
    assert "パスワードが違います。退会していません。" in page.text
    assert scalar("SELECT COUNT(*) FROM diaries WHERE author_id = ?", (me,)) == 1
    assert "残る人" in pc.get("/").text


def test_a_handset_member_leaves_from_the_settings_menu(app, client, cheap_passwords):  # noqa: F811
    me = quick_member("携帯の人", "keitai@docomo.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("keitai@docomo.ne.jp")
    menu = phone.page("/settings")
    link = next(a for a in menu.html.find_all("a") if a.text.endswith("退会"))
    assert f"sid={phone.sid}" in link["href"]
    page = phone.get(link["href"])
    assert phone.text(page).count("<form") == 1
    done = phone.submit(page, password=PASSWORD)
    assert done.status_int == 303
    assert "退会しました" in phone.text(done.follow())
    assert scalar("SELECT COUNT(*) FROM members WHERE id = ?", (me,)) == 0


def test_the_address_can_be_invited_again(app, client, cheap_passwords):  # noqa: F811
    me = quick_member("戻る人", "back@docomo.ne.jp")
    inviter = quick_member("招く人", "inviter@docomo.ne.jp")
    leaving.withdraw(me)
    invitation, _token = invitations.invite(inviter, "back@docomo.ne.jp")
    assert invitation.mail == "back@docomo.ne.jp"
