"""Community polls (アンケート): made on a PC, answered and changed on a docomo i-mode 1.0
handset, counts shown after one's vote or after the close, read-only once closed, counts
under blocks, closed communities, removal and what a member owns."""
from __future__ import annotations

import datetime
import re

from conftest import DOCOMO_1, PC
from keitai import communities
from keitai.accounts import owned
from keitai.platform.db.connection import execute, now, scalar
from keitai.polls import rules as polls


def typed(days_ahead: int) -> str:
    d = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=9))).date() + datetime.timedelta(days_ahead)
    return f"{d.year}/{d.month}/{d.day}"


def block(blocker: int, blocked: int) -> None:
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)", (blocker, blocked))


def make_poll(community_id: int, author: int, question: str = "好きな猫は？",
              choices=("三毛", "黒猫", "茶トラ")) -> int:
    checked, errors = polls.check_poll(polls.Draft(question, tuple(choices), typed(7)))
    assert errors == []
    return polls.create_poll(communities.standing(community_id, author), checked)


def vote(poll_id: int, member_id: int, label: str) -> None:
    found = polls.get_poll(poll_id, member_id)
    choice = scalar("SELECT id FROM community_poll_choices WHERE poll_id = ? AND label = ?", (poll_id, label))
    polls.vote(communities.standing(found.community_id, member_id), found, choice)


def close(poll_id: int) -> None:
    execute("UPDATE community_polls SET closes_at = ? WHERE id = ?", (now() - 60, poll_id))


def counts(text: str) -> list[tuple[str, int]]:
    """(choice, votes) as a handset page shows them."""
    return [(label, int(n)) for label, n in re.findall(r"([^\s>:]+):(\d+)票", text)]


