"""The operator's pages: only admins, member search, suspension, the site switches and notice,
gateway ranges, community reports; on a PC and on a docomo i-mode 1.0 handset."""
from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import ACTION, DOCOMO_1, DOCOMO_1_5K, HREF, PC
from keitai.platform.device import gateways
from keitai.platform.db.connection import execute, now, scalar
from keitai.admin import rules as admin
from keitai.admin import site
from keitai.words import Refused
from promises.test_handset_pages import BUDGET, HIDDEN_SID, crawl

ADMIN_PAGES = ["/admin", "/admin/members", "/admin/site", "/admin/gateways", "/admin/reports"]
ADMIN_HEADINGS = {"/admin": "<h1>管理</h1>", "/admin/members": "<h1>会員の管理</h1>",
                  "/admin/site": "<h1>招待制・お知らせ</h1>", "/admin/gateways": "<h1>キャリアIP帯域</h1>",
                  "/admin/reports": "通報"}


def bulk_members(count: int, prefix: str = "m") -> None:
    """Many members at once, sharing one password hash (hashing each would take seconds)."""
    from keitai.accounts.models import Member

    password_hash = scalar("SELECT password_hash FROM members LIMIT 1")
    Member.insert_many([
        {"nickname": f"会員{n:02d}", "mail": f"{prefix}{n}@docomo.ne.jp", "password_hash": password_hash,
         "birthday": "1990-01-01", "status": "active", "created_at": now()}
        for n in range(count)
    ]).execute()


@pytest.fixture
def operator(client, make_member):
    """An admin signed in on a PC, and the admin's member id."""
    admin_id = make_member("管理人", "admin@docomo.ne.jp", is_admin=True)
    pc = client(PC)
    pc.login("admin@docomo.ne.jp")
    return pc, admin_id


@pytest.mark.parametrize("ua", [PC, DOCOMO_1])
def test_members_who_are_not_admins_get_403_and_visitors_the_sign_in_page(client, make_member, ua):
    member = make_member("さくら", "sakura@docomo.ne.jp")
    visitor = client(ua)
    for path in ADMIN_PAGES + [f"/admin/member/{member}"]:
        page = visitor.get(path)
        assert 'name="password"' in visitor.text(page) and "会員" not in visitor.text(page), path
    phone = client(ua)
    phone.login("sakura@docomo.ne.jp")
    for path in ADMIN_PAGES + [f"/admin/member/{member}"]:
        page = phone.page(path, status=403)
        assert "管理者だけ" in phone.text(page), path
    home = phone.text(phone.page("/"))
    assert "/admin" not in home


def test_a_member_cannot_suspend_anyone_even_with_a_valid_form(client, make_member):
    target = make_member("たろう", "taro@ezweb.ne.jp")
    make_member("さくら", "sakura@docomo.ne.jp")
    pc = client(PC)
    pc.login("sakura@docomo.ne.jp")
    csrf = re.search(r'name="csrf" value="([^"]+)"', pc.page("/logout").text).group(1)
    pc.post(f"/admin/member/{target}/suspend", {"csrf": csrf, "reason": "spam"}, status=403)
    pc.post("/admin/site/notice", {"csrf": csrf, "notice": "乗っ取り"}, status=403)
    assert scalar("SELECT status FROM members WHERE id = ?", (target,)) == "active"
    assert admin.site_notice() is None


def test_every_admin_page_shows_for_an_admin_with_the_menu(operator):
    pc, _admin_id = operator
    for path in ADMIN_PAGES:
        page = pc.get(path)
        assert page.status_int == 200, path
        assert page.headers["Content-Type"] == "text/html; charset=UTF-8"
        # The operator's page, not the sign-in page a lost session would get with a 200.
        assert ADMIN_HEADINGS[path] in page.text and 'name="password"' not in page.text, path
    home = pc.get("/")
    assert 'href="/admin"' in home.text  # the side menu's 管理 entry, for admins only


