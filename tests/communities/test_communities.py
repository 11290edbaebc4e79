"""Communities: creating and joining, read and topic policies, topics and numbered comments,
moderation and reports, blocking, keyset lists and the home section, on a docomo i-mode 1.0
handset and on a PC (and on SQLite and PostgreSQL, by KEITAI_DATABASE_URL)."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest

from conftest import DOCOMO_1, DOCOMO_1_5K, PC
from keitai.platform.db import connection as base
from keitai.accounts.models import Member
from keitai.platform.db.connection import execute, scalar
from keitai import communities as comm
from keitai.communities import rules
from keitai.platform.db.paging import parse_cursor
from keitai.words import Refused


def submit(browser, response, form_index: int = 0, **fields):
    """Fill and send a form as the device would: a Shift_JIS page's form goes back in CP932."""
    form = response.forms[form_index]
    for name, value in fields.items():
        form[name] = value
    if (response.charset or "").lower() == "shift_jis":
        return form.submit(content_type="application/x-www-form-urlencoded; charset=cp932")
    return form.submit()


@contextmanager
def refusal(code: str, match: str | None = None):
    """The rules refuse with ``code``, in a sentence containing ``match`` when given."""
    with pytest.raises(Refused, match=match) as caught:
        yield
    assert caught.value.code == code


@pytest.fixture
def quick(app):
    """A member who never signs in: made without hashing a password, so tests stay fast."""
    counter = iter(range(1, 10_000))

    def make(nickname: str | None = None) -> int:
        n = next(counter)
        return Member.insert(nickname=nickname or f"メンバー{n}", mail=f"quick{n}@example.jp",
                                  password_hash="-", birthday="1990-01-01", status="active",
                                  created_at=0).execute()

    return make


def block(blocker: int, blocked: int) -> None:
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)", (blocker, blocked))


def standing(community_id: int, member_id: int, site_admin: bool = False) -> comm.Standing:
    return comm.standing(community_id, member_id, site_admin)


def community(owner: int, name: str = "猫好き", **settings) -> int:
    return comm.create_community(owner, name, settings.pop("category", "animals"), "猫の話をしましょう。", **settings)


def join(community_id: int, member_id: int) -> str:
    return comm.join(standing(community_id, member_id))


def topic(community_id: int, author: int, title: str = "自己紹介", body: str = "はじめまして") -> int:
    return comm.create_topic(standing(community_id, author), title, body)


def say(topic_id: int, author: int, body: str) -> int:
    found = comm.get_topic(topic_id, author)
    return comm.add_comment(standing(found.community_id, author), found, body)


# ---------------------------------------------------------------------------
# Through the pages, as members would


def test_handset_creates_a_community_pc_joins_and_both_write(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@example.jp")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("taro@example.jp")

    hub = phone.page("/communities")
    assert "ｺﾐｭﾆﾃｨを作る" in phone.text(hub)
    created = submit(phone, phone.page("/community/new"), name="東京ラーメン部", category="food",
                           description="週末に食べ歩きます。")
    assert created.status_int == 303 and f"sid={phone.sid}" in created.headers["Location"]
    community_id = scalar("SELECT id FROM communities WHERE name = ?", ("東京ラーメン部",))
    page = created.follow()
    body = phone.text(page)
    assert "東京ラーメン部" in body and "あなたは管理人です" in body and "ﾒﾝﾊﾞｰ1人" in body

    joined = submit(pc, pc.page(f"/community/{community_id}/join"))
    assert "コミュニティに参加しました" in joined.follow().text
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (community_id,)) == 2

    new_topic = submit(phone, phone.page(f"/community/{community_id}/topic/new"), title="おすすめの店", body="教えてください")
    topic_id = scalar("SELECT id FROM community_topics WHERE community_id = ?", (community_id,))
    assert "おすすめの店" in phone.text(new_topic.follow())

    page = pc.page(f"/topic/{topic_id}")
    after = submit(pc, page, body="神保町の店が好きです")
    assert after.status_int == 303 and after.headers["Location"].endswith("#c1")
    shown = pc.text(after.follow())
    assert "1</strong>:" in shown and "神保町の店が好きです" in shown

    reply = submit(phone, phone.page(f"/topic/{topic_id}"), body="ありがとう！")
    text = phone.text(reply.follow())
    assert "神保町の店が好きです" in text and ">2</a>:" in text and "ありがとう！" in text

    # Home shows the topic in both members' community updates.
    assert "おすすめの店" in phone.text(phone.page("/"))
    assert "おすすめの店" in pc.text(pc.page("/"))
    assert scalar("SELECT comment_count FROM community_topics WHERE id = ?", (topic_id,)) == 2


