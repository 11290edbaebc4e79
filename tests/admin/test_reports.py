"""通報: a 通報 link on every kind of member content (PC and docomo handset), one form, one
operator queue at /admin/reports where the operator sees the item whatever its audience and
takes it down, makes its author leave, or dismisses the reports; each answer logged."""
from __future__ import annotations

import pytest

from conftest import DOCOMO_1, PC
from diary_helpers import FakeUpload, small_photo, write_entry
from keitai import communities
from keitai.albums import comments as album_comments
from keitai.albums import rules as albums
from keitai import diary as diaries
from keitai.friends import rules as friends
from keitai.messages import rules as messages
from keitai.photos import rules as photos
from keitai.profiles import rules as profiles
from keitai.platform.db.connection import execute, fetchall, scalar
from keitai.reports import rules as reports
from sitewalk import cheap_passwords, quick_member, start_session  # noqa: F401

KINDS = {"profile", "diary", "diary_comment", "album", "album_comment", "community", "topic", "topic_comment", "message"}


@pytest.fixture
def site(app, client, cheap_passwords):  # noqa: F811
    """A writer with one item of every kind, a friend of theirs who reports, an operator."""
    writer = quick_member("かきて", "writer@docomo.ne.jp")
    reader = quick_member("よみて", "reader@docomo.ne.jp")
    operator = quick_member("うんえい", "op@docomo.ne.jp", is_admin=True)
    friends.befriend(writer, reader)
    entry = write_entry(writer, "問題の日記", audience="friends", body="ひどい本文")
    own_entry = write_entry(reader, "よみての日記")
    comment = diaries.add_comment(writer, own_entry, "ひどいコメント")
    community = communities.create_community(writer, "問題のコミュ", "other", description="ひどい説明")
    communities.join(communities.standing(community, reader))
    topic = communities.create_topic(communities.standing(community, writer), "問題のトピック", "ひどいトピック")
    communities.add_comment(communities.standing(community, writer), communities.get_topic(topic, writer), "ひどい書き込み")
    topic_comment = scalar("SELECT id FROM community_comments WHERE topic_id = ?", (topic,))
    message = messages.send(writer, reader, "問題のメッセージ", "ひどいメッセージ")
    execute("UPDATE members SET about = 'ひどい自己紹介' WHERE id = ?", (writer,))
    album = albums.create_album(writer, albums.Draft("問題のアルバム", "ひどいアルバム説明", "friends", None))
    own_album = albums.create_album(reader, albums.Draft("よみてのアルバム", "", "everyone", None))
    album_comment = album_comments.add_comment(writer, own_album, "ひどいアルバムコメント")
    items = {"profile": writer, "diary": entry, "diary_comment": comment, "album": album, "album_comment": album_comment,
             "community": community, "topic": topic, "topic_comment": topic_comment, "message": message}
    pages = {"profile": f"/member/{writer}", "diary": f"/diary/{entry}", "diary_comment": f"/diary/{own_entry}",
             "album": f"/album/{album}", "album_comment": f"/album/{own_album}",
             "community": f"/community/{community}", "topic": f"/topic/{topic}", "topic_comment": f"/topic/{topic}",
             "message": f"/message/{message}"}
    op = client(PC)
    start_session(op, operator)
    return dict(writer=writer, reader=reader, operator=operator, items=items, pages=pages, op=op)


def test_every_kind_of_content_is_reportable(app):
    assert set(reports.KINDS) == KINDS


@pytest.mark.parametrize("ua", [PC, DOCOMO_1])
def test_every_kind_has_a_report_link_and_one_form(site, client, ua):
    reader = client(ua)
    start_session(reader, site["reader"])
    for kind, ref_id in site["items"].items():
        page = reader.page(site["pages"][kind])
        link = f"/report/{kind}/{ref_id}"
        hrefs = [a["href"] for a in page.html.find_all("a", href=True) if a["href"].startswith(link)]
        assert hrefs and all(h.split("?")[0] == link for h in hrefs), (kind, ua)
        form = reader.get(hrefs[0])
        assert "通報" in reader.text(form)
        done = reader.submit(form, reason="abuse", note="見てください")
        assert done.status_int == 303, (kind, reader.text(done))
        assert "通報しました" in reader.text(done.follow())
    assert sorted(fetchall("SELECT kind, ref_id, author_id, reason FROM reports ORDER BY kind")) == sorted(
        (kind, ref_id, site["writer"], "abuse") for kind, ref_id in site["items"].items())


def test_no_link_on_ones_own_content_and_no_report_of_what_one_may_not_see(site, client):
    writer = client(PC)
    start_session(writer, site["writer"])
    for kind in ("profile", "diary", "community", "topic"):
        page = writer.get(site["pages"][kind])
        assert f'href="/report/{kind}/{site["items"][kind]}"' not in page.text, kind
    refused = writer.submit(writer.get(f"/report/diary/{site['items']['diary']}"), reason="spam")
    assert "自分の書き込みは通報できません" in refused.text
    stranger = client(PC)
    start_session(stranger, quick_member("しらないひと", "stranger@docomo.ne.jp"))
    for kind in ("diary", "message"):  # friends only; someone else's message
        assert stranger.get(f"/report/{kind}/{site['items'][kind]}", status=404).status_int == 404
    assert "問題の日記" not in stranger.get(f"/report/diary/{site['items']['diary']}", status=404).text
    assert scalar("SELECT COUNT(*) FROM reports") == 0


