"""What a mail to a posting address does, delivered to the site's mailbox as ``run.py mail``
delivers it: the diary's rules, the audience chosen on /settings/post, the daily limit, the
answers, and the page itself when the site takes no mail."""
from __future__ import annotations

import pytest

from conftest import DOCOMO_1, PC, Client
from keitai.friends import groups
from keitai.friends import rules as friends
from keitai.mailpost import rules
from keitai.platform.db.connection import execute, fetchall, scalar
from keitai.platform.mail import mailbox
from mail_helpers import DOMAIN, mail_app, mails_to, sample, sent_mails, text_of  # noqa: F401  (fixture)

TARO = "taro.docomo@docomo.ne.jp"


def plain(to: str, subject: str, body: str, sender: str = TARO) -> bytes:
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n").encode()


@pytest.fixture
def taro(mail_app, make_member):
    member_id = make_member("たろう", TARO)
    return member_id, rules.posting(member_id)


def test_an_entry_by_mail_gets_the_audience_chosen_for_mail(mail_app, taro):
    member_id, posting = taro
    web = Client(mail_app, PC)
    web.login(TARO)
    page = web.get("/settings/post")
    web.submit(page, form_index=0, audience="everyone")
    mailbox.deliver([posting.diary_address], TARO, plain(posting.diary_address, "件名", "本文です"))
    assert fetchall("SELECT title, body, audience FROM diaries") == [("件名", "本文です", "everyone")]


def test_a_deleted_friend_list_narrows_the_audience_to_the_writer(mail_app, taro, make_member):
    member_id, posting = taro
    friend = make_member("はなこ", "hanako@docomo.ne.jp")
    friends.befriend(member_id, friend)
    group_id = groups.create(member_id, "家族")
    assert rules.set_audience(member_id, "group", str(group_id)) == []
    groups.delete(member_id, group_id)
    mailbox.deliver([posting.diary_address], TARO, plain(posting.diary_address, "件名", "本文"))
    assert fetchall("SELECT audience, group_id FROM diaries") == [("private", None)]


def test_a_mail_the_diary_form_would_refuse_posts_nothing_and_says_why(mail_app, taro, settings):
    _member_id, posting = taro
    assert mailbox.deliver([posting.diary_address], TARO, plain(posting.diary_address, "", "本文だけ")) == \
        ["mailpost: refused: タイトルを入力してください。"]
    assert scalar("SELECT COUNT(*) FROM diaries") == 0
    (reply,) = sent_mails(settings)
    assert reply["To"] == TARO and "タイトルを入力してください。" in text_of(reply)


def test_no_more_than_the_daily_limit_and_one_notice_of_it(mail_app, taro, settings):
    _member_id, posting = taro
    for n in range(rules.DAILY_LIMIT):
        mailbox.deliver([posting.diary_address], TARO, plain(posting.diary_address, f"日記{n}", "本文"))
    assert scalar("SELECT COUNT(*) FROM diaries") == rules.DAILY_LIMIT
    for _ in range(2):
        assert mailbox.deliver([posting.diary_address], TARO, plain(posting.diary_address, "もう一つ", "本文")) == \
            ["mailpost: over the daily limit"]
    assert scalar("SELECT COUNT(*) FROM diaries") == rules.DAILY_LIMIT
    assert len(mails_to(settings, TARO)) == rules.DAILY_LIMIT + 1  # each entry's answer, one limit notice


def test_a_suspended_member_posts_nothing(mail_app, taro, settings):
    member_id, posting = taro
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (member_id,))
    assert mailbox.deliver([posting.diary_address], TARO, plain(posting.diary_address, "件名", "本文")) == \
        ["mailpost: no such posting address"]
    assert scalar("SELECT COUNT(*) FROM diaries") == 0 and sent_mails(settings) == []