def test_search_by_nickname_mail_or_number_and_filter_by_status(operator, make_member):
    pc, admin_id = operator
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    make_member("たろう", "taro@ezweb.ne.jp")
    pending = make_member("ゆき", "yuki@softbank.ne.jp")
    execute("UPDATE members SET status = 'pending' WHERE id = ?", (pending,))

    def names(**query):
        page = pc.get("/admin/members", params=query)
        return set(re.findall(r'<a href="/admin/member/\d+">([^<]+)</a>', page.text))

    assert names() == {"管理人", "さくら", "たろう", "ゆき"}
    assert names(q="さく") == {"さくら"}
    assert names(q="EZWEB") == {"たろう"}  # mail domains match whatever the case
    assert names(q=str(sakura)) == {"さくら"}
    assert names(status="pending") == {"ゆき"}
    assert names(q="%") == set()  # LIKE wildcards are taken literally
    assert names(q="_") == set()
    assert "条件に合う会員はいません" in pc.get("/admin/members", params={"q": "いない人"}).text


def test_member_list_pages_by_id(operator, make_member):
    pc, _ = operator
    bulk_members(35)
    first = pc.get("/admin/members")
    assert first.text.count('<a href="/admin/member/') == 30
    link = re.search(r'href="(/admin/members\?before=\d+)"', first.text).group(1)
    second = pc.get(link)
    assert second.text.count('<a href="/admin/member/') == 6  # 35 members and the admin
    assert "次の会員" not in second.text


def test_suspension_ends_the_members_sessions_and_sign_in_until_lifted(operator, client, make_member):
    pc, admin_id = operator
    member = make_member("たろう", "taro@ezweb.ne.jp")
    theirs = client(PC)
    theirs.login("taro@ezweb.ne.jp")
    phone = client(DOCOMO_1)
    phone.login("taro@ezweb.ne.jp")
    assert scalar("SELECT COUNT(*) FROM sessions WHERE member_id = ?", (member,)) == 2

    page = pc.get(f"/admin/member/{member}")
    refused = pc.submit(page, form_index=0, reason="")  # the reason is required
    assert "理由を書いてください" in refused.text
    assert scalar("SELECT status FROM members WHERE id = ?", (member,)) == "active"

    done = pc.submit(pc.get(f"/admin/member/{member}"), reason="迷惑なメッセージを繰り返し送った").follow()
    assert "会員を停止しました" in done.text and "停止中" in done.text
    assert "迷惑なメッセージを繰り返し送った" in done.text  # in the log of actions
    assert scalar("SELECT COUNT(*) FROM sessions WHERE member_id = ?", (member,)) == 0
    assert "name=\"password\"" in theirs.get("/").text
    assert "ﾛｸﾞｲﾝ" in phone.text(phone.page("/")) or "ログイン" in phone.text(phone.page("/"))
    again = client(PC).get("/login").forms[0]
    again["mail"], again["password"] = "taro@ezweb.ne.jp", "correct horse 42"
    assert again.submit().status_int == 200  # refused: the sign-in page again

    lifted = pc.submit(pc.get(f"/admin/member/{member}")).follow()
    assert "停止を解除しました" in lifted.text
    assert scalar("SELECT status FROM members WHERE id = ?", (member,)) == "active"
    client(PC).login("taro@ezweb.ne.jp")
    overview = pc.get("/admin")
    assert "停止解除" in overview.text and "たろう" in overview.text


def test_lifting_a_suspension_gives_back_a_pending_status(operator, make_member):
    pc, admin_id = operator
    member = make_member("ゆき", "yuki@softbank.ne.jp")
    execute("UPDATE members SET status = 'pending' WHERE id = ?", (member,))
    admin.suspend(admin_id, member, "なりすまし")
    with pytest.raises(Refused, match="この会員はすでに停止されています。") as refused:
        admin.suspend(admin_id, member, "二度目")
    assert refused.value.code == "admin.already_suspended"
    admin.unsuspend(admin_id, member)
    assert scalar("SELECT status FROM members WHERE id = ?", (member,)) == "pending"
    with pytest.raises(Refused, match="この会員は停止されていません。") as refused:
        admin.unsuspend(admin_id, member)
    assert refused.value.code == "admin.not_suspended"