def test_create_refuses_bad_input_keeps_what_was_typed_and_saves_nothing(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.page("/community/new")

    empty = submit(pc, form, name="  ", category="music", description="説明です")
    assert "コミュニティ名を入力してください" in empty.text and "説明です" in empty.text
    too_long = submit(pc, form, name="長" * 51, category="music")
    assert "50文字まで" in too_long.text and "長" * 51 in too_long.text
    no_category = submit(pc, pc.page("/community/new"), name="ジャズ")
    assert "カテゴリを選んでください" in no_category.text
    forged = pc.post("/community/new", {"csrf": form.forms[0]["csrf"].value, "name": "ジャズ",
                                         "category": "music", "join_policy": "everybody"})
    assert "設定を選び直してください" in forged.text
    assert scalar("SELECT COUNT(*) FROM communities") == 0

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    refused = submit(phone, phone.page("/community/new"), name="", category="music", description="ｼﾞｬｽﾞ")
    text = phone.text(refused)
    assert "コミュニティ名を入力してください" in text and "ジャズ" in text  # half-width kana came back full-width
    assert scalar("SELECT COUNT(*) FROM communities") == 0


def test_categories_newest_and_most_active_lists(client, make_member):
    a = make_member("さくら", "sakura@docomo.ne.jp")
    jazz = community(a, "ジャズ喫茶", category="music")
    rock = community(a, "ロック好き", category="music")
    ramen = community(a, "ラーメン", category="food")
    topic(jazz, a, "名盤")  # jazz is now the most recently active
    execute("UPDATE communities SET last_activity_at = last_activity_at + 10 WHERE id = ?", (jazz,))

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    categories = phone.text(phone.page("/communities/categories"))
    assert "音楽" in categories and "食べ物・飲み物" in categories
    music = phone.text(phone.page("/communities/category/music"))
    assert "ジャズ喫茶" in music and "ロック好き" in music and "ラーメン" not in music
    assert phone.page("/communities/category/nothing", status=404).status_int == 404
    newest = phone.text(phone.page("/communities/newest"))
    assert newest.index("ラーメン") < newest.index("ロック好き") < newest.index("ジャズ喫茶")
    active = phone.text(phone.page("/communities/active"))
    assert active.index("ジャズ喫茶") < active.index("ラーメン")
    mine = phone.text(phone.page("/communities/mine"))
    assert all(name in mine for name in ("ジャズ喫茶", "ロック好き", "ラーメン"))
    assert rock and ramen


def test_keyset_pages_cover_every_item_once(quick, app):
    a = quick()
    ids = [community(a, f"コミュ{i}") for i in range(23)]
    for i, community_id in enumerate(ids):  # activity order differs from creation order
        execute("UPDATE communities SET last_activity_at = ? WHERE id = ?", (1000 + (i * 7) % 23, community_id))

    def walk(fetch):
        seen, cursor = [], None
        while True:
            page = fetch(cursor)
            seen += [row.id for row in page.items]
            if page.next is None:
                return seen
            cursor = page.next

    newest = walk(lambda cur: comm.newest_communities(5, cur))
    assert newest == sorted(ids, reverse=True)
    active = walk(lambda cur: comm.active_communities(5, cur))
    assert sorted(active) == sorted(ids) and len(active) == 23
    assert walk(lambda cur: comm.my_communities(a, 4, cur)) == active
    assert walk(lambda cur: comm.active_communities(4, cur, category="animals")) == active

    st = standing(ids[0], a)
    topic_ids = [topic(ids[0], a, f"話題{i}") for i in range(12)]
    assert walk(lambda cur: comm.topics(st, 5, cur)) == topic_ids[::-1]
    others = [quick() for _ in range(6)]
    for other in others:
        join(ids[0], other)
    assert sorted(walk(lambda cur: comm.members(st, 4, cur))) == sorted(others + [a])
    assert parse_cursor("12_x") is None and parse_cursor("1_2_3") is None


# ---------------------------------------------------------------------------
# Join policies


def test_approval_policy_request_approve_reject_and_cancel(quick, client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    asker = make_member("たろう", "taro@example.jp")
    other = quick("ゆき")
    later = quick("けん")
    community_id = community(owner, "秘密の集まり", join_policy="approval")
    assert comm.pending_join_requests_count(owner) == 0

    pc = client(PC)
    pc.login("taro@example.jp")
    form = pc.page(f"/community/{community_id}/join")
    assert "管理人の承認が必要です" in form.text
    done = submit(pc, form, message="よろしくお願いします")
    assert "参加を申請しました" in done.follow().text
    assert not standing(community_id, asker).is_member
    assert standing(community_id, asker).requested
    again = submit(pc, form, message="もう一度")
    assert "申請済み" in again.text
    join(community_id, other)
    assert comm.pending_join_requests_count(owner) == 2

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    admin = phone.text(phone.page(f"/community/{community_id}/admin"))
    assert "参加申請(2)" in admin
    requests = phone.page(f"/community/{community_id}/requests")
    text = phone.text(requests)
    assert "たろう" in text and "よろしくお願いします" in text
    # The forms go approve, reject for each request, oldest first: approve たろう, turn down ゆき.
    submit(phone, requests, 0)
    submit(phone, phone.page(f"/community/{community_id}/requests"), 1)
    assert standing(community_id, asker).is_member
    assert not standing(community_id, other).is_member and not standing(community_id, other).requested
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (community_id,)) == 2
    assert comm.pending_join_requests_count(owner) == 0

    # A request can be withdrawn; an answered one cannot be answered again.
    join(community_id, later)
    comm.cancel_request(standing(community_id, later))
    with refusal("communities.no_request", match="見つかりません"):
        comm.answer_request(standing(community_id, owner), later, True)
    # Members may not answer requests.
    join(community_id, later)
    with refusal("communities.not_admin", match="管理人・副管理人だけ"):
        comm.answer_request(standing(community_id, asker), later, True)


def test_open_policy_joins_at_once_and_leaving_keeps_counts(quick, app):
    owner, member = quick(), quick()
    community_id = community(owner)
    assert join(community_id, member) == "joined"
    with refusal("communities.already_member", match="すでに参加"):
        join(community_id, member)
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (community_id,)) == 2
    comm.leave(standing(community_id, member))
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (community_id,)) == 1
    with refusal("communities.owner_cannot_leave", match="管理人は退会できません"):
        comm.leave(standing(community_id, owner))
    with refusal("communities.not_joined", match="参加していません"):
        comm.leave(standing(community_id, member))
    with refusal("communities.no_request", match="見つかりません"):
        comm.cancel_request(standing(community_id, member))
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (community_id,)) == 1
    # A request left from approval days is answered by joining once the community is open.
    execute("UPDATE communities SET join_policy = 'approval' WHERE id = ?", (community_id,))
    join(community_id, member)
    execute("UPDATE communities SET join_policy = 'open' WHERE id = ?", (community_id,))
    assert join(community_id, member) == "joined"
    assert scalar("SELECT COUNT(*) FROM community_join_requests") == 0


