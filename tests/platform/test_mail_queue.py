"""The outgoing mail queue against a real SMTP server (aiosmtpd on loopback): a page only queues;
a sender delivers, tries again after a 4xx or no answer, gives up on a 5xx or after two days,
and two senders never hand over the same mail."""
from __future__ import annotations

import dataclasses
import email
import socket
import threading
from email import policy

import pytest

from keitai import config
from keitai.platform import mail
from keitai.platform.db.connection import db, fetchall, fetchone, now, scalar
from keitai.platform.mail import queue
from members_helpers import Inbox, free_port, outbox


class Answering(Inbox):
    """An SMTP server whose answers to DATA are scripted: each mail gets the next one, then 250."""

    def __init__(self, answers=(), rcpt_answer: str | None = None):
        super().__init__()
        self.answers = list(answers)
        self.rcpt_answer = rcpt_answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.answers:
            return self.answers.pop(0)
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings, app):
    """Start a scripted SMTP server and make the active settings send to it."""
    started = []

    def start(answers=(), rcpt_answer=None, **more):
        inbox = Answering(answers, rcpt_answer)
        port = free_port()
        controller = inbox.controller(port)
        controller.start()
        started.append(controller)
        config.activate(dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=5, **more))
        return inbox

    yield start
    for controller in started:
        controller.stop()


def waiting() -> list[tuple]:
    return fetchall("SELECT recipient, attempts, next_at, failed_at, last_error FROM mail_queue ORDER BY id")


def test_sending_only_queues_and_the_sender_delivers_over_smtp(smtp_server):
    inbox = smtp_server()
    mail.send("hanako@docomo.ne.jp", "件名", "本文です")
    assert inbox.envelopes == [] and len(waiting()) == 1     # nothing reached the server yet
    assert queue.deliver_due() == 1
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["hanako@docomo.ne.jp"]
    assert envelope.mail_from == "noreply@keitai.invalid"     # no KEITAI_MAIL_DOMAIN: the From address
    assert waiting() == []                                    # delivered mail (and its links) is gone


def test_the_envelope_sender_is_the_bounce_address_of_the_mail_domain(smtp_server):
    inbox = smtp_server(mail_domain="keitai.example.jp")
    mail.send("hanako@docomo.ne.jp", "件名", "本文")
    queue.deliver_due()
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "bounce@keitai.example.jp"
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["From"] == "keitai <noreply@keitai.invalid>"
    assert message["Message-ID"].endswith("@keitai.example.jp>")


def test_a_4xx_answer_is_tried_again_later_with_growing_pauses_until_taken(smtp_server):
    inbox = smtp_server(answers=["451 4.3.0 try again later", "421 4.7.0 busy"], mail_retry=60)
    mail.send("hanako@docomo.ne.jp", "件名", "本文")
    t = now()
    assert queue.deliver_due(at=t) == 0
    [(_, attempts, next_at, failed_at, error)] = waiting()
    assert attempts == 1 and failed_at is None and "451" in error
    assert next_at == t + 60                                 # first pause: KEITAI_MAIL_RETRY
    assert queue.deliver_due(at=t + 30) == 0 and inbox.envelopes == []   # not due yet: not tried
    assert queue.deliver_due(at=next_at) == 0
    [(_, attempts, second_next, _, error)] = waiting()
    assert attempts == 2 and "421" in error and second_next == next_at + 120   # doubled
    assert queue.deliver_due(at=second_next) == 1
    assert len(inbox.envelopes) == 1 and waiting() == []


def test_a_5xx_answer_gives_the_mail_up_and_records_why(smtp_server):
    inbox = smtp_server(rcpt_answer="550 5.1.1 no such user")
    mail.send("nobody@docomo.ne.jp", "件名", "本文")
    assert queue.deliver_due() == 0
    [(recipient, attempts, _, failed_at, error)] = waiting()
    assert recipient == "nobody@docomo.ne.jp" and attempts == 1 and failed_at is not None
    assert error.startswith("550") and "no such user" in error
    assert queue.deliver_due(at=now() + 10 * 86400) == 0   # never tried again
    assert inbox.envelopes == []
    assert [row[1] for row in queue.failed()] == ["nobody@docomo.ne.jp"]