def test_an_admin_cannot_suspend_themselves_nor_an_unknown_member(operator):
    pc, admin_id = operator
    page = pc.get(f"/admin/member/{admin_id}")
    assert "停止する" not in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', pc.get("/admin/site").text).group(1)
    refused = pc.post(f"/admin/member/{admin_id}/suspend", {"csrf": csrf, "reason": "test"})
    assert "自分自身は停止できません" in refused.text
    assert scalar("SELECT status FROM members WHERE id = ?", (admin_id,)) == "active"
    pc.post("/admin/member/999999/suspend", {"csrf": csrf, "reason": "test"}, status=404)
    pc.get("/admin/member/999999", status=404)


def test_too_long_reason_is_refused_and_kept_in_the_form(operator, make_member):
    pc, _ = operator
    member = make_member("たろう", "taro@ezweb.ne.jp")
    reason = "長" * (admin.REASON_MAX + 1)
    refused = pc.submit(pc.get(f"/admin/member/{member}"), reason=reason)
    assert f"{admin.REASON_MAX}文字まで" in refused.text
    assert refused.forms[0]["reason"].value == reason
    assert scalar("SELECT status FROM members WHERE id = ?", (member,)) == "active"


def test_every_admin_action_needs_the_forms_csrf_token(operator, make_member):
    pc, _ = operator
    member = make_member("たろう", "taro@ezweb.ne.jp")
    for path, fields in [
        (f"/admin/member/{member}/suspend", {"reason": "spam"}),
        ("/admin/site/invitation-only", {"invitation_only": "0"}),
        ("/admin/site/notice", {"notice": "こんにちは"}),
    ]:
        pc.post(path, fields, status=403)
        pc.post(path, dict(fields, csrf="forged"), status=403)
    assert scalar("SELECT status FROM members WHERE id = ?", (member,)) == "active"
    assert scalar("SELECT COUNT(*) FROM site_settings") == 0
    assert scalar("SELECT COUNT(*) FROM admin_log") == 0


def test_invitation_only_switch_is_stored_for_every_process_and_logged(operator):
    pc, _ = operator
    page = pc.get("/admin/site")
    assert page.forms[0]["invitation_only"].value == "1"  # the configured default
    saved = pc.submit(page, form_index=0, invitation_only="0").follow()
    assert "保存しました" in saved.text
    assert site.get_bool("invitation_only", True) is False
    assert site.invitation_only() is False
    assert saved.forms[0]["invitation_only"].value == "0"
    assert "誰でも登録可" in pc.get("/admin").text
    csrf = saved.forms[0]["csrf"].value
    bad = pc.post("/admin/site/invitation-only", {"csrf": csrf, "invitation_only": "maybe"})
    assert "読み取れませんでした" in bad.text
    assert site.invitation_only() is False


@pytest.mark.parametrize("ua", [PC, DOCOMO_1_5K])
def test_site_notice_shows_on_every_members_home_and_can_be_taken_down(operator, client, make_member, ua):
    pc, _ = operator
    make_member("さくら", "sakura@docomo.ne.jp")
    saved = pc.submit(pc.get("/admin/site"), form_index=1, notice="12月1日 2時から4時まで\nメンテナンスします").follow()
    assert "保存しました" in saved.text
    member = client(ua)
    home = member.text(member.login("sakura@docomo.ne.jp"))
    assert "メンテナンスします" in home and "お知らせ" in home
    pc.submit(pc.get("/admin/site"), form_index=1, notice="   ")
    assert admin.site_notice() is None
    assert "メンテナンスします" not in member.text(member.page("/"))


def test_too_long_notice_is_refused_and_kept(operator):
    pc, _ = operator
    text = "あ" * (admin.NOTICE_MAX + 1)
    refused = pc.submit(pc.get("/admin/site"), form_index=1, notice=text)
    assert f"{admin.NOTICE_MAX}文字まで" in refused.text
    assert refused.forms[1]["notice"].value == text
    assert admin.site_notice() is None


