"""The SMTP server of ``run.py mail`` (aiosmtpd): mail for ``KEITAI_MAIL_DOMAIN`` only.

- ``RCPT TO`` another domain: ``550 5.7.1`` (no relaying); an address of ours no feature
  registered: ``550 5.1.1``.
- ``SIZE`` is announced; a larger message gets ``552`` (aiosmtpd's data_size_limit).
- ``DATA``: the message is stored for every recipient and committed before ``250`` is
  answered (a database that cannot store it: ``451``, the sender tries again); then handled
  (keitai.platform.mail.mailbox).  Storing and handling run on one worker thread, off the
  event loop, so one slow message never stops the server from talking to others.
Knows no member.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller

from keitai.platform.mail import mailbox

log = logging.getLogger("keitai.mail.server")

#: Recipients of one message (a handset sends to one; more is a spammer's habit).
MAX_RECIPIENTS = 20


class Handler:
    def __init__(self):
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keitai-mail")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not mailbox.is_ours(address):
            return "550 5.7.1 Relaying denied: this server takes mail for its own domain only"
        if mailbox.route(address) is None:
            return "550 5.1.1 No such user here"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            ids = await loop.run_in_executor(self.worker, mailbox.store, list(envelope.rcpt_tos),
                                             envelope.mail_from or "", raw)
        except Exception:  # noqa: BLE001 - not stored: the sender must keep it and try again
            log.exception("could not store a message from %s", envelope.mail_from)
            return "451 4.3.0 Message not stored; try again later"
        for mail_id in ids:
            await loop.run_in_executor(self.worker, mailbox.process, mail_id)
        return "250 OK: message accepted"


def controller(host: str, port: int, max_bytes: int = mailbox.MAX_BYTES, server_hostname: str | None = None) -> Controller:
    """An aiosmtpd controller (``start()``/``stop()``) serving the site's mailbox on host:port."""
    return Controller(Handler(), hostname=host, port=port, server_hostname=server_hostname or mailbox.domain() or None,
                      data_size_limit=max_bytes, ident="keitai")