def test_membership_limit(quick, app, monkeypatch):
    monkeypatch.setattr(rules, "MAX_MEMBERSHIPS", 2)
    owner, member = quick(), quick()
    first, second, third = community(owner, "一"), community(owner, "二"), community(member, "三")
    with refusal("communities.too_many", match="2個まで"):
        community(owner, "四")
    with refusal("communities.too_many", match="2個まで"):
        join(third, owner)
    join(first, member)
    with refusal("communities.too_many", match="2個まで"):
        join(second, member)


# ---------------------------------------------------------------------------
# Read and topic policies


def test_members_only_board_is_closed_to_outsiders_until_they_join(quick, client, make_member):
    owner = quick("さくら")
    make_member("たろう", "taro@docomo.ne.jp")
    community_id = community(owner, "内緒話", read_policy="members")
    topic_id = topic(community_id, owner, "メンバーだけの話", "ここだけの話です")

    phone = client(DOCOMO_1)
    phone.login("taro@docomo.ne.jp")
    page = phone.text(phone.page(f"/community/{community_id}"))
    assert "内緒話" in page and "猫の話をしましょう" in page  # the description is public
    assert "ﾒﾝﾊﾞｰだけが読める" in page and "メンバーだけの話" not in page
    for path in (f"/topic/{topic_id}", f"/community/{community_id}/topics", f"/community/{community_id}/members",
                 f"/topic/{topic_id}/report"):
        refused = phone.page(path, status=403)
        assert "メンバーだけが読めます" in phone.text(refused)
        assert "ここだけの話です" not in phone.text(refused)

    submit(phone, phone.page(f"/community/{community_id}/join"))
    assert "ここだけの話です" in phone.text(phone.page(f"/topic/{topic_id}"))


def test_everyone_board_is_read_by_all_but_written_by_members(quick, client, make_member):
    owner = quick("さくら")
    make_member("たろう", "taro@example.jp")
    community_id = community(owner)
    topic_id = topic(community_id, owner, "公開の話", "誰でも読めます")

    pc = client(PC)
    pc.login("taro@example.jp")
    page = pc.page(f"/topic/{topic_id}")
    assert "誰でも読めます" in page.text and "参加するとコメントできます" in page.text.replace("</a>", "")
    csrf = pc.page(f"/community/{community_id}/join").forms[0]["csrf"].value
    refused = pc.post(f"/topic/{topic_id}/comment", {"csrf": csrf, "body": "こんにちは"})
    assert "コミュニティに参加すると書き込めます" in refused.text
    assert pc.get(f"/community/{community_id}/topic/new", status=403).status_int == 403
    assert scalar("SELECT COUNT(*) FROM community_comments") == 0


def test_topic_policy_admins_lets_only_owner_and_subadmins_open_topics(quick, client, make_member):
    owner = quick("さくら")
    member = make_member("たろう", "taro@docomo.ne.jp")
    community_id = community(owner, "お知らせ板", topic_policy="admins")
    join(community_id, member)

    phone = client(DOCOMO_1)
    phone.login("taro@docomo.ne.jp")
    assert "ﾄﾋﾟｯｸ作成</a>" not in phone.text(phone.page(f"/community/{community_id}"))
    refused = phone.page(f"/community/{community_id}/topic/new", status=403)
    assert "管理人と副管理人だけ" in phone.text(refused)
    with refusal("communities.admins_only_topics"):
        topic(community_id, member)

    topic(community_id, owner, "管理人のお知らせ")
    comm.set_subadmin(standing(community_id, owner), member, True)
    created = submit(phone, phone.page(f"/community/{community_id}/topic/new"), title="副管理人から", body="です")
    assert created.status_int == 303
    assert scalar("SELECT topic_count FROM communities WHERE id = ?", (community_id,)) == 2