def test_gateway_page_shows_the_ranges_in_force_and_their_date(operator):
    pc, _ = operator
    page = pc.get("/admin/gateways")
    summary = gateways.summary()
    assert summary.updated and summary.updated in page.text
    for carrier, _sources, cidrs in summary.carriers:
        assert f"<td>{carrier}</td><td class=\"num\">{len(cidrs)}</td>" in page.text
    assert "210.153.84.0/24" in page.text  # a docomo range
    assert "nttdocomo.co.jp" in page.text  # its source


def test_reports_page_lists_open_community_reports(operator, monkeypatch, make_member):
    pc, _ = operator
    reporter = make_member("さくら", "sakura@docomo.ne.jp")
    assert "対応を待っている通報はありません" in pc.get("/admin/reports").text
    report = SimpleNamespace(
        id=1, created_at=now(), reason="個人情報が書かれています", reporter_id=reporter,
        reporter_nickname="さくら", community_id=7, community_name="猫好き",
        excerpt="住所は…",
    )
    monkeypatch.setattr(admin, "open_reports", lambda: [report])
    page = pc.get("/admin/reports")
    assert "個人情報が書かれています" in page.text and "猫好き" in page.text
    assert 'href="/community/7/reports"' in page.text  # where it is dealt with and f'href="/admin/member/{reporter}"' in page.text


def test_admin_pages_on_a_5k_docomo_handset_are_cp932_carry_the_sid_and_fit(client, make_member):
    admin_id = make_member("管理人", "admin@docomo.ne.jp", is_admin=True)
    bulk_members(12)
    admin.set_site_notice(admin_id, "メンテナンスのお知らせ")
    admin.suspend(admin_id, admin_id + 1, "テスト")
    phone = client(DOCOMO_1_5K)
    phone.login("admin@docomo.ne.jp")
    reached = set()
    for path, response in crawl(phone, "/admin", limit=60):
        reached.add(urlsplit(path).path)
        if response.status_int == 404 and path.startswith(f"/member/{admin_id + 1}?"):
            continue  # a suspended member's profile is gone for everyone
        assert response.status_int == 200, path
        assert response.headers["Content-Type"] == "text/html; charset=Shift_JIS", path
        assert len(response.body) <= BUDGET, (path, len(response.body))
        body = response.body.decode("cp932")
        for href in HREF.findall(body):
            href = href.replace("&amp;", "&")
            if href.startswith("/") and not href.startswith("/out"):
                assert parse_qs(urlsplit(href).query).get("sid") == [phone.sid], (path, href)
        for action, inner in ACTION.findall(body):
            in_url = parse_qs(urlsplit(action.replace("&amp;", "&")).query).get("sid") == [phone.sid]
            assert in_url or HIDDEN_SID.findall(inner) == [phone.sid], (path, action)
    assert {"/admin", "/admin/members", "/admin/site", "/admin/gateways", f"/admin/member/{admin_id + 1}"} <= reached

    # Suspending from the handset works too (the sid rides in the form's action).
    target = admin_id + 2
    form = phone.page(f"/admin/member/{target}").forms[0]
    form["reason"] = "迷惑行為"
    done = form.submit(content_type="application/x-www-form-urlencoded; charset=cp932")
    assert done.status_int == 303
    assert scalar("SELECT status FROM members WHERE id = ?", (target,)) == "suspended"
    assert admin.member_log(target)[0].note == "迷惑行為"


def test_run_py_admin_makes_and_unmakes_an_operator(app, make_member, migrated, monkeypatch, capsys):
    import run

    member = make_member("さくら", "Sakura@DOCOMO.ne.jp")
    monkeypatch.setenv("KEITAI_DATABASE_URL", migrated)
    monkeypatch.setenv("KEITAI_SECRET_KEY", "test-secret-key")
    assert run.main(["admin", "Sakura@docomo.ne.jp"]) == 0
    assert "さくら" in capsys.readouterr().out
    assert scalar("SELECT is_admin FROM members WHERE id = ?", (member,)) in (1, True)
    assert run.main(["admin", "--revoke", "Sakura@docomo.ne.jp"]) == 0
    assert scalar("SELECT is_admin FROM members WHERE id = ?", (member,)) in (0, False)
    assert run.main(["admin", "nobody@docomo.ne.jp"]) == 1
