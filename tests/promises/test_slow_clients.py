"""Clients that are slow, idle or send too much, straight at ``run.py serve`` (no nginx in front).

A slowloris client holds connections open by sending a request a byte at a time; others open
connections and say nothing; a body can be declared far larger than any form.  None of them
may keep a member out, and a body over the limit is refused before the server reads it.
"""
from __future__ import annotations

import http.client
import select
import socket
import time
import urllib.parse
from urllib.parse import urlsplit

from conftest import DOCOMO_1, PC
from promises.test_scale_out import Browser, serve_processes

ONE_WORKER = ("--workers", "1", "--threads", "2")


def _address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname, parts.port


def _closed_by_server(sock: socket.socket) -> bool:
    """True once the server has closed ``sock`` (read without blocking)."""
    if not select.select([sock], [], [], 0)[0]:
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionError:
        return True


def test_a_member_gets_in_while_hundreds_of_slow_and_idle_connections_are_open(app, migrated, tmp_path,
                                                                               make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    with serve_processes(1, migrated, tmp_path, args=ONE_WORKER) as (base,):
        address = _address(base)
        slow, idle = [], []
        try:
            for _ in range(200):  # a request begun and never finished, as slowloris sends it
                sock = socket.create_connection(address, timeout=10)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: keitai\r\nX-Slow: ")
                slow.append(sock)
            for _ in range(200):  # keep-alive connections that say nothing
                idle.append(socket.create_connection(address, timeout=10))
            for sock in slow:  # still sending, a byte at a time
                sock.sendall(b"a")

            pc = Browser(PC, cookies=True)
            pc.sign_in(base, "sakura@docomo.ne.jp")
            status, _, home = pc.request(base + "/")
            assert status == 200 and "さくらさんのホーム" in home
            # Room was made by the limits, not by dropping anyone: all 400 are still open.
            assert not [sock for sock in slow + idle if _closed_by_server(sock)]
        finally:
            for sock in slow + idle:
                sock.close()


def test_trickling_and_idle_connections_are_closed_after_the_client_timeout_a_steady_upload_is_not(
        app, migrated, tmp_path):
    with serve_processes(1, migrated, tmp_path, args=ONE_WORKER, KEITAI_CLIENT_TIMEOUT="2") as (base,):
        address = _address(base)
        trickle = socket.create_connection(address, timeout=10)
        trickle.sendall(b"GET / HTTP/1.1\r\nHost: keitai\r\n")
        idle = socket.create_connection(address, timeout=10)
        # A slow handset's upload: 8,000 bytes at about 2,000 a second, longer than the timeout.
        body = b"mail=" + b"x" * 7995
        upload = socket.create_connection(address, timeout=10)
        upload.sendall(b"POST /login HTTP/1.1\r\nHost: keitai\r\nUser-Agent: " + PC.encode()
                       + b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                       + str(len(body)).encode() + b"\r\n\r\n")
        try:
            sent, open_ = 0, {"trickle", "idle"}
            deadline = time.monotonic() + 30
            while (open_ or sent < len(body)) and time.monotonic() < deadline:
                time.sleep(0.1)  # the clients' own pace
                if sent < len(body):
                    upload.sendall(body[sent:sent + 200])
                    sent += 200
                if "trickle" in open_:
                    if _closed_by_server(trickle):
                        open_.discard("trickle")
                    else:
                        trickle.sendall(b"x")  # a header byte every tenth of a second: never silent
                if "idle" in open_ and _closed_by_server(idle):
                    open_.discard("idle")
            assert not open_, f"still open after 30 s: {open_}"
            response = http.client.HTTPResponse(upload)
            response.begin()
            assert response.status == 403  # it arrived whole and was answered (no form token)
        finally:
            for sock in (trickle, idle, upload):
                sock.close()


def _post_declaring(base: str, length: int, path: str, body: bytes = b"",
                    content_type: str = "application/x-www-form-urlencoded") -> http.client.HTTPResponse:
    """POST to ``path`` as a docomo handset, declaring ``length`` bytes and sending ``body``."""
    sock = socket.create_connection(_address(base), timeout=20)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: keitai\r\nUser-Agent: {DOCOMO_1}\r\n"
                 f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n".encode())
    if body:
        sock.sendall(body)
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response


def test_a_body_over_12_mb_is_refused_before_it_is_read_and_the_handset_stays_signed_in(app, migrated, tmp_path,
                                                                                        make_member):
    make_member("たろう", "taro@docomo.ne.jp")
    with serve_processes(1, migrated, tmp_path, args=ONE_WORKER) as (base,):
        location = Browser(DOCOMO_1, cookies=False).sign_in(base, "taro@docomo.ne.jp")
        sid = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["sid"][0]

        # 300 MB declared and not a byte of it sent: the answer comes from the Content-Length alone.
        for declared in (300 * 1024 * 1024, 12 * 1024 * 1024 + 1):
            refused = _post_declaring(base, declared, f"/diary/new?sid={sid}")
            assert refused.status == 413
            assert refused.getheader("Connection") == "close"
            page = refused.read().decode("cp932")
            assert "送信された内容が大きすぎます。" in page
            assert f"sid={sid}" in page  # the error page keeps the handset signed in

        # Exactly 12 MB is the pipeline's to judge: read whole, then refused for its missing form token.
        head = (b'--keitai\r\nContent-Disposition: form-data; name="photo1"; filename="a.jpg"\r\n'
                b"Content-Type: image/jpeg\r\n\r\n")
        tail = b"\r\n--keitai--\r\n"
        body = head + b"x" * (12 * 1024 * 1024 - len(head) - len(tail)) + tail
        judged = _post_declaring(base, len(body), f"/diary/new?sid={sid}", body, "multipart/form-data; boundary=keitai")
        assert judged.status == 403
        assert "フォームの有効期限が切れたか" in judged.read().decode("cp932")
