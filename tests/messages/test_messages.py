"""Messages: writing from a profile, inbox and sent box, read/unread, replies with the thread,
deleting for one side, blocking, limits, and the notice mail (with no content in it)."""
from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from conftest import DOCOMO_1, DOCOMO_1_5K, PC
from keitai import config, words
from keitai.platform.db.connection import execute, now, scalar
from keitai.friends import rules as friends
from keitai.messages import rules as messages
from keitai.platform.mail import queue
from quick import member, sign_in, submit


def outbox() -> list[email.message.EmailMessage]:
    queue.deliver_due()  # as a serve worker's sender would
    folder = Path(config.get().outbox_dir)
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]


def block(blocker, blocked):
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (blocker, blocked, now()))


def test_a_message_from_a_pc_reaches_a_docomo_handset_with_a_notice_mail_without_content(client):
    sakura = member("さくら", "sakura@docomo.ne.jp")
    taro = member("たろう")
    pc = sign_in(client(PC), taro)
    compose = pc.get(f"/member/{sakura}").click(description="メッセージを送る")
    assert "さくら" in compose.text
    sent = submit(compose, subject="週末のこと", body="土曜日に\nカフェへ行きませんか？").follow()
    assert "メッセージを送信しました" in sent.text and "週末のこと" in sent.text

    mails = outbox()
    assert len(mails) == 1 and mails[0]["To"] == "sakura@docomo.ne.jp"
    notice = mails[0].get_content() + mails[0]["Subject"]
    assert "メッセージが届きました" in notice and "/messages" in notice
    assert "週末" not in notice and "カフェ" not in notice and "たろう" not in notice and "sid=" not in notice

    phone = sign_in(client(DOCOMO_1_5K), sakura)
    home = phone.text(phone.page("/"))
    assert "未読メッセージ1件" in home
    inbox = phone.page("/messages")
    assert "未読" in phone.text(inbox) and "たろう" in phone.text(inbox)
    opened = inbox.click(description="週末のこと")
    text = phone.text(opened)
    assert "土曜日に<br>カフェへ行きませんか？" in text and "たろう" in text
    assert "未読メッセージ" not in phone.text(phone.page("/"))
    assert "未読" not in phone.text(phone.page("/messages"))


def test_one_notice_mail_for_a_burst_of_messages_and_none_when_switched_off(client):
    to, sender = member("うけとり"), member("おくる")
    for i in range(3):
        messages.send(sender, to, f"件名{i}", "本文", inbox_link="http://example.test/messages")
    assert len(outbox()) == 1
    messages.open_message(to, scalar("SELECT MIN(id) FROM messages"))
    messages.open_message(to, scalar("SELECT MAX(id) FROM messages"))
    assert len(outbox()) == 1  # one still unread: no new mail
    phone = sign_in(client(DOCOMO_1), to)
    settings = phone.page("/settings/messages")
    assert "内容や差出人は書きません" in phone.text(settings)
    submit(settings, mail="0")
    assert not messages.wants_mail(to)
    execute("UPDATE messages SET read_at = ?", (now(),))
    messages.send(sender, to, "また", "本文", inbox_link="http://example.test/messages")
    assert len(outbox()) == 1


def test_reply_quotes_the_thread_and_delete_is_for_me_only(client):
    sakura, taro = member("さくら"), member("たろう")
    first = messages.send(taro, sakura, "はじめまして", "たろうです。\n釣りが好きです。")
    phone = sign_in(client(DOCOMO_1), sakura)
    page = phone.page(f"/message/{first}")
    compose = page.click(description="返信する")
    text = phone.text(compose)
    assert 'value="Re: はじめまして"' in text and "&gt;釣りが好きです。" in text
    submit(compose, body="さくらです。よろしく！").follow()

    pc = sign_in(client(PC), taro)
    inbox = pc.get("/messages")
    assert "Re: はじめまして" in inbox.text
    reply = inbox.click(description="Re: はじめまして")
    assert "さくらです。よろしく！" in reply.text and "これまでのやりとり" in reply.text
    assert "釣りが好きです。" in reply.text  # the earlier message, quoted
    second = submit(reply.click(description="返信する"), body="こちらこそ").follow()
    assert "Re: はじめまして" in second.text  # no "Re: Re:"
    assert scalar("SELECT COUNT(DISTINCT COALESCE(thread_id, id)) FROM messages") == 1

    # Sakura deletes the first message: gone for her, still Taro's.
    deleted = submit(phone.page(f"/message/{first}")).follow()
    assert "削除しました" in phone.text(deleted) and f"/message/{first}?" not in phone.text(deleted)
    assert phone.page(f"/message/{first}", status=404)
    assert "はじめまして" in pc.get("/messages/sent").text
    assert "たろうです" in pc.get(f"/message/{first}").text
    # ...and it no longer shows in her thread; once both have deleted it, it is gone.
    latest = scalar("SELECT MAX(id) FROM messages")
    assert "釣りが好き" not in phone.text(phone.page(f"/message/{latest}"))
    submit(pc.get(f"/message/{first}"))
    assert scalar("SELECT COUNT(*) FROM messages WHERE id = ?", (first,)) == 0
    assert "こちらこそ" in phone.text(phone.page(f"/message/{latest}"))


