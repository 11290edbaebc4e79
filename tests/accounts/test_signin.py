"""Signing in: かんたんログイン by handset subscriber id (only through the carrier's gateway),
and sign-in rate limits per account and per address."""
from __future__ import annotations

import dataclasses
import logging

import pytest

from conftest import AU, DOCOMO_1, GATEWAY_IP, OUTSIDE_IP, PASSWORD, PC, SOFTBANK, Client
from keitai.app import create_app
from keitai.platform.db.connection import execute, fetchall, scalar
from keitai.accounts import ratelimit
from keitai.admin import site
from members_helpers import PRODUCTION_HASHER, DocomoGateway, send
from members_helpers import fast_passwords  # noqa: F401  (autouse: cheap argon2 here)

GUID = "ab12CD3"  # an i-mode ID: 7 case-sensitive letters and digits
SUBNO = "05001234567890_mj.ezweb.ne.jp"
JPHONE_UID = "a1B2c3D4e5F6g7H8"


@pytest.fixture
def docomo_phone(app):
    """An i-mode 1.0 handset behind docomo's gateway, which sends its ID only to guid=ON URLs."""

    def make(guid=GUID, ip=GATEWAY_IP["docomo"]):
        return Client(DocomoGateway(app), DOCOMO_1, ip, {"X-DCMGUID": guid} if guid else None)

    return make


def register(phone, mail):
    phone.login(mail)
    page = phone.page("/settings/handset?guid=ON")
    return send(page.forms[0]).follow()


# --- かんたんログイン --------------------------------------------------------------------

def test_docomo_handset_registers_and_signs_in_without_a_password_or_cookies(client, make_member, docomo_phone):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    phone = docomo_phone()
    phone.login("sakura@docomo.ne.jp")
    settings_page = phone.page("/settings")
    assert "/settings/handset?guid=ON&amp;sid=" in settings_page.body.decode("cp932")
    page = phone.page("/settings/handset?guid=ON")
    form = page.forms[0]
    assert form.action.startswith("/settings/handset?guid=ON&sid=")  # docomo sends its id only then
    done = send(form).follow()
    assert "guid=ON" in done.request.url  # so the handset's ID comes along again
    assert "登録しました" in phone.text(done) and "この携帯電話です" in phone.text(done)

    stored = fetchall("SELECT member_id, subscriber_hash, carrier, model FROM handsets")
    assert stored[0][0] == me and stored[0][2:] == ("docomo", "N505i")
    assert GUID not in stored[0][1] and GUID.lower() not in stored[0][1].lower()  # a keyed hash only

    fresh = docomo_phone()
    login_page = fresh.get("/login")
    assert "/login/easy?guid=ON" in login_page.body.decode("cp932")
    response = fresh.get("/login/easy?guid=ON")
    assert response.status_int == 303 and "Set-Cookie" not in response.headers
    home = response.follow()
    assert "さくらさんのﾎｰﾑ" in fresh.text(home)


def test_the_login_page_offers_easy_login_to_handsets_that_can_send_their_id(client):
    def login_page(ua):
        return client(ua).get("/login").body.decode("cp932", "replace")

    assert 'href="/login/easy?guid=ON"' in login_page(DOCOMO_1)  # docomo sends its id only then
    au = login_page(AU)
    assert 'href="/login/easy"' in au and "guid" not in au
    assert "/login/easy" not in login_page("Mozilla/3.0(WILLCOM;KYOCERA/WX310K/2;1.2.2.16.000000/0.1/C100) Opera 7.0")
    assert "/login/easy" not in login_page(PC)


@pytest.mark.parametrize("ua,ip,headers", [
    (AU, GATEWAY_IP["au"], {"X-UP-SUBNO": SUBNO}),
    (SOFTBANK, GATEWAY_IP["softbank"], {"X-JPHONE-UID": JPHONE_UID}),
])
def test_au_and_softbank_handsets_sign_in_by_their_ids(client, make_member, ua, ip, headers):
    make_member("たろう", "taro@ezweb.ne.jp")
    phone = client(ua, ip=ip, headers=headers)
    register(phone, "taro@ezweb.ne.jp")
    again = client(ua, ip=ip, headers=headers)
    assert "たろう" in again.text(again.get("/login/easy").follow())


