"""The deployment the README describes: deploy/nginx.conf, as shipped, in front of two
``run.py serve`` processes started with ``KEITAI_TRUSTED_PROXIES=127.0.0.1``.

Requests arrive the way carriers' gateways send them.  A gateway connects to nginx itself; on
loopback the test cannot connect from a gateway's address, so it plays a load balancer in front
of nginx: it connects from 127.0.0.1 (a trusted proxy) and names the gateway in
X-Forwarded-For, which nginx extends with the address it saw.  A client connecting from
127.0.0.2, which nobody trusts, shows what a member who writes X-Forwarded-For himself gets.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import AU, DOCOMO_1, GATEWAY_IP, PASSWORD, PC, SOFTBANK
from keitai.config import PROJECT_ROOT
from promises.test_scale_out import CSRF, Browser, _wait_healthy, free_port, serve_processes

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SAMPLE = PROJECT_ROOT / "deploy" / "nginx.conf"
P903I = "DoCoMo/2.0 P903i(c100;TB;W24H12)"  # i-mode browser 1.0: no cookies, the sid rides in URLs
#: Each carrier's handset with the subscriber-id header its gateway adds.
HANDSETS = {
    "docomo": (P903I, {"X-DCMGUID": "a1B2c3D"}),
    "au": (AU, {"X-UP-SUBNO": "05001234567890_mj.ezweb.ne.jp"}),
    "softbank": (SOFTBANK, {"X-JPHONE-UID": "a1B2c3D4e5F6g7H8"}),
}
REGISTER = re.compile(r'<form[^>]*action="([^"]*)"[^>]*>(?:(?!</form>).)*この携帯電話を登録', re.S)


class Handset(Browser):
    """A carrier handset reaching nginx through its carrier's gateway (played from 127.0.0.1)."""

    def __init__(self, carrier: str, **kwargs):
        user_agent, headers = HANDSETS[carrier]
        super().__init__(user_agent, cookies=carrier != "docomo",
                         headers={**headers, "X-Forwarded-For": GATEWAY_IP[carrier]}, **kwargs)
        self.carrier = carrier

    def headers_for(self, url: str) -> dict:
        if self.carrier == "docomo" and "guid=ON" not in url:  # docomo sends its id to guid=ON URLs only
            return {k: v for k, v in self.headers.items() if k != "X-DCMGUID"}
        return self.headers


def sid_of(location: str) -> str | None:
    found = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("sid")
    return found[0] if found else None


def on(base: str, location: str) -> str:
    """``location`` on ``base``: nginx passes the Host without its port (80 and 443 in production)."""
    parts = urllib.parse.urlsplit(location)
    return base + parts.path + ("?" + parts.query if parts.query else "")


def with_sid(url: str, sid: str | None) -> str:
    return url if not sid else url + ("&" if "?" in url else "?") + "sid=" + sid


