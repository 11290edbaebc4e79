"""Behind a reverse proxy, in process: the client's address and scheme come from
X-Forwarded-For / X-Forwarded-Proto only when the request's peer is one of
KEITAI_TRUSTED_PROXIES; from anyone else those headers are ignored.  tests/promises/test_behind_nginx.py
checks the same through the real nginx config and ``run.py serve``."""
from __future__ import annotations

import dataclasses

import pytest

from conftest import AU, DOCOMO_2, GATEWAY_IP, OUTSIDE_IP, PASSWORD, PC, Client
from keitai.app import create_app
from keitai.platform.web.forwarded import client_ip

PROXY = "10.0.0.5"
PROXIES = ("10.0.0.0/8",)
GUID = "ab12CD3"


def site(settings, trusted_proxies=PROXIES):
    """The app with these trusted proxies (made last, so its settings are the active ones)."""
    return create_app(dataclasses.replace(settings, trusted_proxies=trusted_proxies), connect=False)


def test_the_client_is_the_right_most_address_no_trusted_proxy_added():
    def seen(forwarded_for, peer=PROXY, proxies=PROXIES):
        return client_ip({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded_for}, proxies)

    docomo = GATEWAY_IP["docomo"]
    # The client may write anything on the left; only what a trusted proxy appended counts.
    assert seen(f"{docomo}, {OUTSIDE_IP}") == OUTSIDE_IP
    assert seen(f"{OUTSIDE_IP}, {docomo}") == docomo
    assert seen(f"{docomo}, 10.0.0.7") == docomo  # two trusted proxies in a row
    assert seen("") == PROXY
    assert seen("unknown") == PROXY  # not an address: the proxy that passed it on is the client
    assert seen(docomo, peer=OUTSIDE_IP) == OUTSIDE_IP  # the peer is no proxy: its header is its own word
    assert seen(docomo, proxies=()) == PROXY  # no proxy configured
    assert seen(docomo, proxies=[PROXY]) == docomo  # one address, given as a list


def test_a_proxy_that_is_no_address_stops_the_start(settings):
    with pytest.raises(ValueError, match="KEITAI_TRUSTED_PROXIES: 'nginx' does not appear to be an IPv4 or IPv6"):
        site(settings, ("127.0.0.1", "nginx"))


def test_a_handset_behind_a_trusted_proxy_is_seen_at_its_gateway_and_only_there(app, settings, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")

    def offered(peer, trusted_proxies=PROXIES):
        phone = Client(site(settings, trusted_proxies), DOCOMO_2, peer,
                       {"X-DCMGUID": GUID, "X-Forwarded-For": GATEWAY_IP["docomo"]})
        phone.login("sakura@docomo.ne.jp")
        return "この携帯電話を登録" in phone.text(phone.page("/settings/handset?guid=ON"))

    assert offered(PROXY)
    assert not offered(OUTSIDE_IP)  # a client writing the gateway's address itself
    assert not offered(PROXY, trusted_proxies=())  # no proxy configured: the header is ignored


def test_https_only_from_a_trusted_proxy_and_no_forwarded_host_from_a_client(app, settings, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")

    def sign_in(app_, peer, headers):
        pc = Client(app_, PC, peer, headers)
        form = pc.get("/login").forms[0]
        form["mail"], form["password"] = "sakura@docomo.ne.jp", PASSWORD
        response = form.submit(status=303)
        return response.headers["Location"], response.headers["Set-Cookie"]

    location, cookie = sign_in(site(settings), PROXY, {"X-Forwarded-For": OUTSIDE_IP, "X-Forwarded-Proto": "https"})
    assert location.startswith("https://localhost") and "; Secure" in cookie

    # The same headers from the member's own browser, on a site with no proxy configured.
    location, cookie = sign_in(site(settings, ()), OUTSIDE_IP,
                               {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
    assert location.startswith("http://localhost") and "Secure" not in cookie


def test_au_keeps_its_session_in_urls_over_https_behind_the_proxy(app, settings, make_member):
    """au handsets drop cookies over https: the sid must ride in the URL there."""
    make_member("たろう", "taro@ezweb.ne.jp")

    def sign_in(scheme):
        phone = Client(site(settings), AU, PROXY, {"X-Forwarded-For": GATEWAY_IP["au"], "X-Forwarded-Proto": scheme})
        form = phone.get("/login").forms[0]
        form["mail"], form["password"] = "taro@ezweb.ne.jp", PASSWORD
        return form.submit(status=303)

    over_http, over_https = sign_in("http"), sign_in("https")
    assert "Set-Cookie" in over_http.headers and "sid=" not in over_http.headers["Location"]
    assert "Set-Cookie" not in over_https.headers and "sid=" in over_https.headers["Location"]