def test_forged_subscriber_id_from_outside_the_gateway_is_refused_and_logged(client, make_member, caplog, docomo_phone):
    make_member("さくら", "sakura@docomo.ne.jp")
    register(docomo_phone(), "sakura@docomo.ne.jp")
    sessions_before = scalar("SELECT COUNT(*) FROM sessions")

    with caplog.at_level(logging.WARNING, logger="keitai.auth"):
        forged = client(DOCOMO_1, ip=OUTSIDE_IP, headers={"X-DCMGUID": GUID}).get("/login/easy?guid=ON", status=403)
        from_pc = client(PC, headers={"X-DCMGUID": GUID}).get("/login/easy?guid=ON", status=403)
        # The right carrier's header through another carrier's gateway is forged too.
        other_gateway = client(DOCOMO_1, ip=GATEWAY_IP["au"], headers={"X-DCMGUID": GUID}).get("/login/easy", status=403)
    for response in (forged, from_pc, other_gateway):
        text = response.body.decode(response.charset if response.charset != "Shift_JIS" else "cp932")
        assert "携帯電話会社のネットワークから接続" in text
    assert scalar("SELECT COUNT(*) FROM sessions") == sessions_before
    refused = [r for r in caplog.records if "easy login refused" in r.getMessage()]
    assert len(refused) == 3 and OUTSIDE_IP in refused[0].getMessage()
    assert GUID not in caplog.text  # the id itself is not written to the log


def test_an_unregistered_or_silent_handset_is_told_what_to_do(client, make_member, docomo_phone):
    make_member("さくら", "sakura@docomo.ne.jp")
    register(docomo_phone(), "sakura@docomo.ne.jp")
    other = docomo_phone(guid="zz99ZZ9")
    assert "まだ登録されていません" in other.text(other.get("/login/easy?guid=ON"))
    silent = docomo_phone(guid=None)  # the member turned sending the i-mode ID off
    assert "送られていません" in silent.text(silent.get("/login/easy?guid=ON"))
    assert scalar("SELECT COUNT(*) FROM sessions") == 1  # only the registering session


def test_easy_login_can_be_switched_off_site_wide(client, make_member, settings, app, docomo_phone):
    make_member("さくら", "sakura@docomo.ne.jp")
    register(docomo_phone(), "sakura@docomo.ne.jp")
    site.put("easy_login", False)
    phone = docomo_phone()
    assert "停止しています" in phone.text(phone.get("/login/easy?guid=ON"))
    site.put("easy_login", True)
    assert phone.get("/login/easy?guid=ON").status_int == 303

    off = create_app(dataclasses.replace(settings, easy_login=False), connect=False)
    phone = Client(off, DOCOMO_1, GATEWAY_IP["docomo"], {"X-DCMGUID": GUID})
    assert "停止しています" in phone.text(phone.get("/login/easy?guid=ON"))


def test_registration_moves_when_a_line_changes_hands_and_can_be_removed(client, make_member, docomo_phone):
    make_member("さくら", "sakura@docomo.ne.jp")
    taro = make_member("たろう", "taro@docomo.ne.jp")
    register(docomo_phone(), "sakura@docomo.ne.jp")
    phone = docomo_phone()
    register(phone, "taro@docomo.ne.jp")
    assert fetchall("SELECT member_id FROM handsets") == [(taro,)]
    page = phone.page("/settings/handset")
    removed = send(page.forms[0]).follow()
    assert "解除しました" in phone.text(removed)
    assert scalar("SELECT COUNT(*) FROM handsets") == 0


def test_handset_registration_needs_a_handset_through_its_gateway(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC, headers={"X-DCMGUID": GUID})
    pc.login("sakura@docomo.ne.jp")
    page = pc.page("/settings/handset")
    assert "携帯電話から行います" in page.text and not page.forms
    csrf = pc.page("/settings/password").forms[0]["csrf"].value
    refused = pc.post("/settings/handset?guid=ON", {"csrf": csrf})
    assert "携帯電話会社のネットワーク" in refused.text
    assert scalar("SELECT COUNT(*) FROM handsets") == 0