def test_a_poll_is_made_on_a_pc_and_answered_then_changed_on_a_handset(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.join(communities.standing(community_id, taro))

    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    form = pc.get(f"/community/{community_id}").click(description="アンケートを作る")
    made = pc.submit(form, question="好きな猫は？", choice1="三毛", choice2="黒猫", choice3="", closes=typed(7)).follow()
    assert "アンケートを作成しました。" in pc.text(made)
    poll_id = scalar("SELECT id FROM community_polls")
    assert scalar("SELECT COUNT(*) FROM community_poll_choices WHERE poll_id = ?", (poll_id,)) == 2  # empty ones dropped

    phone = client(DOCOMO_1)
    phone.login("taro@docomo.ne.jp")
    page = phone.page(f"/poll/{poll_id}")
    assert "結果は回答後に表示されます" in phone.text(page) and counts(phone.text(page)) == []
    vote(poll_id, owner, "三毛")  # someone else has voted: still no counts before one's own vote
    assert counts(phone.text(phone.page(f"/poll/{poll_id}"))) == []
    page = phone.page(f"/poll/{poll_id}")
    black = scalar("SELECT id FROM community_poll_choices WHERE label = '黒猫'")
    answered = phone.submit(page, 0, choice=str(black)).follow()
    assert "回答しました。" in phone.text(answered)
    assert counts(phone.text(answered)) == [("三毛", 1), ("黒猫", 1)]
    assert "黒猫:1票(あなた)" in phone.text(answered)
    mike = scalar("SELECT id FROM community_poll_choices WHERE label = '三毛'")
    changed = phone.submit(answered, 0, choice=str(mike)).follow()
    assert counts(phone.text(changed)) == [("三毛", 2), ("黒猫", 0)]
    assert scalar("SELECT COUNT(*) FROM community_poll_votes") == 2  # one vote each


def test_a_closed_poll_is_read_only_and_shows_its_counts_to_everyone_who_reads_it(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@docomo.ne.jp")
    make_member("そと", "outside@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.join(communities.standing(community_id, taro))
    poll_id = make_poll(community_id, owner)
    vote(poll_id, owner, "茶トラ")

    outsider = client(DOCOMO_1)
    outsider.login("outside@docomo.ne.jp")
    before = outsider.text(outsider.page(f"/poll/{poll_id}"))
    assert "結果は締切後に表示されます" in before and counts(before) == []

    close(poll_id)
    after = outsider.page(f"/poll/{poll_id}")
    assert counts(outsider.text(after)) == [("三毛", 0), ("黒猫", 0), ("茶トラ", 1)]
    phone = client(DOCOMO_1)
    phone.login("taro@docomo.ne.jp")
    page = phone.page(f"/poll/{poll_id}")
    assert len(page.forms) == 0 and "締切済" in phone.text(page)
    token = re.search(r'name="csrf" value="([^"]+)"',
                      phone.text(phone.page(f"/community/{community_id}/poll/new")))[1]
    choice = scalar("SELECT id FROM community_poll_choices WHERE label = '三毛'")
    refused = phone.post(phone.with_sid(f"/poll/{poll_id}/vote"), {"csrf": token, "choice": str(choice)}, status=403)
    assert "締め切られています" in phone.text(refused)
    assert scalar("SELECT COUNT(*) FROM community_poll_votes") == 1


def test_counts_leave_out_votes_across_a_block_either_way(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    viewer = make_member("みる人", "viewer@docomo.ne.jp")
    hidden = make_member("かくれた", "hidden@docomo.ne.jp")
    blocker = make_member("ブロックした", "blocker@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    for member in (viewer, hidden, blocker):
        communities.join(communities.standing(community_id, member))
    poll_id = make_poll(community_id, owner)
    vote(poll_id, owner, "三毛")
    vote(poll_id, hidden, "黒猫")
    vote(poll_id, blocker, "黒猫")
    vote(poll_id, viewer, "茶トラ")
    block(viewer, hidden)
    block(blocker, viewer)
    phone = client(DOCOMO_1)
    phone.login("viewer@docomo.ne.jp")
    assert counts(phone.text(phone.page(f"/poll/{poll_id}"))) == [("三毛", 1), ("黒猫", 0), ("茶トラ", 1)]
    owner_phone = client(DOCOMO_1)
    owner_phone.login("sakura@docomo.ne.jp")
    assert counts(owner_phone.text(owner_phone.page(f"/poll/{poll_id}"))) == [("三毛", 1), ("黒猫", 2), ("茶トラ", 1)]


def test_a_poll_needs_a_question_two_different_choices_and_a_closing_day(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    form = phone.page(f"/community/{community_id}/poll/new")
    page = phone.text(phone.submit(form, question="", choice1="三毛", closes="いつか"))
    assert "質問を入力してください。" in page
    assert "選択肢を2つ以上入力してください。" in page
    assert "締切日を「2026/12/31」のように入力してください。" in page
    same = phone.text(phone.submit(form, question="猫？", choice1="三毛", choice2="三毛", closes=typed(3)))
    assert "同じ選択肢が2つあります。" in same
    past = phone.text(phone.submit(form, question="猫？", choice1="三毛", choice2="黒", closes=typed(-1)))
    assert "締切日が過ぎています。" in past
    assert scalar("SELECT COUNT(*) FROM community_polls") == 0


def test_a_closed_communitys_polls_are_for_its_members_only(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    outsider = make_member("そと", "outside@docomo.ne.jp")
    community_id = communities.create_community(owner, "秘密結社", "other", read_policy="members")
    poll_id = make_poll(community_id, owner, question="次の集会は？")
    assert polls.community_polls(communities.standing(community_id, outsider)).items == []
    assert [p.question for p in polls.community_polls(communities.standing(community_id, owner)).items] == ["次の集会は？"]
    pc = client(PC)
    pc.login("outside@docomo.ne.jp")
    assert "メンバーだけが読めます" in pc.text(pc.get(f"/poll/{poll_id}", status=403))
    pc.get(f"/community/{community_id}/polls", status=403)
    assert "次の集会は？" not in pc.text(pc.get(f"/community/{community_id}"))


def test_a_poll_by_a_blocked_member_is_not_found(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    viewer = make_member("みる人", "viewer@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    poll_id = make_poll(community_id, owner, question="ひみつの質問")
    block(viewer, owner)
    pc = client(PC)
    pc.login("viewer@docomo.ne.jp")
    pc.get(f"/poll/{poll_id}", status=404)
    assert "ひみつの質問" not in pc.text(pc.get(f"/community/{community_id}/polls"))


def test_the_maker_removes_a_poll_after_confirming(client, make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.join(communities.standing(community_id, taro))
    poll_id = make_poll(community_id, owner)
    vote(poll_id, taro, "三毛")
    pc = client(PC)
    pc.login("taro@docomo.ne.jp")
    pc.get(f"/poll/{poll_id}/delete", status=403)
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    asked = pc.get(f"/poll/{poll_id}").click(description="このアンケートを削除")
    assert "回答もすべて消え" in pc.text(asked)
    assert "アンケートを削除しました。" in pc.text(pc.submit(asked).follow())
    assert scalar("SELECT COUNT(*) FROM community_poll_votes") == 0


def test_what_a_member_owns_of_polls_is_exported_and_deleted(make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@docomo.ne.jp")
    community_id = communities.create_community(owner, "猫好き", "animals")
    communities.join(communities.standing(community_id, taro))
    mine = make_poll(community_id, taro, question="犬派？", choices=("はい", "いいえ"))
    theirs = make_poll(community_id, owner)
    vote(theirs, taro, "黒猫")
    vote(theirs, owner, "三毛")
    exported = owned.OWNED["polls"].export(taro)
    assert exported[0]["question"] == "犬派？" and exported[0]["choices"] == ["はい", "いいえ"]
    assert (exported[1]["question"], exported[1]["my_vote"]) == ("好きな猫は？", "黒猫")
    owned.OWNED["polls"].delete(taro)
    assert scalar("SELECT COUNT(*) FROM community_polls WHERE id = ?", (mine,)) == 0
    assert scalar("SELECT COUNT(*) FROM community_poll_votes WHERE poll_id = ?", (theirs,)) == 1