def test_others_cannot_read_a_message(client):
    a, b, c = member(), member(), member()
    mid = messages.send(a, b, "ひみつ", "ふたりだけ")
    assert sign_in(client(PC), c).get(f"/message/{mid}", status=404)
    assert messages.open_message(c, mid) is None
    assert messages.delete_for(c, mid) is False


def test_blocked_members_cannot_message_and_see_no_messages(client):
    me, rude = member("わたし"), member("しつこい")
    old = messages.send(rude, me, "まえの", "ブロック前のメッセージ")
    block(me, rude)
    pc = sign_in(client(PC), rude)
    assert "送れません" in pc.get(f"/message/new?to={me}", status=403).text
    form_page = pc.get("/messages")  # any page for a fresh csrf token
    assert form_page.status_int == 200
    before = scalar("SELECT COUNT(*) FROM messages")
    with pytest.raises(words.Refused) as refused:
        messages.send(rude, me, "件名", "本文")
    assert refused.value.code == "messages.cannot_send" and "送れません" in refused.value.message
    assert scalar("SELECT COUNT(*) FROM messages") == before
    phone = sign_in(client(DOCOMO_1), me)
    assert "まえの" not in phone.text(phone.page("/messages"))
    assert phone.page(f"/message/{old}", status=404)
    assert messages.unread_count(me) == 0
    assert "未読メッセージ" not in phone.text(phone.page("/"))


def test_bad_input_is_refused_with_what_was_typed_kept(client):
    me, to = member(), member()
    pc = sign_in(client(PC), me)
    compose = pc.get(f"/message/new?to={to}")
    page = submit(compose, subject="件名だけ", body="   ")
    assert "本文を入力してください" in page.text and 'value="件名だけ"' in page.text
    page = submit(compose, subject="長" * 101, body="本文は残る")
    assert "件名が長すぎます" in page.text and "本文は残る" in page.text
    assert scalar("SELECT COUNT(*) FROM messages") == 0
    assert pc.get(f"/message/new?to={me}", status=403)  # oneself
    assert pc.get("/message/new?to=999999", status=403)
    assert pc.get("/message/new", status=404)
    phone = sign_in(client(DOCOMO_1), me)
    page = submit(phone.page(f"/message/new?to={to}"), subject="", body="件名なし")
    assert page.status_int == 303
    assert scalar("SELECT subject FROM messages") == "（件名なし）"


def test_a_day_holds_at_most_the_daily_limit(client):
    me, to = member(), member()
    t = now() - 3600
    execute(
        "INSERT INTO messages (sender_id, recipient_id, subject, body, created_at) VALUES "
        + ", ".join(["(?, ?, 's', 'b', ?)"] * messages.DAILY_LIMIT),
        [v for _ in range(messages.DAILY_LIMIT) for v in (me, to, t)],
    )
    pc = sign_in(client(PC), me)
    page = submit(pc.get(f"/message/new?to={to}"), subject="もう一通", body="本文")
    assert "1日に100通まで" in page.text and "もう一通" in page.text
    execute("UPDATE messages SET created_at = ?", (now() - 90000,))
    assert submit(pc.get(f"/message/new?to={to}"), subject="翌日", body="本文").status_int == 303


def test_inbox_pages_on_a_handset_and_counts_stop_at_99_plus(client):
    me, sender = member("わたし"), member("おおい")
    execute(
        "INSERT INTO messages (sender_id, recipient_id, subject, body, created_at) VALUES "
        + ", ".join(["(?, ?, ?, 'b', ?)"] * 120),
        [v for i in range(120) for v in (sender, me, f"お知らせ{i:03d}", now())],
    )
    phone = sign_in(client(DOCOMO_1_5K), me)
    assert "未読メッセージ99+件" in phone.text(phone.page("/"))
    first = phone.page("/messages")
    assert "お知らせ119" in phone.text(first) and "お知らせ109" not in phone.text(first)
    second = first.click(description="次の10件")
    assert "お知らせ109" in phone.text(second) and "お知らせ119" not in phone.text(second)
    assert len(first.body) <= 5 * 1024 and len(second.body) <= 5 * 1024


def test_a_long_message_kept_on_a_mova_handset_goes_back_to_its_recipient(client):
    from promises.test_long_text import D502I, long_body

    me, friend = member("さくら"), member("たろう")
    friends.befriend(me, friend)
    phone = sign_in(client(D502I), me)
    typed = long_body()[:4900]
    answer = submit(phone.page(f"/message/new?to={friend}"), subject="件" * 101, body=typed)
    kept_id = scalar("SELECT id FROM kept_texts WHERE member_id = ?", (me,))
    assert answer.forms[0]["kept"].value == str(kept_id)  # too long for a 5 KB page: kept
    kept_page = phone.text(phone.page(f"/kept/{kept_id}"))
    back = f"/message/new?to={friend}&amp;kept={kept_id}&amp;sid={phone.sid}"
    assert f'href="{back}"' in kept_page  # to the form it was written in, for the same member
    form_page = phone.get(back.replace("&amp;", "&"))
    assert submit(form_page, subject="やあ").status_int == 303
    assert scalar("SELECT body FROM messages WHERE sender_id = ? AND recipient_id = ?", (me, friend)) == typed