# --- rate limits ----------------------------------------------------------------------

def _try(pc, mail, password):
    form = pc.get("/login").forms[0]
    form["mail"], form["password"] = mail, password
    return form.submit(status="*")


def test_an_account_is_locked_for_a_while_after_repeated_failures(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@ezweb.ne.jp")
    pc = client(PC)
    for _ in range(ratelimit.ACCOUNT_LIMIT):
        assert "パスワードが違います" in _try(pc, "sakura@docomo.ne.jp", "wrong").text
    locked = _try(client(PC, ip="198.51.100.7"), "sakura@docomo.ne.jp", PASSWORD)
    assert locked.status_int == 429 and "15分ほど待って" in locked.text
    assert scalar("SELECT COUNT(*) FROM sessions") == 0
    # Other accounts are not affected, and the window slides.
    assert _try(client(PC, ip="198.51.100.8"), "taro@ezweb.ne.jp", PASSWORD).status_int == 303
    execute("UPDATE login_failures SET at = at - ?", (ratelimit.WINDOW,))
    assert _try(pc, "sakura@docomo.ne.jp", PASSWORD).status_int == 303
    # Nothing in the table names an address or a mail.
    assert not any("sakura" in row[0] or OUTSIDE_IP in row[0] for row in fetchall("SELECT subject FROM login_failures"))


def test_one_address_trying_many_accounts_is_stopped(client, make_member):
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    for n in range(ratelimit.ADDRESS_LIMIT):
        _try(pc, f"guess{n}@docomo.ne.jp", "wrong")
    assert _try(pc, "sakura@docomo.ne.jp", PASSWORD).status_int == 429
    assert _try(client(PC, ip="198.51.100.9"), "sakura@docomo.ne.jp", PASSWORD).status_int == 303


def test_a_carrier_gateway_address_is_shared_so_it_gets_more_room(client, make_member, docomo_phone):
    make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@ezweb.ne.jp")
    for n in range(ratelimit.ADDRESS_LIMIT):
        ratelimit.record_failure(f"guess{n}@docomo.ne.jp", GATEWAY_IP["docomo"], gateway=True)
    assert docomo_phone().login("sakura@docomo.ne.jp").status_int == 200
    # ... but one handset (au sends its id with every request) guessing many accounts is stopped.
    au = client(AU, ip=GATEWAY_IP["au"], headers={"X-UP-SUBNO": SUBNO})
    for n in range(ratelimit.ADDRESS_LIMIT):
        _try(au, f"again{n}@ezweb.ne.jp", "wrong")
    assert _try(au, "taro@ezweb.ne.jp", PASSWORD).status_int == 429
    other_au = client(AU, ip=GATEWAY_IP["au"], headers={"X-UP-SUBNO": "09876543210987_zz.ezweb.ne.jp"})
    assert _try(other_au, "taro@ezweb.ne.jp", PASSWORD).status_int == 303


def test_passwords_are_hashed_with_memory_hard_argon2id():
    stored = PRODUCTION_HASHER.hash("correct horse 42")
    assert stored.startswith("$argon2id$") and "m=19456,t=2" in stored  # OWASP minimum


def test_the_account_limit_counts_every_spelling_of_one_address(client, make_member):
    """Five wrong guesses (the README's number) lock the account, however the address is written:
    each from its own address, so only the per-account limit can stop the sixth."""
    make_member("さくら", "sakura@docomo.ne.jp")
    spellings = ["Sakura@docomo.ne.jp", "sakura@DOCOMO.ne.jp", " SAKURA@docomo.ne.jp", "sakura@Docomo.Ne.Jp",
                 "SaKuRa@DoCoMo.NE.JP"]
    for n, spelling in enumerate(spellings):
        assert "パスワードが違います" in _try(client(PC, ip=f"198.51.100.{20 + n}"), spelling, "wrong").text
    locked = _try(client(PC, ip="198.51.100.40"), "sakura@docomo.ne.jp", PASSWORD)
    assert locked.status_int == 429 and "15分ほど待って" in locked.text
    assert scalar("SELECT COUNT(*) FROM sessions") == 0