def test_a_decomail_posts_its_text_and_its_photo_not_its_decoration(mail_app, make_member):
    member_id = make_member("はなこ", "hanako-deco@docomo.ne.jp")
    posting = rules.posting(member_id)
    mailbox.deliver([posting.diary_address], "hanako-deco@docomo.ne.jp",
                    sample("docomo-decomail.eml", to=posting.diary_address))
    assert fetchall("SELECT title, body, photo_count FROM diaries") == [
        ("デコメの日記", "今日はデコメで書いてみました\nキラキラ", 1)]


def test_the_page_says_plainly_when_the_site_takes_no_mail(app, make_member):
    make_member("たろう", TARO)
    handset = Client(app, DOCOMO_1)
    handset.login(TARO)
    text = handset.text(handset.page("/settings/post"))
    assert "このｻｲﾄはﾒｰﾙを受け付けていません" in text
    assert "mailto:" not in text


def test_the_settings_menu_links_to_the_page(mail_app, taro):
    web = Client(mail_app, PC)
    web.login(TARO)
    menu = web.get("/settings")
    assert 'href="/settings/post"' in menu.text and "メールで投稿" in menu.text
    page = web.get("/settings/post").text
    _member_id, posting = taro
    assert f"日記</dt><dd><a href=\"mailto:{posting.diary_address}\"" in page
    assert f"プロフィール写真</dt><dd><a href=\"mailto:{posting.photo_address}\"" in page
    assert posting.diary_address.endswith("@" + DOMAIN)


def test_a_handset_that_cannot_upload_is_shown_the_way_by_mail(mail_app, taro):
    handset = Client(mail_app, DOCOMO_1)  # i-mode 1.0: no file uploads from a form
    handset.login(TARO)
    for path in ("/diary/new", "/settings/photo"):
        assert 'href="/settings/post?sid=' in handset.text(handset.page(path)), path


def test_a_bad_audience_is_refused_and_changes_nothing(mail_app, taro, make_member):
    member_id, _posting = taro
    other = make_member("じろう", "jiro@docomo.ne.jp")
    others_group = groups.create(other, "よその")
    web = Client(mail_app, PC)
    web.login(TARO)
    page = web.get("/settings/post")
    form = page.forms[0]
    form["audience"].force_value("nobody")
    refused = form.submit()
    assert "公開範囲を選んでください。" in refused.text
    refused = web.post("/settings/post/audience", {"audience": "group", "group_id": str(others_group),
                                                   "csrf": page.forms[0]["csrf"].value})
    assert "公開するグループを選んでください（グループは自分で作ったものだけ選べます）。" in refused.text
    assert fetchall("SELECT audience, group_id FROM mail_post_addresses WHERE member_id = ?", (member_id,)) == [
        ("friends", None)]


def test_receive_mail_from_a_postfix_pipe_posts_the_entry(mail_app, taro, settings):
    from mail_helpers import receive_mail

    _member_id, posting = taro
    done = receive_mail(settings, posting.diary_address, sample("docomo-diary.eml", to=posting.diary_address),
                        sender=TARO)
    assert done.returncode == 0, done.stderr
    assert fetchall("SELECT title, photo_count FROM diaries") == [("お花見🌸", 1)]


def test_the_member_owns_their_addresses_and_what_they_posted(mail_app, taro):
    from keitai.accounts import owned

    member_id, posting = taro
    mailbox.deliver([posting.diary_address], TARO, plain(posting.diary_address, "件名", "本文"))
    exported = owned.OWNED["mailpost"].export(member_id)
    assert exported[0]["diary_address"] == posting.diary_address
    assert exported[0]["photo_address"] == posting.photo_address
    assert [row["posted_by_mail"] for row in exported[1:]] == ["diary"]
    owned.OWNED["mailpost"].delete(member_id)
    assert scalar("SELECT COUNT(*) FROM mail_post_addresses") == 0
    assert scalar("SELECT COUNT(*) FROM mail_posts") == 0
    assert mailbox.deliver([posting.diary_address], TARO, plain(posting.diary_address, "件名", "本文")) == \
        ["mailpost: no such posting address"]