def wait_for_line(paths: list[Path], pattern: str, seconds: float = 10) -> str:
    """The first line matching ``pattern`` in any of ``paths``, waiting until one has it.

    Servers write a request's log line as it ends, which may be just after the client
    has the response."""
    deadline = time.monotonic() + seconds
    while True:
        text = "".join(path.read_text(errors="replace") for path in paths if path.exists())
        found = re.search(pattern, text, re.M)
        if found:
            return found.group(0)
        if time.monotonic() > deadline:
            pytest.fail(f"no line matching {pattern!r} in {[str(p) for p in paths]}:\n{text[-3000:]}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def servers(migrated, tmp_path_factory):
    """Two processes that trust the proxy on 127.0.0.1; yields (base URLs, their logs)."""
    folder = tmp_path_factory.mktemp("serve")
    with serve_processes(2, migrated, folder, KEITAI_TRUSTED_PROXIES="127.0.0.1") as bases:
        yield bases, [folder / "serve-0.log", folder / "serve-1.log"]


@pytest.fixture(scope="module")
def untrusting_server(migrated, tmp_path_factory):
    """One process started without KEITAI_TRUSTED_PROXIES; yields (base URL, its log)."""
    folder = tmp_path_factory.mktemp("serve-alone")
    with serve_processes(1, migrated, folder) as bases:
        yield bases[0], folder / "serve-0.log"


@pytest.fixture(scope="module")
def nginx(servers, tmp_path_factory):
    """deploy/nginx.conf in front of the two processes; yields (http URL, https URL,
    the certificate to trust, nginx's access log)."""
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx is missing (.ci/run installs it)")
        pytest.skip("nginx is not installed: apt-get install nginx-light")
    folder = tmp_path_factory.mktemp("nginx")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    port, tls_port = free_port(), free_port()
    ports = [urllib.parse.urlsplit(base).port for base in servers[0]]
    sample = SAMPLE.read_text()
    replacements = {
        "server 127.0.0.1:8081": f"server 127.0.0.1:{ports[0]}",
        "server 127.0.0.1:8082": f"server 127.0.0.1:{ports[1]}",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{tls_port} ssl;",
        "/etc/ssl/keitai/fullchain.pem": str(cert),
        "/etc/ssl/keitai/privkey.pem": str(key),
        "/srv/keitai/static/": f"{PROJECT_ROOT / 'static'}/",
        "/var/log/nginx/keitai.access.log": str(folder / "access.log"),
    }
    for old, new in replacements.items():
        assert old in sample, f"deploy/nginx.conf no longer has {old!r}: update this test"
        sample = sample.replace(old, new)
    (folder / "keitai.conf").write_text(sample)
    temp = "".join(f"{name}_temp_path {folder / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
        f"http {{\n{temp}access_log off;\ninclude /etc/nginx/mime.types;\ninclude {folder / 'keitai.conf'};\n}}\n"
    )
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, folder)
        yield base, f"https://127.0.0.1:{tls_port}", str(cert), folder / "access.log"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_through_nginx_sessions_span_both_processes_and_sids_stay_out_of_its_log(nginx, app, make_member):
    base, _, _, access_log = nginx
    member = make_member("さくら", "sakura@docomo.ne.jp", hobbies="カフェ巡り")
    pc = Browser(PC, cookies=True)
    pc.sign_in(base, "sakura@docomo.ne.jp")
    for _ in range(4):
        status, _, home = pc.request(base + "/")
        assert status == 200 and "さくらさんのホーム" in home

    phone = Browser(DOCOMO_1, cookies=False)
    location = phone.sign_in(base, "sakura@docomo.ne.jp")
    sid = sid_of(location)
    for _ in range(2):
        status, _, profile = phone.request(f"{base}/member/{member}?sid={sid}")
        assert status == 200 and "カフェ巡り" in profile

    css = re.search(r'href="(/static/site\.css\?v=\w+)"', home).group(1)
    status, headers, _ = pc.request(base + css)
    assert status == 200 and "immutable" in headers["Cache-Control"]

    wait_for_line([access_log], re.escape(f"GET {css} "))  # the last request's line: all are written
    log = access_log.read_text()
    assert sid not in log and "sid=***" in log
    upstreams = set(re.findall(r"127\.0\.0\.1:(\d+)\s*$", log, re.M))
    assert len(upstreams) == 2, log  # both processes served this member


def register(base: str, carrier: str, mail: str) -> None:
    """Sign in by password from the carrier's handset and register it for かんたんログイン."""
    phone = Handset(carrier)
    sid = sid_of(phone.sign_in(base, mail))
    status, _, page = phone.request(with_sid(base + "/settings/handset?guid=ON", sid))
    assert status == 200
    offer = REGISTER.search(page)
    assert offer, page  # the page offers to register this handset
    status, _, _ = phone.request(base + offer.group(1).replace("&amp;", "&"), {"csrf": CSRF.search(page).group(1)})
    assert status == 303


