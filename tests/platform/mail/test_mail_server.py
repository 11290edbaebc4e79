"""The site's SMTP server (aiosmtpd, the code ``run.py mail`` runs) and ``run.py receive-mail``:
what is refused, that nothing answered 250 or exit 0 is lost, and the exit codes a Postfix
pipe reads."""
from __future__ import annotations

import smtplib

import pytest

from keitai.platform.db.connection import fetchall, scalar
from keitai.platform.mail import mailbox, server
from mail_helpers import DOMAIN, mail_app, receive_mail, sample  # noqa: F401  (fixture)
from members_helpers import free_port

HANDLED: list[tuple[str, str]] = []


@pytest.fixture
def probe(mail_app):
    """A handler for ``probe-N@DOMAIN`` that records what it got, or fails while told to."""
    HANDLED.clear()
    failing = []

    def handle(message, match):
        if failing:
            raise RuntimeError("the handler's feature is broken")
        HANDLED.append((match.group(1), message.subject))
        return "recorded"

    mailbox.register("probe", r"probe-([0-9]+)", handle)
    yield failing
    mailbox.HANDLERS[:] = [h for h in mailbox.HANDLERS if h.name != "probe"]


@pytest.fixture
def smtp_server(probe):
    controller = server.controller("127.0.0.1", free_port(), max_bytes=20_000)
    controller.start()
    yield controller
    controller.stop()


def _send(controller, to: str, raw: bytes, sender: str = "taro@docomo.ne.jp"):
    with smtplib.SMTP(controller.hostname, controller.port, timeout=30) as smtp:
        return smtp.sendmail(sender, [to], raw)


MESSAGE = b"From: taro@docomo.ne.jp\r\nSubject: hello\r\n\r\nbody\r\n"
LARGE = MESSAGE + (b"x" * 76 + b"\r\n") * 400  # 31 KB in lines of base64's length


def test_a_message_is_handled_before_250_and_not_kept_afterwards(smtp_server):
    assert _send(smtp_server, f"probe-7@{DOMAIN}", MESSAGE) == {}
    assert HANDLED == [("7", "hello")]
    assert scalar("SELECT COUNT(*) FROM inbound_mail") == 0


def test_recipients_of_other_domains_and_unknown_local_parts_get_550(smtp_server):
    for recipient, text in (("probe-7@other.example", b"Relaying denied"), (f"nobody@{DOMAIN}", b"No such user")):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            _send(smtp_server, recipient, MESSAGE)
        code, answer = refused.value.recipients[recipient]
        assert code == 550 and text in answer
    assert HANDLED == []


def test_the_size_limit_is_announced_and_enforced_with_552(smtp_server):
    with smtplib.SMTP(smtp_server.hostname, smtp_server.port, timeout=30) as smtp:
        smtp.ehlo()
        assert smtp.esmtp_features["size"] == "20000"
        # Announced by the client (SIZE=): refused at MAIL FROM ...
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.sendmail("taro@docomo.ne.jp", [f"probe-1@{DOMAIN}"], LARGE)
        assert refused.value.smtp_code == 552
    # ... and by a client that does not say: refused after the data.
    with smtplib.SMTP(smtp_server.hostname, smtp_server.port, timeout=30) as smtp:
        smtp.ehlo()
        smtp.esmtp_features.pop("size")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail("taro@docomo.ne.jp", [f"probe-1@{DOMAIN}"], LARGE)
        assert refused.value.smtp_code == 552
    assert HANDLED == [] and scalar("SELECT COUNT(*) FROM inbound_mail") == 0


def test_a_message_whose_handler_fails_is_kept_and_handled_on_a_later_pass(smtp_server, probe):
    probe.append("broken")
    assert _send(smtp_server, f"probe-8@{DOMAIN}", MESSAGE) == {}  # 250: it is stored
    ((mail_id, state, attempts),) = fetchall("SELECT id, state, attempts FROM inbound_mail")
    assert (state, attempts) == ("new", 1) and HANDLED == []
    probe.clear()  # the feature is fixed
    assert mailbox.process(mail_id) == "probe: recorded"
    assert HANDLED == [("8", "hello")]
    assert scalar("SELECT COUNT(*) FROM inbound_mail") == 0
    assert mailbox.process(mail_id) is None  # handled once only


def test_a_database_that_cannot_store_gets_451_so_the_sender_keeps_it(smtp_server, monkeypatch):
    def cannot_store(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(mailbox, "store", cannot_store)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        _send(smtp_server, f"probe-9@{DOMAIN}", MESSAGE)
    assert refused.value.smtp_code == 451
    assert HANDLED == []


def test_receive_mail_exit_codes(settings, mail_app, tmp_path):
    # 67: not an address of the site (another domain, or no such shape).
    assert receive_mail(settings, "someone@example.com", MESSAGE).returncode == 67
    assert receive_mail(settings, f"nobody@{DOMAIN}", MESSAGE).returncode == 67
    # 0: an address of the site's shape, stored and handled (a posting secret nobody has: dropped).
    done = receive_mail(settings, f"abcdefghijkmnpqr@{DOMAIN}", sample("docomo-diary.eml", to="x"))
    assert done.returncode == 0, done.stderr
    assert scalar("SELECT COUNT(*) FROM inbound_mail") == 0
    # 65: larger than the limit.
    big = receive_mail(settings, f"abcdefghijkmnpqr@{DOMAIN}", MESSAGE + b"x" * (mailbox.MAX_BYTES + 1))
    assert big.returncode == 65
    # 75: the database cannot take it: the MTA keeps the message and tries again.
    away = receive_mail(settings, f"abcdefghijkmnpqr@{DOMAIN}", MESSAGE,
                        database_url=f"sqlite:///{tmp_path}/no/such/folder/keitai.sqlite3")
    assert away.returncode == 75, away.stderr
