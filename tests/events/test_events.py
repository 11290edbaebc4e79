"""Community events (イベント): made on a PC, joined and cancelled on a docomo i-mode 1.0
handset until the deadline, the participant list and its count under blocks, closed
communities, home, removal and what a member owns (on SQLite and PostgreSQL, by
KEITAI_DATABASE_URL)."""
from __future__ import annotations

import datetime
import re

from conftest import DOCOMO_1, DOCOMO_1_5K, PC
from keitai import communities
from keitai.accounts import owned
from keitai.events import rules as events
from keitai.platform.db.connection import execute, now, scalar


def day(days_ahead: int) -> datetime.date:
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=9))).date() + datetime.timedelta(days_ahead)


def typed(d: datetime.date) -> str:
    return f"{d.year}/{d.month}/{d.day}"


def block(blocker: int, blocked: int) -> None:
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)", (blocker, blocked))


def make_event(community_id: int, author: int, title: str = "忘年会", days: int = 20, deadline: int | None = None,
               place: str = "渋谷") -> int:
    checked, errors = events.check_event(events.Draft(title, typed(day(days)), "19:00", place,
                                                      typed(day(deadline)) if deadline is not None else "", "飲みましょう"))
    assert errors == []
    return events.create_event(communities.standing(community_id, author), checked)


def join(event_id: int, member_id: int) -> None:
    found = events.get_event(event_id, member_id)
    events.join(communities.standing(found.community_id, member_id), found)


