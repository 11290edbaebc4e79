"""Photos on a community's board: up to three with a topic and with each comment, shown (and
served by /photo) only to those who may read the board and are shown the writer; their files
go with the topic, the comment, the community and the writer's 退会."""
from __future__ import annotations

import re
from pathlib import Path

from webtest import Upload

from conftest import DOCOMO_1, PC
from diary_helpers import image_bytes
from quick import member, sign_in
from keitai import communities as comm
from keitai import config
from keitai.accounts import withdraw
from keitai.friends import blocks
from keitai.photos import rules as photos
from keitai.platform.db.connection import execute, fetchall, scalar

#: i-mode browser 2.0 with a 500 KB cache: sends files from forms, shows photos inline.
DOCOMO_BIG = "DoCoMo/2.0 P906i(c500;TB;W24H15)"


def _kept_originals() -> set[str]:
    root = Path(config.get().media_dir) / photos.ORIGINALS
    return {str(p.relative_to(root)) for p in root.rglob("*.jpg")} if root.is_dir() else set()


def _photo_ids(kind: str, ref_id: int) -> list[int]:
    return [r[0] for r in fetchall("SELECT id FROM photos WHERE kind = ? AND ref_id = ? ORDER BY id", (kind, ref_id))]


def _photos_on(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"/photo/(\d+)", text)}


def _board(read_policy: str = "everyone"):
    owner = member("かんりにん")
    community = comm.create_community(owner, "写真部", "hobby", read_policy=read_policy)
    return owner, community


def _post_topic(pc, community: int, count: int = 2):
    form = pc.get(f"/community/{community}/topic/new").forms[0]
    form["title"], form["body"] = "撮った写真", "見てください"
    for n in range(1, count + 1):
        form[f"photo{n}"] = Upload(f"p{n}.jpg", image_bytes(200, 150), "image/jpeg")
    return form.submit()


def test_a_topic_and_a_comment_carry_photos_that_only_board_readers_see(app, client):
    owner, community = _board(read_policy="members")
    pc = sign_in(client(PC), owner)
    done = _post_topic(pc, community, count=2)
    assert done.status_int == 303
    topic = scalar("SELECT id FROM community_topics WHERE community_id = ?", (community,))
    topic_photos = _photo_ids("topic", topic)
    assert len(topic_photos) == 2 and _photos_on(pc.get(f"/topic/{topic}").text) == set(topic_photos)

    writer = member("こめんと")
    comm.join(comm.standing(community, writer))
    writer_pc = sign_in(client(PC), writer)
    form = next(f for f in writer_pc.get(f"/topic/{topic}").forms.values() if f.action.endswith("/comment"))
    form["body"] = "いいですね"
    form["photo1"] = Upload("c.jpg", image_bytes(120, 90), "image/jpeg")
    assert form.submit().status_int == 303
    comment = scalar("SELECT id FROM community_comments WHERE topic_id = ?", (topic,))
    (comment_photo,) = _photo_ids("topic_comment", comment)
    every = set(topic_photos) | {comment_photo}
    assert _photos_on(pc.get(f"/topic/{topic}").text) == every
    # A comment's photo page leads back to the comment in its topic.
    back = pc.get(f"/comment/{comment}")
    assert back.status_int == 303 and back.headers["Location"].endswith(f"/topic/{topic}?after=0#c1")

    # Written down, for each kind of viewer: who is served the board's photos.
    outsider = sign_in(client(PC), member("ぶがいしゃ"))  # not a member of a members-only board
    blocker = member("ぶろっく")
    comm.join(comm.standing(community, blocker))
    blocks.block(blocker, writer)
    blocking = sign_in(client(PC), blocker)
    for photo_id in every:
        assert outsider.get(f"/photo/{photo_id}?size=s", expect_errors=True).status_int == 404
    for photo_id in topic_photos:
        assert blocking.get(f"/photo/{photo_id}?size=s").status_int == 200
    # A block either way with the comment's writer: neither the comment nor its photo.
    assert blocking.get(f"/photo/{comment_photo}?size=s", expect_errors=True).status_int == 404
    assert _photos_on(blocking.get(f"/topic/{topic}").text) == set(topic_photos)
    blocked_pc = sign_in(client(PC), writer)  # the blocked one, the other way round
    assert blocked_pc.get(f"/photo/{comment_photo}?size=s").status_int == 200  # their own
    assert all(blocked_pc.get(f"/photo/{p}?size=s").status_int == 200 for p in topic_photos)

    # The board opened to every member: the outsider reads it, photos and all.
    execute("UPDATE communities SET read_policy = 'everyone' WHERE id = ?", (community,))
    assert all(outsider.get(f"/photo/{p}?size=s").status_int == 200 for p in every)
    # A suspended writer's comment disappears with its photo.
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (writer,))
    assert outsider.get(f"/photo/{comment_photo}?size=s", expect_errors=True).status_int == 404
    assert _photos_on(outsider.get(f"/topic/{topic}").text) == set(topic_photos)