def test_topic_and_comment_limits_refuse_and_keep_the_text(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    community_id = community(owner)
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.page(f"/community/{community_id}/topic/new")
    assert "タイトルを入力してください" in submit(pc, form, title="", body="本文").text
    long_title = submit(pc, form, title="題" * 101, body="本文だけ")
    assert "100文字まで" in long_title.text and "本文だけ" in long_title.text
    assert "本文を入力してください" in submit(pc, form, title="題", body=" ").text
    topic_id = topic(community_id, owner)
    page = pc.page(f"/topic/{topic_id}")
    too_long = submit(pc, page, body="あ" * (comm.COMMENT_MAX + 1))
    assert f"{comm.COMMENT_MAX}文字まで" in too_long.text and "あ" * comm.COMMENT_MAX in too_long.text
    assert scalar("SELECT COUNT(*) FROM community_comments") == 0
    assert scalar("SELECT COUNT(*) FROM community_topics") == 1


# ---------------------------------------------------------------------------
# Topics: numbering, closing, deleting


def test_closed_topic_takes_no_comments_until_reopened(quick, client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    member = quick("たろう")
    community_id = community(owner)
    join(community_id, member)
    topic_id = topic(community_id, member, "雑談")
    say(topic_id, member, "一番乗り")

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    page = phone.page(f"/topic/{topic_id}")
    assert len(page.forms) == 1  # the comment form only: closing is a link to a confirmation, not a button
    asked = page.click(description="ﾄﾋﾟｯｸを締め切る")
    assert "締め切ると誰もコメントできなくなります" in phone.text(asked)
    assert say(topic_id, member, "確認の前") == 2  # asking changed nothing
    closed = submit(phone, asked, 0)
    assert "締め切りました" in phone.text(closed.follow())
    with refusal("communities.closed", match="締め切られている"):
        say(topic_id, member, "まだ話したい")
    page = phone.page(f"/topic/{topic_id}")
    assert len(page.forms) == 0  # closed: no comment form, and reopening asks first too
    reopened = submit(phone, page.click(description="ﾄﾋﾟｯｸを再開する"), 0)
    assert "再開しました" in phone.text(reopened.follow())
    assert say(topic_id, member, "まだ話したい") == 3


def test_comment_limit_per_topic(quick, app, monkeypatch):
    monkeypatch.setattr(rules, "MAX_COMMENTS", 2)
    owner = quick()
    topic_id = topic(community(owner), owner)
    say(topic_id, owner, "1")
    say(topic_id, owner, "2")
    with refusal("communities.topic_full", match="2件に達した"):
        say(topic_id, owner, "3")


def test_comments_keep_their_numbers_when_one_is_removed(quick, client, make_member):
    owner = quick("さくら")
    writer = make_member("たろう", "taro@docomo.ne.jp")
    community_id = community(owner)
    join(community_id, writer)
    topic_id = topic(community_id, owner)
    for words in ("最初のコメント", "消すコメント", "三番目のコメント"):
        say(topic_id, writer, words)

    phone = client(DOCOMO_1)
    phone.login("taro@docomo.ne.jp")
    second = scalar("SELECT id FROM community_comments WHERE number = 2")
    confirm = phone.page(f"/comment/{second}/delete")
    assert "ｺﾒﾝﾄ2" in phone.text(confirm) or "コメント2" in phone.text(confirm)
    submit(phone, confirm)
    text = phone.text(phone.page(f"/topic/{topic_id}"))
    assert "消すコメント" not in text
    assert text.index("最初のコメント") < text.index("このコメントは削除されました") < text.index("三番目のコメント")
    assert scalar("SELECT body FROM community_comments WHERE id = ?", (second,)) == ""
    assert say(topic_id, writer, "四番目") == 4
    # Someone else's comment cannot be removed by a plain member.
    other = quick()
    join(community_id, other)
    first = comm.get_comment(scalar("SELECT id FROM community_comments WHERE number = 1"), other)[0]
    with refusal("communities.not_yours", match="自分の書き込み"):
        comm.delete_comment(standing(community_id, other), first)
    assert phone.page(f"/comment/{second}/delete", status=403).status_int == 403  # already removed


def test_topic_is_removed_by_its_poster_or_an_admin_only(quick, client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    poster, other = quick("たろう"), quick("ゆき")
    community_id = community(owner)
    join(community_id, poster)
    join(community_id, other)
    first = topic(community_id, poster, "消される話題")
    second = topic(community_id, poster, "自分で消す話題")
    say(first, other, "コメントも消える")

    found = comm.get_topic(first, other)
    with refusal("communities.not_yours"):
        comm.delete_topic(standing(community_id, other), found)
    comm.delete_topic(standing(community_id, poster), comm.get_topic(second, poster))

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    confirm = phone.page(f"/topic/{first}/delete")
    assert "消される話題" in phone.text(confirm)
    done = submit(phone, confirm)
    assert "削除しました" in phone.text(done.follow())
    gone = phone.text(phone.page(f"/topic/{first}"))
    assert "このトピックは削除されました" in gone and "コメントも消える" not in gone
    assert "消される話題" not in phone.text(phone.page(f"/community/{community_id}"))
    assert scalar("SELECT topic_count FROM communities WHERE id = ?", (community_id,)) == 0
    assert scalar("SELECT COUNT(*) FROM community_comments") == 0


def test_pages_offer_only_the_actions_each_member_may_take(quick, client, make_member):
    """Links follow the rules: a member deletes only their own comments and reports only
    others'; admins delete any; a sub-admin removes ordinary members but not another
    sub-admin, the owner removes both and alone hands over or deletes the community."""
    owner = make_member("さくら", "sakura@example.jp")
    member = make_member("たろう", "taro@example.jp")
    subadmin = make_member("ゆき", "yuki@example.jp")
    other_subadmin = quick("けん")
    community_id = community(owner)
    for m in (member, subadmin, other_subadmin):
        join(community_id, m)
    for m in (subadmin, other_subadmin):
        comm.set_subadmin(standing(community_id, owner), m, True)
    topic_id = topic(community_id, owner, "雑談")
    say(topic_id, member, "たろうです")
    say(topic_id, subadmin, "ゆきです")
    mine, theirs = (scalar("SELECT id FROM community_comments WHERE number = ?", (n,)) for n in (1, 2))
    pcs = {}
    for who, mail in ((owner, "sakura"), (member, "taro"), (subadmin, "yuki")):
        pcs[who] = client(PC)
        pcs[who].login(f"{mail}@example.jp")

    def links(who, path):
        return pcs[who].page(path).text

    as_member = links(member, f"/topic/{topic_id}")
    assert f'href="/comment/{mine}/delete"' in as_member and f'href="/comment/{theirs}/delete"' not in as_member
    assert f'href="/comment/{mine}/report"' not in as_member and f'href="/comment/{theirs}/report"' in as_member
    assert f'href="/topic/{topic_id}/delete"' not in as_member and f'href="/topic/{topic_id}/report"' in as_member
    as_subadmin = links(subadmin, f"/topic/{topic_id}")
    assert f'href="/comment/{mine}/delete"' in as_subadmin and f'href="/topic/{topic_id}/delete"' in as_subadmin
    assert f'href="/topic/{topic_id}/report"' in as_subadmin
    as_owner = links(owner, f"/topic/{topic_id}")
    assert f'href="/topic/{topic_id}/report"' not in as_owner and f'href="/comment/{theirs}/delete"' in as_owner

    person = f"/community/{community_id}/member"
    assert f'{person}/{other_subadmin}/remove"' not in links(subadmin, f"{person}/{other_subadmin}")
    assert f'{person}/{member}/remove"' in links(subadmin, f"{person}/{member}")
    assert f'{person}/{member}/handover"' not in links(subadmin, f"{person}/{member}")
    by_owner = links(owner, f"{person}/{other_subadmin}")
    assert f'{person}/{other_subadmin}/remove"' in by_owner and f'{person}/{other_subadmin}/handover"' in by_owner
    members_seen_by_subadmin = links(subadmin, f"/community/{community_id}/members")
    assert f'href="{person}/{member}"' in members_seen_by_subadmin
    assert f'href="{person}/{subadmin}"' not in members_seen_by_subadmin
    assert f'href="{person}/' not in links(member, f"/community/{community_id}/members")

    assert f'href="/community/{community_id}/leave"' in links(member, f"/community/{community_id}")
    assert f'href="/community/{community_id}/leave"' not in links(owner, f"/community/{community_id}")
    assert f'href="/community/{community_id}/delete"' in links(owner, f"/community/{community_id}/admin")
    assert f'href="/community/{community_id}/delete"' not in links(subadmin, f"/community/{community_id}/admin")


def test_comment_numbers_are_unique_when_members_post_at_once(quick, app):
    owner = quick()
    writers = [quick() for _ in range(4)]
    community_id = community(owner)
    for writer in writers:
        join(community_id, writer)
    topic_id = topic(community_id, owner)
    database = base.db.obj  # peewee gives each thread its own connection
    errors = []

    def post(writer):
        try:
            for i in range(5):
                say(topic_id, writer, f"{writer}-{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=post, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = [r[0] for r in base.fetchall("SELECT number FROM community_comments ORDER BY number")]
    assert numbers == list(range(1, 21))
    assert scalar("SELECT comment_count FROM community_topics WHERE id = ?", (topic_id,)) == 20


def test_comment_pages_go_back_and_forth_by_number(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    community_id = community(owner)
    topic_id = topic(community_id, owner)
    for i in range(1, 26):
        say(topic_id, owner, f"コメント{i:02d}番")
    found = comm.get_topic(topic_id, owner)
    latest = comm.comments(found, owner, 10)
    assert [c.number for c in latest.items] == list(range(16, 26)) and latest.newer is None
    older = comm.comments(found, owner, 10, before=latest.older)
    assert [c.number for c in older.items] == list(range(6, 16))
    first = comm.comments(found, owner, 10, after=0)
    assert [c.number for c in first.items] == list(range(1, 11)) and first.older is None
    following = comm.comments(found, owner, 10, after=first.newer)
    assert [c.number for c in following.items] == list(range(11, 21))

    phone = client(DOCOMO_1_5K)
    phone.login("sakura@docomo.ne.jp")
    page = phone.page(f"/topic/{topic_id}")
    assert len(page.body) <= 5 * 1024
    text = phone.text(page)
    assert "コメント25番" in text or "pg=2" in text
    assert "コメント05番" not in text


# ---------------------------------------------------------------------------
# Admins: sub-admins, hand-over, removing members, deleting the community


def test_owner_names_subadmins_hands_over_and_removes_members(quick, client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    helper, troll = quick("たろう"), quick("あらし")
    community_id = community(owner)
    join(community_id, helper)
    join(community_id, troll)

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    members = phone.text(phone.page(f"/community/{community_id}/members"))
    assert "たろう" in members and "[管理人]" in members
    person = phone.page(f"/community/{community_id}/member/{helper}")
    submit(phone, person, 0)  # 副管理人にする
    assert standing(community_id, helper).role == "subadmin"
    assert [m.nickname for m in comm.subadmins(standing(community_id, owner))] == ["たろう"]

    # A sub-admin removes an ordinary member, who then cannot come back; not another admin.
    comm.remove_member(standing(community_id, helper), troll)
    assert standing(community_id, troll).banned and not standing(community_id, troll).is_member
    with refusal("communities.cannot_join", match="参加できません"):
        join(community_id, troll)
    with refusal("communities.cannot_remove_admin", match="退会させられません"):
        comm.remove_member(standing(community_id, helper), owner)
    assert scalar("SELECT member_count FROM communities WHERE id = ?", (community_id,)) == 2
    admin = phone.text(phone.page(f"/community/{community_id}/admin"))
    assert "あらし" in admin  # listed among the removed
    submit(phone, phone.page(f"/community/{community_id}/member/{troll}"), 0)  # 制限を解除
    assert not standing(community_id, troll).banned

    # Handing over: the helper becomes the owner, the old owner an ordinary member.
    confirm = phone.page(f"/community/{community_id}/member/{helper}/handover")
    assert "たろう" in phone.text(confirm)
    submit(phone, confirm)
    now_owner = standing(community_id, helper)
    assert now_owner.is_owner and standing(community_id, owner).role == "member"
    assert "管理人:" in phone.text(phone.page(f"/community/{community_id}")) and not standing(community_id, owner).is_admin
    assert phone.page(f"/community/{community_id}/admin", status=403).status_int == 403
    comm.leave(standing(community_id, owner))
    with refusal("communities.not_owner", match="管理人だけ"):
        comm.set_subadmin(standing(community_id, troll), helper, True)


def test_subadmin_limit(quick, app, monkeypatch):
    monkeypatch.setattr(rules, "MAX_SUBADMINS", 1)
    owner, a, b = quick(), quick(), quick()
    community_id = community(owner)
    join(community_id, a)
    join(community_id, b)
    comm.set_subadmin(standing(community_id, owner), a, True)
    with refusal("communities.too_many_subadmins", match="1人まで"):
        comm.set_subadmin(standing(community_id, owner), b, True)
    with refusal("communities.not_a_member", match="メンバーではありません"):
        comm.set_subadmin(standing(community_id, owner), quick(), True)


def test_owner_deletes_only_an_empty_community_site_admin_any(quick, client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    member = quick("たろう")
    make_member("運営", "admin@example.jp", is_admin=True)
    community_id = community(owner)
    join(community_id, member)
    topic_id = topic(community_id, member)
    say(topic_id, member, "残したい")
    with refusal("communities.cannot_delete", match="削除できません"):
        comm.delete_community(standing(community_id, owner))
    with refusal("communities.not_owner", match="管理人だけ"):
        comm.delete_community(standing(community_id, member))

    pc = client(PC)
    pc.login("admin@example.jp")
    confirm = pc.page(f"/community/{community_id}/delete")
    assert "元に戻せません" in confirm.text
    done = submit(pc, confirm)
    assert "コミュニティを削除しました" in done.follow().text
    for table in ("communities", "community_members", "community_topics", "community_comments"):
        assert scalar(f"SELECT COUNT(*) FROM {table}") == 0

    alone = community(owner, "ひとり")
    comm.delete_community(standing(alone, owner))
    assert scalar("SELECT COUNT(*) FROM communities") == 0


# ---------------------------------------------------------------------------
# Reports and moderation


def test_members_report_admins_remove_or_dismiss_site_admins_see_all(quick, client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    writer = quick("あらし")
    reporter = make_member("たろう", "taro@example.jp")
    community_id = community(owner)
    for m in (writer, reporter):
        join(community_id, m)
    topic_id = topic(community_id, owner, "雑談")
    say(topic_id, writer, "ひどい悪口")
    say(topic_id, writer, "ふつうの話")

    pc = client(PC)
    pc.login("taro@example.jp")
    bad = scalar("SELECT id FROM community_comments WHERE number = 1")
    fine = scalar("SELECT id FROM community_comments WHERE number = 2")
    form = pc.page(f"/comment/{bad}/report")
    assert "理由を選んでください" in submit(pc, form, note="詳しく").text
    assert "報告しました" in submit(pc, form, reason="abuse", note="悪口です").follow().text
    assert "報告済み" in submit(pc, pc.page(f"/comment/{bad}/report"), reason="abuse").text
    submit(pc, pc.page(f"/comment/{fine}/report"), reason="spam")
    submit(pc, pc.page(f"/topic/{topic_id}/report"), reason="other")

    site = comm.open_reports()
    assert len(site.items) == 3 and {r.community_name for r in site.items} == {"猫好き"}
    assert {r.reporter_nickname for r in site.items} == {"たろう"}

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    assert "報告(3)" in phone.text(phone.page(f"/community/{community_id}/admin"))
    reports = phone.page(f"/community/{community_id}/reports")
    text = phone.text(reports)
    assert "ひどい悪口" in text and "誹謗中傷" in text and "悪口です" in text
    assert "たろう" not in text  # the community's admins are not told who reported
    # Newest first: the topic (forms 0, 1), the fine comment (2, 3), the bad comment (4, 5).
    submit(phone, reports, 5 - 1)  # remove the bad comment
    submit(phone, phone.page(f"/community/{community_id}/reports"), 3)  # the fine one: 問題なし
    remaining = comm.community_reports(standing(community_id, owner))
    assert [r.comment_id for r in remaining.items] == [None]
    shown = phone.text(phone.page(f"/topic/{topic_id}"))
    assert "ひどい悪口" not in shown and "このコメントは削除されました" in shown and "ふつうの話" in shown
    outcomes = dict(base.fetchall("SELECT comment_id, outcome FROM community_reports WHERE comment_id IS NOT NULL"))
    assert outcomes == {bad: "removed", fine: "dismissed"}
    # Members cannot see or act on reports.
    assert pc.get(f"/community/{community_id}/reports", status=403).status_int == 403
    with refusal("communities.not_admin"):
        comm.resolve_report(standing(community_id, reporter), remaining.items[0].id, True)
    # Removing the topic settles its report too.
    comm.resolve_report(standing(community_id, owner), remaining.items[0].id, True)
    assert comm.open_reports().items == []
    assert comm.get_topic(topic_id, owner).deleted


# ---------------------------------------------------------------------------
# Blocking


def test_blocked_members_topics_and_comments_are_hidden_both_ways(quick, client, make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    pest = quick("いやなひと")
    friend = quick("たろう")
    community_id = community(friend)
    for m in (me, pest):
        join(community_id, m)
    pest_topic = topic(community_id, pest, "いやな話題")
    good_topic = topic(community_id, friend, "よい話題")
    say(good_topic, pest, "いやなコメント")
    say(good_topic, friend, "よいコメント")
    block(me, pest)

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    board = phone.text(phone.page(f"/community/{community_id}"))
    assert "よい話題" in board and "いやな話題" not in board
    assert "いやな話題" not in phone.text(phone.page(f"/community/{community_id}/topics"))
    assert "いやなひと" not in phone.text(phone.page(f"/community/{community_id}/members"))
    assert phone.page(f"/topic/{pest_topic}", status=404).status_int == 404
    thread = phone.text(phone.page(f"/topic/{good_topic}"))
    assert "よいコメント" in thread and "いやなコメント" not in thread
    pest_comment = scalar("SELECT id FROM community_comments WHERE author_id = ?", (pest,))
    assert phone.page(f"/comment/{pest_comment}/report", status=404).status_int == 404
    home_titles = [u.title for u in comm.home_updates(me)]
    assert "いやな話題" not in home_titles and "よい話題" in home_titles

    # The blocked member does not see the blocker's writing either.
    mine = topic(community_id, me, "さくらの話題")
    assert comm.get_topic(mine, pest) is None
    assert "さくらの話題" not in [t.title for t in comm.topics(standing(community_id, pest)).items]


def test_member_blocked_with_the_owner_cannot_join(quick, app):
    owner, pest = quick(), quick()
    community_id = community(owner)
    block(pest, owner)
    st = standing(community_id, pest)
    assert st.blocked_with_owner and not st.can_join
    with refusal("communities.cannot_join", match="参加できません"):
        comm.join(st)


def signed_in(page, mail: str) -> bool:
    """The page itself, shown to the member signed in: not the sign-in page a lost session gets
    (which answers 200 too)."""
    nickname = scalar("SELECT nickname FROM members WHERE mail = ?", (mail,))
    return page.status_int == 200 and f"{nickname}さん" in page.text and 'name="password"' not in page.text


# ---------------------------------------------------------------------------
# Home and the hub


def test_home_shows_latest_topics_of_my_communities_in_one_query(quick, client, make_member, monkeypatch):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    other = quick("たろう")
    mine = [community(other, f"参加{i}") for i in range(3)]
    not_mine = community(other, "不参加")
    for community_id in mine:
        join(community_id, me)
    topics_by_age = []
    for i, community_id in enumerate(mine * 3):
        topics_by_age.append(topic(community_id, other, f"話題{i}"))
        execute("UPDATE community_topics SET last_activity_at = ? WHERE id = ?", (1000 + i, topics_by_age[-1]))
        execute("UPDATE communities SET last_activity_at = ? WHERE id = ?", (1000 + i, community_id))
    topic(not_mine, other, "よそのコミュ")
    say(topics_by_age[0], other, "古い話題に新しいコメント")  # now the most recent

    statements = []
    real = base.db.obj.execute_sql
    monkeypatch.setattr(base.db.obj, "execute_sql", lambda sql, *a, **k: statements.append(sql) or real(sql, *a, **k))
    updates = comm.home_updates(me, limit=5)
    monkeypatch.undo()
    assert len(statements) == 1
    assert [u.topic_id for u in updates] == [topics_by_age[0], *topics_by_age[8:4:-1]]

    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    home = pc.page("/").text
    assert "話題0" in home and "よそのコミュ" not in home
    hub = pc.page("/communities").text
    assert "参加0" in hub and "不参加" not in hub


def test_pc_pages_of_a_community_render_for_owner_member_and_outsider(client, make_member):
    owner = make_member("さくら", "sakura@example.jp")
    member = make_member("たろう", "taro@example.jp")
    make_member("ゆき", "yuki@example.jp")
    community_id = community(owner, "写真部", join_policy="approval")
    execute("INSERT INTO community_members (community_id, member_id, role, joined_at) VALUES (?, ?, 'member', 0)",
            (community_id, member))
    topic_id = topic(community_id, member, "作品", "見てください http://example.com/photo")
    say(topic_id, owner, "いいですね")

    browsers = {}
    for mail, expect in (("sakura@example.jp", "コミュニティ管理"), ("taro@example.jp", "退会する"),
                         ("yuki@example.jp", "参加を申請する")):
        pc = browsers[mail] = client(PC)
        pc.login(mail)
        page = pc.page(f"/community/{community_id}")
        assert expect in page.text and "写真部" in page.text
        thread = pc.page(f"/topic/{topic_id}").text
        assert "/out?url=" in thread and "いいですね" in thread
        for path in ("/communities", "/communities/categories", f"/community/{community_id}/topics",
                     f"/community/{community_id}/members", f"/community/{community_id}/join", f"/topic/{topic_id}/report"):
            assert signed_in(pc.page(path), mail), path
    owner_pc = browsers["sakura@example.jp"]
    for path in (f"/community/{community_id}/admin", f"/community/{community_id}/edit", f"/community/{community_id}/requests",
                 f"/community/{community_id}/reports", f"/community/{community_id}/member/{member}"):
        assert signed_in(owner_pc.page(path), "sakura@example.jp"), path
    csrf = owner_pc.page(f"/community/{community_id}/edit").forms[0]["csrf"].value
    for path, field in ((f"/community/{community_id}/requests/{member}", "answer"), (f"/community/{community_id}/reports/1", "action"),
                        (f"/community/{community_id}/member/{member}", "action")):
        assert owner_pc.post(path, {"csrf": csrf, field: "everything"}, status=400).status_int == 400
    saved = submit(owner_pc, owner_pc.page(f"/community/{community_id}/edit"), name="写真部2", read_policy="members")
    assert saved.status_int == 303
    assert standing(community_id, owner).community.read_policy == "members"
    assert standing(community_id, owner).community.name == "写真部2"


# ---------------------------------------------------------------------------
# Indexes: the hot lists walk the index made for them, on both databases


def _plans(fn) -> str:
    """The query plans of every SELECT ``fn`` runs (PostgreSQL told to avoid seq scans,
    since a test's few rows would make a seq scan the cheapest)."""
    database = base.db.obj
    real = database.execute_sql
    captured = []

    def spy(sql, params=(), *args, **kwargs):
        captured.append((sql, params))
        return real(sql, params, *args, **kwargs)

    database.execute_sql = spy
    try:
        fn()
    finally:
        database.execute_sql = real
    lines = []
    with database.atomic():
        if not base.is_sqlite():
            # Tiny test tables: without these the planner scans and sorts whatever the earlier
            # tests left in the statistics; the question is whether an index serves the query.
            real("SET LOCAL enable_seqscan = off")
            real("SET LOCAL enable_sort = off")
        for sql, params in captured:
            explain = "EXPLAIN QUERY PLAN " if base.is_sqlite() else "EXPLAIN (COSTS OFF) "
            lines += [str(row[-1]) for row in real(explain + sql, params).fetchall()]
    return "\n".join(lines)


def test_hot_queries_use_their_indexes(quick):
    me, other = quick(), quick()
    community_id = community(other, category="music")
    join(community_id, me)
    topic_id = topic(community_id, other)
    say(topic_id, other, "こんにちは")
    st = standing(community_id, me)
    found = comm.get_topic(topic_id, me)
    expectations = {
        "community_members_member": lambda: comm.my_communities(me, 10, "9999999999_1"),
        "communities_activity": lambda: comm.active_communities(10, "9999999999_1"),
        "communities_category": lambda: comm.active_communities(10, "9999999999_1", category="music"),
        "community_topics_activity": lambda: comm.topics(st, 10, "9999999999_1"),
        "community_members_joined": lambda: comm.members(st, 10, "9999999999_1"),
        "community_members_role": lambda: comm.subadmins(st),
    }
    for index, fn in expectations.items():
        assert index in _plans(fn), index
    home = _plans(lambda: comm.home_updates(me))
    assert "community_members_member" in home and "community_topics_activity" in home
    comments_plan = _plans(lambda: comm.comments(found, me, 10, after=0))
    assert ("sqlite_autoindex_community_comments" in comments_plan
            or "community_comments_topic_id_number_key" in comments_plan), comments_plan