def test_a_member_makes_an_event_on_a_pc_and_a_handset_member_joins_and_cancels(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals", "猫の話")
    communities.join(communities.standing(community_id, taro))
    when = day(20)

    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.get(f"/community/{community_id}").click(description="イベントを作る")
    made = pc.submit(form, title="猫カフェ巡り", date=typed(when), time="１４：００", place="神保町",
                     deadline="", body="みんなで行きましょう").follow()
    page = pc.text(made)
    assert "イベントを作成しました。" in page
    assert f"{when.month}月{when.day}日" in page and "14:00" in page and "神保町" in page
    assert "参加者（1人）" in page and "さくら" in page  # the maker takes part from the start

    phone = client(DOCOMO_1)
    phone.login("taro@docomo.ne.jp")
    home = phone.text(phone.page("/"))
    assert "猫カフェ巡り" in home  # upcoming events of my communities, on home
    event_id = scalar("SELECT id FROM community_events")
    event_page = phone.page(f"/event/{event_id}")
    assert "参加者(1人)" in phone.text(event_page)
    assert all(f"sid={phone.sid}" in href for href in re.findall(r'href="([^"]+)"', phone.text(event_page))
               if href.startswith("/"))
    joined = phone.submit(event_page, 0).follow()
    assert "イベントに参加しました。" in phone.text(joined) and "参加者(2人)" in phone.text(joined)
    assert "参加予定です" in phone.text(joined)
    assert "[参加]" in phone.text(phone.page("/"))
    cancelled = phone.submit(joined, 0).follow()
    assert "キャンセルしました" in phone.text(cancelled) and "参加者(1人)" in phone.text(cancelled)


def test_after_the_deadline_no_one_joins_or_cancels(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    member = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.join(communities.standing(community_id, member))
    event_id = make_event(community_id, owner, days=10, deadline=5)
    execute("UPDATE community_events SET deadline_at = ? WHERE id = ?", (now() - 60, event_id))

    phone = client(DOCOMO_1)
    phone.login("taro@docomo.ne.jp")
    page = phone.page(f"/event/{event_id}")
    assert "募集は締め切りました" in phone.text(page)
    assert len(page.forms) == 0
    token = re.search(r'name="csrf" value="([^"]+)"', phone.text(phone.page(f"/community/{community_id}/event/new")))[1]
    refused = phone.post(phone.with_sid(f"/event/{event_id}/join"), {"csrf": token}, status=403)
    assert "締め切られています" in phone.text(refused)
    assert scalar("SELECT COUNT(*) FROM community_event_participants WHERE event_id = ?", (event_id,)) == 1


def test_bad_dates_are_refused_in_japanese_and_nothing_is_made(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    form = phone.page(f"/community/{community_id}/event/new")
    again = phone.text(phone.submit(form, title="", date="12月32日", time="25:00", deadline="あした"))
    assert "タイトルを入力してください。" in again
    assert "開催日を「2026/12/24」のように入力してください。" in again
    assert "時刻を「19:00」のように入力してください" in again
    assert "募集締切を「2026/12/20」のように" in again
    later = phone.text(phone.submit(form, title="花見", date=typed(day(3)), deadline=typed(day(4))))
    assert "募集締切は開催日以前にしてください。" in later
    past = phone.text(phone.submit(form, title="花見", date=typed(day(-1))))
    assert "開催日が過ぎています。" in past
    assert scalar("SELECT COUNT(*) FROM community_events") == 0


def test_typed_dates_are_read_in_the_ways_members_write_them():
    base = datetime.date(2026, 12, 5)
    assert events.parse_date("2026/12/24", base) == datetime.date(2026, 12, 24)
    assert events.parse_date("２０２６／１２／２４", base) == datetime.date(2026, 12, 24)
    assert events.parse_date("2026年12月24日", base) == datetime.date(2026, 12, 24)
    assert events.parse_date("2026-1-2", base) == datetime.date(2026, 1, 2)
    assert events.parse_date("12/24", base) == datetime.date(2026, 12, 24)
    assert events.parse_date("1/3", base) == datetime.date(2027, 1, 3)  # the next 3 January
    assert events.parse_date("2026/2/30", base) is None
    assert events.parse_date("あした", base) is None
    assert events.parse_time("19:30") == (19, 30)
    assert events.parse_time("１９時") == (19, 0)
    assert events.parse_time("7時5分") == (7, 5)
    assert events.parse_time("24:00") is None


def test_the_participant_count_is_the_length_of_the_list_the_viewer_sees(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    viewer = make_member("みる人", "viewer@docomo.ne.jp")
    hidden = make_member("かくれた", "hidden@docomo.ne.jp")
    blocker = make_member("ブロックした", "blocker@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    for member in (viewer, hidden, blocker):
        communities.join(communities.standing(community_id, member))
    event_id = make_event(community_id, owner)
    join(event_id, hidden)
    join(event_id, blocker)
    block(viewer, hidden)  # the viewer blocked one participant; another blocked the viewer
    block(blocker, viewer)

    pc = client(PC)
    pc.login("viewer@docomo.ne.jp")
    page = pc.text(pc.get(f"/event/{event_id}"))
    assert "参加者（1人）" in page and "かくれた" not in page and "ブロックした" not in page
    listing = pc.text(pc.get(f"/event/{event_id}/participants"))
    assert "参加者（1人）" in listing and "かくれた" not in listing
    owner_view = client(PC)
    owner_view.login("sakura@docomo.ne.jp")
    assert "参加者（3人）" in owner_view.text(owner_view.get(f"/event/{event_id}"))


def test_an_event_by_a_blocked_member_is_not_found(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    author = make_member("たろう", "taro@docomo.ne.jp")
    viewer = make_member("みる人", "viewer@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    for member in (author, viewer):
        communities.join(communities.standing(community_id, member))
    event_id = make_event(community_id, author, title="秘密の会")
    block(author, viewer)
    pc = client(PC)
    pc.login("viewer@docomo.ne.jp")
    pc.get(f"/event/{event_id}", status=404)
    assert "秘密の会" not in pc.text(pc.get(f"/community/{community_id}/events"))
    assert "秘密の会" not in pc.text(pc.get("/"))


def test_a_closed_communitys_events_are_for_its_members_only(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    outsider = make_member("そと", "outside@docomo.ne.jp")
    community_id = communities.create_community(owner, "秘密結社", "other", read_policy="members")
    event_id = make_event(community_id, owner, title="定例会")
    assert events.community_events(communities.standing(community_id, outsider)).items == []
    assert [e.title for e in events.community_events(communities.standing(community_id, owner)).items] == ["定例会"]
    pc = client(PC)
    pc.login("outside@docomo.ne.jp")
    assert "メンバーだけが読めます" in pc.text(pc.get(f"/event/{event_id}", status=403))
    pc.get(f"/event/{event_id}/participants", status=403)
    pc.get(f"/community/{community_id}/events", status=403)
    assert "定例会" not in pc.text(pc.get(f"/community/{community_id}"))
    assert "定例会" not in pc.text(pc.get("/"))


def test_non_members_read_an_open_communitys_events_but_cannot_join(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    make_member("そと", "outside@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    event_id = make_event(community_id, owner, title="猫の日")
    phone = client(DOCOMO_1_5K)
    phone.login("outside@docomo.ne.jp")
    page = phone.page(f"/event/{event_id}")
    assert "猫の日" in phone.text(page) and len(page.forms) == 0
    assert "ｺﾐｭﾆﾃｨに参加</a>すると参加できます" in phone.text(page)
    assert len(page.body) <= 5 * 1024


def test_the_maker_removes_an_event_after_confirming_and_others_cannot(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    member = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.join(communities.standing(community_id, member))
    event_id = make_event(community_id, member, title="たろうの会")
    join(event_id, owner)

    pc = client(PC)
    pc.login("taro@docomo.ne.jp")
    asked = pc.get(f"/event/{event_id}").click(description="このイベントを削除")
    assert "参加者の一覧も消え" in pc.text(asked)
    assert scalar("SELECT COUNT(*) FROM community_events") == 1
    gone = pc.submit(asked).follow()
    assert "イベントを削除しました。" in pc.text(gone)
    assert scalar("SELECT COUNT(*) FROM community_events") == 0
    assert scalar("SELECT COUNT(*) FROM community_event_participants") == 0

    other = make_event(community_id, owner, title="さくらの会")
    pc.get(f"/event/{other}/delete", status=403)


def test_what_a_member_owns_of_events_is_exported_and_deleted(make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    member = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.join(communities.standing(community_id, member))
    mine = make_event(community_id, member, title="たろうの会", place="上野")
    theirs = make_event(community_id, owner, title="さくらの会")
    join(theirs, member)

    exported = owned.OWNED["events"].export(member)
    assert [(e["title"], e["created_by_me"]) for e in exported] == [("たろうの会", True), ("たろうの会", False),
                                                                    ("さくらの会", False)]
    assert exported[0]["place"] == "上野"
    owned.OWNED["events"].delete(member)
    assert scalar("SELECT COUNT(*) FROM community_events WHERE id = ?", (mine,)) == 0
    assert scalar("SELECT COUNT(*) FROM community_event_participants WHERE member_id = ?", (member,)) == 0
    assert scalar("SELECT COUNT(*) FROM community_event_participants WHERE event_id = ?", (theirs,)) == 1


def test_the_maker_changes_an_event_and_no_one_else_may(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    member = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.join(communities.standing(community_id, member))
    event_id = make_event(community_id, member, title="たろうの会", place="渋谷")
    phone = client(DOCOMO_1)
    phone.login("taro@docomo.ne.jp")
    form = phone.page(f"/event/{event_id}").click(description="変更")
    assert form.forms[0]["place"].value == "渋谷" and form.forms[0]["time"].value == "19:00"
    saved = phone.submit(form, 0, place="上野公園").follow()
    assert "イベントを変更しました。" in phone.text(saved) and "上野公園" in phone.text(saved)
    refused = phone.text(phone.submit(phone.page(f"/event/{event_id}/edit"), 0, date="きのう"))
    assert "開催日を「2026/12/24」のように入力してください。" in refused
    assert scalar("SELECT place FROM community_events WHERE id = ?", (event_id,)) == "上野公園"

    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")  # the community's owner removes, but does not rewrite, others' events
    pc.get(f"/event/{event_id}/edit", status=403)
    assert "このイベントを変更" not in pc.text(pc.get(f"/event/{event_id}"))