def test_a_server_that_stays_down_is_given_up_after_two_days(smtp_server):
    smtp_server()
    config.activate(dataclasses.replace(config.get(), smtp_port=free_port()))  # nothing listens there
    mail.send("hanako@docomo.ne.jp", "件名", "本文")
    created = scalar("SELECT created_at FROM mail_queue")
    assert queue.deliver_due(at=created) == 0
    assert waiting()[0][3] is None                           # refused connection: tried again later
    assert queue.deliver_due(at=created + 2 * 86400 - 10) == 0
    assert waiting()[0][3] is None
    retry_at = waiting()[0][2]
    assert retry_at > created + 2 * 86400                    # the next try falls after two days
    assert queue.deliver_due(at=retry_at) == 0
    assert waiting()[0][3] is not None and "Connection" in waiting()[0][4]


def test_two_senders_never_claim_the_same_mail(app):
    for n in range(6):
        mail.send(f"m{n}@docomo.ne.jp", "件名", "本文")
    t = now()
    first = queue.claim(limit=4, at=t)
    second = queue.claim(limit=10, at=t)
    assert len(first) == 4 and len(second) == 2
    assert not {q.id for q in first} & {q.id for q in second}
    assert queue.claim(at=t) == []
    # A sender that died holding mail: its claim runs out and another takes the mail over.
    taken_over = queue.claim(limit=10, at=t + queue.LEASE + 1)
    assert sorted(q.id for q in taken_over) == sorted(q.id for q in first + second)


def test_two_senders_at_once_deliver_every_mail_exactly_once(smtp_server):
    inbox = smtp_server()
    for n in range(40):
        mail.send(f"m{n}@docomo.ne.jp", "件名", f"本文 {n}")
    settings = config.get()
    start = threading.Barrier(2)
    errors = []

    def sender():
        try:
            start.wait()
            queue.deliver_due()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and config.get() is settings
    received = sorted(e.rcpt_tos[0] for e in inbox.envelopes)
    assert received == sorted(f"m{n}@docomo.ne.jp" for n in range(40))   # each once, none missing
    assert waiting() == []


def test_without_an_smtp_server_mail_goes_to_the_outbox_through_the_queue(settings, app):
    mail.send("taro@au.com", "件名", "本文")
    assert scalar("SELECT COUNT(*) FROM mail_queue") == 1
    [sent] = outbox(settings)          # delivers, as a serve worker's sender would
    assert sent["To"] == "taro@au.com"
    assert scalar("SELECT COUNT(*) FROM mail_queue") == 0


def test_a_server_that_accepts_and_never_answers_holds_only_the_sender(smtp_server):
    """smtplib's timeout bounds each read; the sender gives up on the silent server and the
    mail waits for the next try, with nothing lost."""
    smtp_server()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    config.activate(dataclasses.replace(config.get(), smtp_port=silent.getsockname()[1], smtp_timeout=1))
    try:
        mail.send("hanako@docomo.ne.jp", "件名", "本文")
        assert queue.deliver_due() == 0
        [(_, attempts, _, failed_at, error)] = waiting()
        assert attempts == 1 and failed_at is None and "timed out" in error
    finally:
        silent.close()
    row = fetchone("SELECT claim, claimed_until FROM mail_queue")
    assert row == (None, None)          # released for the next try


def test_run_py_send_mail_delivers_and_lists_what_was_given_up(smtp_server, monkeypatch, capsys):
    from types import SimpleNamespace

    from keitai.commands import send_mail

    inbox = smtp_server(rcpt_answer="550 5.1.1 no such user")
    active = config.get()
    for name, value in (("DATABASE_URL", active.database_url), ("SECRET_KEY", active.secret_key),
                        ("SMTP_HOST", active.smtp_host), ("SMTP_PORT", str(active.smtp_port))):
        monkeypatch.setenv("KEITAI_" + name, value)
    mail.send("nobody@docomo.ne.jp", "件名", "本文")
    assert send_mail.run(SimpleNamespace(once=True, failed=False)) == 0
    assert "0 mail(s) delivered" in capsys.readouterr().out and inbox.envelopes == []
    assert send_mail.run(SimpleNamespace(once=False, failed=True)) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert "nobody@docomo.ne.jp" in line and "1 tries" in line and "550 5.1.1 no such user" in line