def test_removing_a_comment_a_topic_or_the_community_removes_the_photo_files(app, client):
    owner, community = _board()
    pc = sign_in(client(PC), owner)
    _post_topic(pc, community, count=3)
    topic = scalar("SELECT id FROM community_topics WHERE community_id = ?", (community,))
    st = comm.standing(community, owner)
    comm.add_comment(st, comm.get_topic(topic, owner), "一枚目",
                     [photos.prepare_bytes(image_bytes(60, 60))])
    comm.add_comment(st, comm.get_topic(topic, owner), "二枚目",
                     [photos.prepare_bytes(image_bytes(60, 60)), photos.prepare_bytes(image_bytes(60, 60))])
    assert len(_kept_originals()) == 6

    first = comm.get_comment(scalar("SELECT id FROM community_comments WHERE number = 1"), owner)[0]
    comm.delete_comment(st, first)
    assert len(_kept_originals()) == 5 and _photo_ids("topic_comment", first.id) == []

    comm.delete_topic(st, comm.get_topic(topic, owner))
    assert _kept_originals() == set() and scalar("SELECT COUNT(*) FROM photos") == 0

    _post_topic(pc, community, count=1)
    assert len(_kept_originals()) == 1
    comm.delete_community(comm.standing(community, owner))
    assert _kept_originals() == set() and scalar("SELECT COUNT(*) FROM photos") == 0


def test_withdrawing_removes_the_writers_board_photos_and_a_closing_communitys(app, client):
    owner, community = _board()
    writer = member("かきて")
    comm.join(comm.standing(community, writer))
    other_owner = member("ひとり")
    lonely = comm.create_community(other_owner, "ひとり部", "hobby")
    comm.join(comm.standing(lonely, writer))
    for place in (community, lonely):
        st = comm.standing(place, writer)
        topic = comm.create_topic(st, "題", "本文", [photos.prepare_bytes(image_bytes(60, 60))])
        comm.add_comment(comm.standing(place, owner if place == community else other_owner),
                         comm.get_topic(topic, writer), "返事", [photos.prepare_bytes(image_bytes(60, 60))])
    assert len(_kept_originals()) == 4
    withdraw.withdraw(writer)
    # The writer's two photos go; the owners' comments keep theirs.
    assert len(_kept_originals()) == 2
    # A passer-by leaves a photo in ひとり部 and leaves the community.
    passerby = member("とおりすがり")
    comm.join(comm.standing(lonely, passerby))
    lonely_topic = scalar("SELECT id FROM community_topics WHERE community_id = ?", (lonely,))
    comm.add_comment(comm.standing(lonely, passerby), comm.get_topic(lonely_topic, passerby), "通りすがり",
                     [photos.prepare_bytes(image_bytes(60, 60))])
    comm.leave(comm.standing(lonely, passerby))
    assert len(_kept_originals()) == 3
    withdraw.withdraw(other_owner)  # ひとり部 has no one left: it closes with its board, the passer-by's photo too
    assert len(_kept_originals()) == 1
    assert scalar("SELECT COUNT(*) FROM photos") == 1


def test_a_handset_that_cannot_send_files_is_told_where_it_can(app, client):
    owner, community = _board()
    phone = sign_in(client(DOCOMO_1), owner)
    page = phone.page(f"/community/{community}/topic/new")
    text = phone.text(page)
    assert 'type="file"' not in text and "multipart" not in text
    assert "この機種からは写真を送れません" in text and "PCやｽﾏｰﾄﾌｫﾝから" in text
    big = sign_in(client(DOCOMO_BIG), owner)
    form = big.page(f"/community/{community}/topic/new").forms[0]
    assert form.enctype == "multipart/form-data" and {"photo1", "photo2", "photo3"} <= set(form.fields)


def test_a_file_that_is_no_photo_is_refused_and_nothing_is_kept(app, client):
    owner, community = _board()
    pc = sign_in(client(PC), owner)
    form = pc.get(f"/community/{community}/topic/new").forms[0]
    form["title"], form["body"] = "題", "本文は残る"
    form["photo1"] = Upload("notes.jpg", b"this is not a photo", "image/jpeg")
    again = form.submit()
    assert again.status_int == 200 and "写真1：" in again.text and "写真はもう一度選んでください。" in again.text
    assert "本文は残る" in again.text
    assert scalar("SELECT COUNT(*) FROM community_topics") == 0 and _kept_originals() == set()
