"""waitress as keitai runs it: limits that hold against slow clients, and a body over the
limit refused before any of it is read.

Served directly (no nginx in front), a client may open many connections and say nothing,
or send a request a byte every few seconds (slowloris).  waitress reads requests in its
event loop, so a slow request costs a file descriptor, not a thread: what runs out is the
connection limit, and waitress's own (100, with connections kept 120 s and a trickle never
timed out) is filled by a hundred idle keep-alives.  Here:

- a worker holds up to ``KEITAI_CONNECTION_LIMIT`` connections (1000 by default);
- a connection silent for ``KEITAI_CLIENT_TIMEOUT`` seconds (30) is closed;
- a request still arriving that long after its first byte must have come at
  :data:`MIN_RATE` bytes a second or faster, or its connection is closed: a header sent a
  byte at a time is never silent for long, so silence alone would never end it;
- a body over the pipeline's limit (:data:`keitai.platform.web.forms.MAX_BODY`) is refused
  from its Content-Length before a byte of it is read, a chunked one as soon as it passes
  the limit.  The site itself answers, with its 413 page for the device (a handset keeps its
  sid), and the connection closes.
"""
from __future__ import annotations

import socket
import time
from io import BytesIO

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import RequestEntityTooLarge

from keitai.platform.web import forms

#: A request still arriving after the client timeout must have come at least this fast
#: (bytes a second, on average since its first byte).  A 9.6 kbit/s handset sends 1,200.
MIN_RATE = 1000
#: Seconds between sweeps for connections past their time.
SWEEP_EVERY = 1


class _RefusedBody(WSGITask):
    """A request whose body is over the limit, answered by the site without its body."""

    def get_environment(self):
        environ = super().get_environment()
        environ["wsgi.input"] = BytesIO()
        environ[forms.BODY_REFUSED] = True
        return environ

    def build_response_header(self):
        self.set_close_on_finish()  # the body was never read: nothing more can come on this connection
        return super().build_response_header()


class Channel(HTTPChannel):
    """A connection that knows when the request it is receiving began, and how much has come."""

    began: float | None = None
    got = 0

    @staticmethod
    def error_task_class(channel, request):
        if isinstance(request.error, RequestEntityTooLarge):
            return _RefusedBody(channel, request)
        return ErrorTask(channel, request)

    def received(self, data):
        if self.request is None:
            self.began, self.got = time.time(), 0
        self.got += len(data)
        result = super().received(data)
        if self.request is None:  # every request in it arrived whole
            self.began = None
        return result


class Server(TcpWSGIServer):
    channel_class = Channel

    def maintenance(self, now):
        super().maintenance(now)  # closes connections silent for the client timeout
        limit = self.adj.channel_timeout
        for channel in self.active_channels.values():
            began = channel.began
            if began is not None and now - began > limit and channel.got < MIN_RATE * (now - began):
                channel.will_close = True


def servers(app, sockets: list[socket.socket], *, threads: int, ident: str, connection_limit: int,
            client_timeout: int) -> list[Server]:
    """A waitress server on each listening socket, sharing one event loop map and one pool of threads.

    Run them with ``waitress.wasyncore.loop(map=servers[0]._map, use_poll=True)``; a server
    whose ``accepting`` is False takes no new connections from its socket.
    """
    adj = Adjustments(
        threads=threads, ident=ident, asyncore_use_poll=True,
        # X-Forwarded-For/-Proto reach the app untouched: keitai.platform.web.forwarded believes
        # them from KEITAI_TRUSTED_PROXIES only (waitress would drop them, or trust one exact address).
        clear_untrusted_proxy_headers=False,
        connection_limit=connection_limit, channel_timeout=client_timeout, cleanup_interval=SWEEP_EVERY,
        # waitress refuses a body of max_request_body_size bytes or more; the pipeline one over MAX_BODY.
        max_request_body_size=forms.MAX_BODY + 1,
    )
    map_: dict = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    return [
        Server(app, map_, True, sock, dispatcher=dispatcher, adj=adj, bind_socket=False,
               sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()))
        for sock in sockets
    ]