def test_the_operator_sees_the_item_even_when_its_audience_hides_it_and_takes_it_down(site, client):
    entry = site["items"]["diary"]
    reports.file_report(site["reader"], "diary", entry, "abuse", "悪口です")
    execute("UPDATE diaries SET audience = 'private' WHERE id = ?", (entry,))  # the author hides it afterwards
    op = site["op"]
    queue = op.get("/admin/reports")
    assert "問題の日記" in queue.text and "ひどい本文" in queue.text and "悪口です" in queue.text
    assert op.get(f"/diary/{entry}", status=404).status_int == 404  # not as a member: only in the queue
    refused = queue.forms[0].submit("action", value="takedown")
    assert "理由を書いてください" in refused.text and scalar("SELECT COUNT(*) FROM diaries WHERE id = ?", (entry,)) == 1
    form = op.get("/admin/reports").forms[0]
    form["reason"] = "規約違反の誹謗中傷"
    done = form.submit("action", value="takedown")
    assert done.status_int == 303 and "削除しました" in done.follow().text
    assert scalar("SELECT COUNT(*) FROM diaries WHERE id = ?", (entry,)) == 0
    writer = client(PC)
    start_session(writer, site["writer"])
    assert writer.get(f"/diary/{entry}", status=404).status_int == 404
    assert fetchall("SELECT outcome, resolved_by FROM reports") == [("removed", site["operator"])]
    log = fetchall("SELECT admin_id, action, member_id, note FROM admin_log")
    assert log == [(site["operator"], "takedown", site["writer"], "日記「問題の日記」 規約違反の誹謗中傷")]
    assert "対応を待っている通報はありません" in op.get("/admin/reports").text


@pytest.mark.parametrize("kind", sorted(KINDS - {"diary"}))
def test_a_takedown_hides_each_kind_from_everyone(site, client, kind):
    photo_id = profiles.add_photo(site["writer"], photos.prepare(FakeUpload(small_photo())))
    reports.file_report(site["reader"], kind, site["items"][kind], "spam")
    form = site["op"].get("/admin/reports").forms[0]
    form["reason"] = "宣伝"
    assert form.submit("action", value="takedown").status_int == 303
    word = {"profile": "ひどい自己紹介", "diary_comment": "ひどいコメント", "album": "ひどいアルバム説明",
            "album_comment": "ひどいアルバムコメント", "community": "ひどい説明",
            "topic": "ひどいトピック", "topic_comment": "ひどい書き込み", "message": "ひどいメッセージ"}[kind]
    for who in ("reader", "writer"):
        viewer = client(PC)
        start_session(viewer, site[who])
        page = viewer.get(site["pages"][kind], status="*")
        assert word not in page.text, (kind, who)
        photo = viewer.get(f"/photo/{photo_id}", status="*").status_int
        assert photo == (404 if kind == "profile" else 200), (kind, who)


def test_forcing_the_author_to_leave_deletes_them_and_is_logged(site):
    reports.file_report(site["reader"], "topic_comment", site["items"]["topic_comment"], "abuse")
    reports.file_report(site["reader"], "message", site["items"]["message"], "abuse")
    form = site["op"].get("/admin/reports").forms[0]
    form["reason"] = "度重なる嫌がらせ"
    done = form.submit("action", value="withdraw")
    assert done.status_int == 303 and "退会させました" in done.follow().text
    assert scalar("SELECT COUNT(*) FROM members WHERE id = ?", (site["writer"],)) == 0
    assert scalar("SELECT COUNT(*) FROM reports") == 0  # what they wrote, and its reports, went with them
    (note,) = fetchall("SELECT note FROM admin_log WHERE action = 'withdraw'")[0]
    assert note.startswith(f"かきて（会員番号{site['writer']}）") and note.endswith("度重なる嫌がらせ")
    assert "かきて" in site["op"].get("/admin").text


def test_dismissing_closes_every_report_on_the_item(site, client):
    other = quick_member("もうひとり", "another@docomo.ne.jp")
    communities.join(communities.standing(site["items"]["community"], other))
    for who in (site["reader"], other):
        reports.file_report(who, "topic", site["items"]["topic"], "other")
    queue = site["op"].get("/admin/reports")
    assert "ほかに1件の通報" in queue.text
    assert queue.forms[0].submit("action", value="dismiss").status_int == 303
    assert fetchall("SELECT DISTINCT outcome FROM reports") == [("dismissed",)]
    assert scalar("SELECT COUNT(*) FROM community_topics WHERE id = ? AND deleted = FALSE",
                  (site["items"]["topic"],)) == 1


def test_the_queue_is_the_operators_only(site, client):
    reader = client(PC)
    start_session(reader, site["reader"])
    assert reader.get("/admin/reports", status=403).status_int == 403
    reports.file_report(site["reader"], "diary", site["items"]["diary"], "abuse")
    report_id = scalar("SELECT id FROM reports")
    token = reader.get("/settings/password").forms[0]["csrf"].value
    reader.post(f"/admin/report/{report_id}", {"action": "takedown", "reason": "x", "csrf": token}, status=403)
    assert scalar("SELECT COUNT(*) FROM diaries WHERE id = ?", (site["items"]["diary"],)) == 1


def test_the_operator_answers_from_a_handset(site, client):
    reports.file_report(site["reader"], "diary", site["items"]["diary"], "abuse")
    phone = client(DOCOMO_1)
    phone.login("op@docomo.ne.jp")
    queue = phone.page("/admin/reports")
    assert "問題の日記" in phone.text(queue)
    done = phone.submit(queue, action="dismiss")
    assert done.status_int == 303
    assert "通報を「問題なし」として閉じました" in phone.text(done.follow())