@pytest.mark.parametrize("carrier", ["docomo", "au", "softbank"])
def test_a_handset_through_its_gateway_registers_and_signs_in_without_a_password(nginx, servers, app, make_member,
                                                                               carrier):
    base, _, _, _ = nginx
    make_member("さくら", f"sakura-{carrier}@example.jp")
    register(base, carrier, f"sakura-{carrier}@example.jp")

    fresh = Handset(carrier)
    status, headers, _ = fresh.request(base + "/login/easy?guid=ON")
    assert status == 303
    status, _, home = fresh.request(on(base, headers["Location"]))
    assert status == 200 and "さくら" in home and 'name="password"' not in home

    # The keitai access log has the handset at its gateway's address, not nginx's.
    wait_for_line(servers[1], rf'^\S+ {re.escape(GATEWAY_IP[carrier])} "GET /login/easy\?guid=\*\*\* HTTP/1\.\d" 303 ')


def test_gateway_trust_comes_only_from_a_trusted_proxy(nginx, untrusting_server, app, make_member):
    base, _, _, _ = nginx
    alone, alone_log = untrusting_server
    make_member("さくら", "sakura@docomo.ne.jp")
    register(base, "docomo", "sakura@docomo.ne.jp")

    status, _, _ = Handset("docomo").request(base + "/login/easy?guid=ON")
    assert status == 303  # through nginx, from its gateway

    # The same request from a client that nobody trusts, through nginx ...
    status, _, page = Handset("docomo", source="127.0.0.2").request(base + "/login/easy?guid=ON")
    assert status == 403 and "携帯電話会社のネットワークから" in page
    # ... and straight to a process started without KEITAI_TRUSTED_PROXIES.
    status, _, page = Handset("docomo").request(alone + "/login/easy?guid=ON")
    assert status == 403 and "携帯電話会社のネットワークから" in page
    wait_for_line([alone_log], r'^\S+ 127\.0\.0\.1 "GET /login/easy\?guid=\*\*\* HTTP/1\.\d" 403 ')


def test_wrong_passwords_from_one_address_do_not_lock_out_another(nginx, servers, app, make_member):
    base, _, _, _ = nginx
    make_member("さくら", "sakura@docomo.ne.jp")

    def attempt(address: str, mail: str, password: str) -> int:
        browser = Browser(PC, cookies=True, headers={"X-Forwarded-For": address})
        _, _, page = browser.request(base + "/login")
        status, _, _ = browser.request(base + "/login", {
            "csrf": CSRF.search(page).group(1), "next": "/", "mail": mail, "password": password})
        return status

    stranger, member = "198.51.100.7", "198.51.100.8"
    # Twenty accounts guessed from one address: each answered, then the address must wait.
    assert [attempt(stranger, f"guess{n}@example.jp", "wrong") for n in range(20)] == [200] * 20
    assert attempt(stranger, "sakura@docomo.ne.jp", PASSWORD) == 429
    assert attempt(member, "sakura@docomo.ne.jp", PASSWORD) == 303

    wait_for_line(servers[1], rf'^\S+ {re.escape(member)} "POST /login HTTP/1\.\d" 303 ')


def test_over_https_cookies_are_secure_and_au_keeps_its_session_in_urls(nginx, app, make_member):
    base, secure_base, cafile, _ = nginx
    make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@ezweb.ne.jp")

    def sign_in(browser, url, mail):
        _, _, page = browser.request(url + "/login")
        status, headers, _ = browser.request(url + "/login", {
            "csrf": CSRF.search(page).group(1), "next": "/", "mail": mail, "password": PASSWORD})
        assert status == 303, status
        return headers

    over_https = sign_in(Browser(PC, cookies=True, cafile=cafile), secure_base, "sakura@docomo.ne.jp")
    assert over_https["Location"].startswith("https://") and "; Secure" in over_https["Set-Cookie"]
    over_http = sign_in(Browser(PC, cookies=True), base, "sakura@docomo.ne.jp")
    assert "Secure" not in over_http["Set-Cookie"]

    au_https = sign_in(Handset("au", cafile=cafile), secure_base, "taro@ezweb.ne.jp")
    assert "Set-Cookie" not in au_https and sid_of(au_https["Location"])
    au_http = sign_in(Handset("au"), base, "taro@ezweb.ne.jp")
    assert "Set-Cookie" in au_http and not sid_of(au_http["Location"])
