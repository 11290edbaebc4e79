"""End to end in a real browser: headless Chromium (Debian's chromium + chromium-driver, driven by
Selenium) against the site served by waitress, with JavaScript switched off, since no action
may need it.  Screenshots of the main pages, on a PC and on a phone-sized screen, are written
to tests/output/screenshots/ (not committed) for a person to look at.

Locally the tests skip when Chromium is missing (``apt-get install chromium chromium-driver``);
under CI (``CI`` set) a missing browser fails them, since .ci/run installs it.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from conftest import IPHONE, PASSWORD
from keitai.friends import rules as friends

SCREENSHOTS = Path(__file__).resolve().parent.parent / "output" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Quiet, self-contained, reproducible: no sandbox (CI runs as root), no network of its own.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--lang=ja", "--window-size=1280,900",
]
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


def _missing() -> str | None:
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        return f"no Chromium here ({CHROMIUM}, {CHROMEDRIVER}): apt-get install chromium chromium-driver"
    if importlib.util.find_spec("selenium") is None:
        return "selenium is not installed: pip install -e '.[test]'"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module, JavaScript off; cookies are cleared between tests."""
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason + " (.ci/run installs it)")
        pytest.skip(reason)
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)  # generous: CI machines are shared and may be busy
    driver.get("data:text/html,<title>off</title><script>document.title='on'</script>")
    assert driver.title == "off", "JavaScript should be off: every action must work without it"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


class Site:
    """The browser on the served site, with the few moves a member makes."""

    def __init__(self, driver, base: str):
        self.driver = driver
        self.base = base
        driver.delete_all_cookies()
        self.as_pc()

    def open(self, path: str):
        self.driver.get(self.base + path)
        return self

    @property
    def text(self) -> str:
        return self.driver.find_element("tag name", "body").text

    def find(self, css: str):
        return self.driver.find_element("css selector", css)

    def fill(self, **fields) -> None:
        for name, value in fields.items():
            element = self.find(f'[name="{name}"]')
            element.clear()
            element.send_keys(value)

    def _navigate(self, element) -> None:
        """Click ``element`` and wait until the next page has replaced this one."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.wait import WebDriverWait

        old = self.find("html")
        element.click()

        def replaced(_driver) -> bool:
            # chromedriver reports a node of the old page either as stale or, mid-navigation,
            # as "not belonging to the document": both mean the next page has replaced it.
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 30).until(replaced)
        WebDriverWait(self.driver, 30).until(lambda d: self.evaluate("document.readyState") == "complete")

    def evaluate(self, expression: str):
        """A value from the page, through DevTools (the page's own scripts stay off)."""
        result = self.driver.execute_cdp_cmd("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def submit(self, form_css: str = "main form") -> None:
        self._navigate(self.find(f'{form_css} button[type="submit"], {form_css} input[type="submit"]'))

    def click_link(self, text: str) -> None:
        self._navigate(self.driver.find_element("link text", text))

    def sign_in(self, mail: str, password: str = PASSWORD) -> None:
        self.open("/")
        self.fill(mail=mail, password=password)
        self.submit()

    def shot(self, name: str) -> Path:
        """A full-page screenshot in tests/output/screenshots/NAME.png."""
        path = SCREENSHOTS / f"{name}.png"
        height = self.evaluate("document.documentElement.scrollHeight")
        metrics = dict(self.metrics, height=max(self.metrics["height"], min(int(height), 6000)))
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        self.driver.save_screenshot(str(path))
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", self.metrics)
        return path

    def as_pc(self) -> None:
        self.metrics = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", self.metrics)
        self.driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": self.driver.execute_cdp_cmd(
            "Browser.getVersion", {})["userAgent"].replace("HeadlessChrome", "Chrome")})

    def as_phone(self) -> None:
        self.metrics = PHONE
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", self.metrics)
        self.driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": IPHONE})


@pytest.fixture
def site(browser, live_server):
    return Site(browser, live_server)


@pytest.fixture
def members(make_member):
    """さくら (an admin) and たろう, friends; ゆき, a friend of たろう only."""
    sakura = make_member("さくら", "sakura@docomo.ne.jp", is_admin=True, prefecture="東京都",
                         hobbies="カフェ巡り", about="よろしくお願いします！☀\n週末は日記を書きます。")
    taro = make_member("たろう", "taro@ezweb.ne.jp", prefecture="大阪府", hobbies="釣り・キャンプ", about="週末は海にいます。")
    yuki = make_member("ゆき", "yuki@softbank.ne.jp", hobbies="スノーボード")
    friends.befriend(sakura, taro)
    friends.befriend(taro, yuki)
    return {"sakura": sakura, "taro": taro, "yuki": yuki}


def test_sign_in_see_home_visit_a_profile_with_no_javascript(site, members):
    site.open("/")
    assert "keitai にログイン" in site.text
    site.shot("pc-login")

    site.fill(mail="taro@ezweb.ne.jp", password="wrong password")
    site.submit()
    assert "メールアドレスまたはパスワードが違います" in site.text

    site.sign_in("sakura@docomo.ne.jp")
    assert "さくらさんのホーム" in site.text
    header = site.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert header == "rgb(217, 130, 43)"  # the stylesheet applies
    main, side = site.find("main").rect, site.find("aside.side").rect
    assert side["x"] < main["x"] and abs(side["y"] - main["y"]) < 5  # two columns: the menu on the left
    site.shot("pc-home")

    site.click_link("プロフィール")
    assert "カフェ巡り" in site.text and "☀" in site.text  # the emoji as a Unicode emoji
    site.open(f"/member/{members['taro']}")
    assert "たろうさん" in site.text and "釣り・キャンプ" in site.text
    site.shot("pc-profile")

    site.click_link("ログアウト")
    site.submit()
    assert "ログアウトしました" in site.text
    site.open(f"/member/{members['taro']}")
    assert "釣り・キャンプ" not in site.text and "ログインしてください" in site.text


def test_on_a_phone_the_page_is_one_column_with_the_menu_after_it(site, members):
    site.as_phone()
    site.sign_in("taro@ezweb.ne.jp")
    assert "たろうさんのホーム" in site.text
    main, side = site.find("main").rect, site.find("aside.side").rect
    assert side["y"] > main["y"] + main["height"] - 5 and side["width"] > 300  # below, full width
    assert site.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the screen
    site.shot("phone-home")
    site.open(f"/member/{members['sakura']}")
    assert "カフェ巡り" in site.text
    site.shot("phone-profile")


def test_operator_pages_and_the_handset_view(site, members):
    site.sign_in("sakura@docomo.ne.jp")
    site.click_link("管理")
    assert "参加中 3人" in site.text
    site.shot("pc-admin")

    site.open("/admin/site")
    site.fill(notice="12月1日の2時から4時まで、メンテナンスのため止まります。")
    site.submit("form[action^='/admin/site/notice']")
    assert "保存しました" in site.text
    site.open(f"/admin/member/{members['yuki']}")
    site.fill(reason="なりすましの報告があったため")
    site.submit("form[action$='/suspend']")
    assert "会員を停止しました" in site.text
    site.shot("pc-admin-member")

    site.open(f"/member/{members['sakura']}")
    site.click_link("このページを携帯電話で見る")
    assert "text/html; charset=Shift_JIS" in site.text and "5,120 バイト" in site.text
    site.shot("pc-handset-view")

    site.driver.delete_all_cookies()
    site.sign_in("taro@ezweb.ne.jp")
    assert "メンテナンスのため止まります" in site.text


# --- Diaries, photos, comments and footprints ---------------------------------------------

def write_diary_with_photo(site, tmp_path, title: str, body: str) -> str:
    """At /diary/new: title, body and a photo; returns the new diary's URL."""
    from PIL import Image

    photo = tmp_path / "umi.jpg"
    Image.new("RGB", (640, 480), (70, 140, 200)).save(photo, "JPEG")
    site.open("/diary/new")
    site.fill(title=title, body=body)
    site.find('input[type="file"]').send_keys(str(photo))
    site.submit()
    return site.driver.current_url


def comment_on(site, diary_url: str, text: str) -> None:
    """On a diary page: the comment form's body field, then send."""
    site.driver.get(diary_url)
    site.fill(body=text)
    site.submit("main form[action*='comment']")


def test_write_a_diary_with_a_photo_and_a_friend_comments(site, members, app, tmp_path):
    site.sign_in("sakura@docomo.ne.jp")
    diary = write_diary_with_photo(site, tmp_path, "海へ行きました", "とても良い天気でした。")
    assert "海へ行きました" in site.text
    assert site.driver.find_elements("css selector", "main img")  # the photo, in its larger rendition
    site.shot("pc-diary")
    site.driver.delete_all_cookies()
    site.sign_in("taro@ezweb.ne.jp")
    comment_on(site, diary, "いいですね！")
    assert "いいですね！" in site.text
    site.shot("pc-diary-comment")


def test_a_visit_leaves_a_footprint_the_member_sees(site, members, app):
    site.sign_in("taro@ezweb.ne.jp")
    site.open(f"/member/{members['sakura']}")
    site.driver.delete_all_cookies()
    site.sign_in("sakura@docomo.ne.jp")
    site.open("/footprints")
    assert "たろう" in site.text
    site.shot("pc-footprints")


# --- Profile depth, settings, home and the frame ------------------------------------------

def test_profile_settings_and_home_on_a_pc_and_a_phone(site, members, app):
    """Settings read as a label column (one row a field on a phone), a profile offers 友人に追加
    at its head, within the first screen; home names a friend's birthday; all without JavaScript."""
    import datetime

    from diary_helpers import FakeUpload, small_photo
    from keitai.photos import rules as photos
    from keitai.platform.db.connection import execute, now
    from keitai.profiles import rules as profiles

    for side in (320, 240, 200):
        profiles.add_photo(members["sakura"], photos.prepare(FakeUpload(small_photo(side, side))))
    soon = profiles.today() + datetime.timedelta(days=2)
    execute("UPDATE members SET birthday = ?, aud_birthday = 'friends' WHERE id = ?",
            (f"1992-{soon.month:02}-{soon.day:02}", members["taro"]))
    execute("UPDATE members SET blood_type = 'A', hometown = '北海道', occupation = '会社員', affiliation = 'keitai商事',"
            " aud_affiliation = 'everyone', last_login_at = ? WHERE id = ?", (now() - 7200, members["sakura"]))

    from keitai.admin import site as switches

    switches.put("invitation_only", False)  # the join form, open to anyone
    for device in ("pc", "phone"):
        site.driver.delete_all_cookies()
        site.as_pc() if device == "pc" else site.as_phone()
        site.open("/join")
        assert "18歳以上の方に限ります" in site.text
        year = site.find('input[name="birth_year"]').rect
        assert site.find('input[name="birth_day"]').rect["y"] == year["y"]  # 年 月 日 on one line
        site.shot(f"{device}-join")

        site.sign_in("sakura@docomo.ne.jp")
        assert f"{soon.month}月{soon.day}日" in site.text and "もうすぐ誕生日の友人" in site.text
        site.shot(f"{device}-home-birthdays")

        site.open("/settings/profile")
        label = site.find("table.settings th").rect
        font = float(site.evaluate("parseFloat(getComputedStyle(document.querySelector('table.settings th')).fontSize)"))
        assert label["width"] >= 4 * font and label["height"] < 2 * font * 1.7  # one line, read across
        year = site.find('input[name="birth_year"]').rect
        assert year["width"] < 8 * font  # the birthday's three boxes stay small, side by side
        assert site.find('input[name="birth_month"]').rect["y"] == year["y"]
        assert site.evaluate("document.documentElement.scrollWidth") <= site.metrics["width"]
        site.shot(f"{device}-settings-profile")

        site.open("/settings/photo")
        assert len(site.driver.find_elements("css selector", "ul.photo-choices img")) == 3
        site.shot(f"{device}-settings-photos")

        site.open(f"/member/{members['sakura']}")
        assert "最終ログイン：3時間以内" in site.text and "所属" in site.text
        assert len(site.driver.find_elements("css selector", ".profile-photos img")) == 3
        site.shot(f"{device}-profile-own")

        site.open(f"/member/{members['yuki']}")
        add = site.driver.find_element("link text", "友人に追加")
        assert add.rect["y"] + add.rect["height"] <= site.metrics["height"]  # without scrolling
        assert "このページを携帯電話で見る" in site.text if device == "pc" else "このページを携帯電話で見る" not in site.text
        site.shot(f"{device}-profile-other")
# --- Communities: events, polls, topic search; the diary by month ----------------------------

def test_community_events_polls_and_topic_search_on_a_pc_and_a_phone(site, members):
    import datetime

    from keitai import communities
    from keitai.events import rules as events
    from keitai.polls import rules as polls

    community_id = communities.create_community(members["sakura"], "猫好き", "animals", "猫の話をしましょう。\n" * 12)
    standing = communities.standing(community_id, members["sakura"])
    topic_id = communities.create_topic(standing, "こたつで丸くなる猫", "うちの猫の冬の過ごし方")
    day = events.today() + datetime.timedelta(days=20)
    typed = f"{day.year}/{day.month}/{day.day}"
    checked, _errors = events.check_event(events.Draft("猫カフェ巡り", typed, "14:00", "神保町", "", "みんなで行きましょう"))
    event_id = events.create_event(standing, checked)
    checked, _errors = polls.check_poll(polls.Draft("好きな猫は？", ("三毛", "黒猫", "茶トラ"), typed))
    poll_id = polls.create_poll(standing, checked)

    site.as_phone()
    site.sign_in("taro@ezweb.ne.jp")
    site.open(f"/community/{community_id}")
    join = site.driver.find_element("link text", "このコミュニティに参加する")
    assert join.rect["y"] + join.rect["height"] < PHONE["height"]  # 参加する above the fold on an iPhone
    site.shot("phone-community")
    site.click_link("このコミュニティに参加する")
    site.submit()
    site.open(f"/event/{event_id}")
    site.submit()
    assert "イベントに参加しました" in site.text and "参加者（2人）" in site.text
    site.shot("phone-event")
    site.open(f"/poll/{poll_id}")
    site.find('input[name="choice"]').click()
    site.submit()
    assert "回答しました" in site.text and "1票" in site.text
    site.shot("phone-poll")
    site.open("/search?q=こたつ")
    assert "トピック（1件）" in site.text
    site.shot("phone-search-topic")

    site.driver.delete_all_cookies()
    site.as_pc()
    site.sign_in("sakura@docomo.ne.jp")
    site.open(f"/community/{community_id}")
    assert "猫カフェ巡り" in site.text and "好きな猫は？" in site.text
    site.shot("pc-community")
    site.open(f"/event/{event_id}")
    site.shot("pc-event")
    site.open(f"/poll/{poll_id}")
    site.shot("pc-poll")
    site.open(f"/community/{community_id}/event/new")
    site.shot("pc-event-form")
    site.open(f"/topic/{topic_id}")
    site.click_link("トピックを締め切る")
    assert "締め切ると誰もコメントできなくなります" in site.text
    site.shot("pc-topic-close-confirm")
    site.open("/")
    assert "猫カフェ巡り" in site.text  # upcoming events of my communities on home
    site.shot("pc-home-events")


def test_a_diary_by_month_on_a_pc_and_a_phone(site, members, tmp_path):
    site.sign_in("sakura@docomo.ne.jp")
    write_diary_with_photo(site, tmp_path, "冬のはじまり", "寒くなりました。")
    site.open(f"/member/{members['sakura']}/diary")
    assert "月別アーカイブ" in site.text and "（1件）" in site.text
    site.shot("pc-diary-list-months")
    site.as_phone()
    site.open(f"/member/{members['sakura']}/diary/months")
    site.shot("phone-diary-months")
# --- Albums -----------------------------------------------------------------------------------

def test_an_album_with_photos_a_cover_and_a_friends_comment_on_a_pc_and_a_phone(site, members, tmp_path):
    """さくら makes an album and adds two captioned photos from the browser; たろう finds it on
    home and comments; the album list and the album page, looked at on a PC and an iPhone."""
    from PIL import Image

    files = []
    for name, colour in (("umi.jpg", (70, 140, 200)), ("yama.jpg", (90, 160, 90))):
        files.append(tmp_path / name)
        Image.new("RGB", (640, 480), colour).save(files[-1], "JPEG")
    site.sign_in("sakura@docomo.ne.jp")
    site.open("/album/new")
    site.fill(title="夏休み", description="海と山に行きました。")
    site.submit()
    assert "アルバムを作りました" in site.text
    site.find('input[name="photo1"]').send_keys(str(files[0]))
    site.fill(caption1="青い海")
    site.find('input[name="photo2"]').send_keys(str(files[1]))
    site.fill(caption2="緑の山")
    site.submit()
    assert "写真を追加しました" in site.text and "青い海" in site.text
    assert len(site.driver.find_elements("css selector", "ul.album-grid img")) == 2
    album = site.driver.current_url.split("?")[0]

    site.driver.delete_all_cookies()
    site.sign_in("taro@ezweb.ne.jp")
    assert "友人の最新アルバム" in site.text and "夏休み" in site.text
    site.click_link("夏休み")
    site.fill(body="きれいな海ですね！")
    site.submit("main form[action*='comment']")
    assert "きれいな海ですね！" in site.text

    site.driver.delete_all_cookies()
    site.sign_in("sakura@docomo.ne.jp")
    for device in ("pc", "phone"):
        site.as_pc() if device == "pc" else site.as_phone()
        site.open(f"/member/{members['sakura']}/albums")
        assert "夏休み" in site.text and "（写真 2枚・コメント 1）" in site.text
        site.shot(f"{device}-album-list")
        site.driver.get(album)
        grid = site.driver.find_elements("css selector", "ul.album-grid img")
        assert len(grid) == 2 and grid[0].rect["width"] > 100
        assert site.evaluate("document.documentElement.scrollWidth") <= site.metrics["width"]
        site.shot(f"{device}-album")


# --- Leaving, the data download, the comment history and reports ----------------------------

def test_comment_history_report_download_and_leaving_pages(site, members, app):
    from diary_helpers import write_entry
    from keitai import diary as diaries
    from keitai.platform.db.connection import scalar
    from keitai.reports import rules as reports

    entry = write_entry(members["taro"], "キャンプの日記", body="川で魚を釣りました。")
    diaries.add_comment(members["sakura"], entry, "楽しそうですね！")
    diaries.add_comment(members["taro"], entry, "次は一緒に行きましょう")
    for shape in ("pc", "phone"):
        site.driver.delete_all_cookies()
        if shape == "phone":
            site.as_phone()
        site.sign_in("sakura@docomo.ne.jp")
        site.click_link("コメント記入履歴")
        assert "キャンプの日記" in site.text and "新着 1 件" in site.text
        site.shot(f"{shape}-comment-history")
        site.open(f"/diary/{entry}")
        site.click_link("通報")
        assert "運営者に通報します" in site.text
        site.shot(f"{shape}-report-form")
        site.open("/settings/download")
        site.shot(f"{shape}-download")
        site.open("/settings/withdraw")
        assert "退会したメンバー" in site.text and "パスワード" in site.text
        site.shot(f"{shape}-withdraw")
    site.as_pc()
    first_comment = scalar("SELECT MIN(id) FROM diary_comments")
    reports.file_report(members["taro"], "diary_comment", first_comment, "spam", "宣伝のようです")
    site.open("/admin/reports")
    assert "楽しそうですね！" in site.text and "宣伝のようです" in site.text
    site.shot("pc-admin-reports")
    site.open("/settings/download")
    site.submit()
    assert "データの準備ができました" in site.text
    site.shot("pc-download-ready")


# --- お気に入り ------------------------------------------------------------------------------

def test_favorites_added_from_a_profile_and_a_community_on_a_pc_and_a_phone(site, members):
    """お気に入りに追加 is a button among the profile's and the community's actions; the list
    shows the member's photo, 最終ログイン (open to everyone here) and newest entry."""
    from diary_helpers import FakeUpload, small_photo, write_entry
    from keitai import communities
    from keitai.photos import rules as photos
    from keitai.platform.db.connection import execute, now
    from keitai.profiles import rules as profiles

    profiles.add_photo(members["taro"], photos.prepare(FakeUpload(small_photo(240, 240))))
    execute("UPDATE members SET aud_last_login = 'everyone', last_login_at = ? WHERE id = ?",
            (now() - 2 * 86400, members["taro"]))
    write_entry(members["taro"], "海釣りに行きました", "everyone")
    community = communities.create_community(members["yuki"], "スノーボード部", "sports", "冬は山へ。")
    for device in ("pc", "phone"):
        site.driver.delete_all_cookies()
        site.as_pc() if device == "pc" else site.as_phone()
        site.sign_in("sakura@docomo.ne.jp")
        for path in (f"/member/{members['taro']}", f"/member/{members['yuki']}", f"/community/{community}"):
            site.open(path)
            site.submit("main form.inline")
            assert "お気に入りに追加しました" in site.text and "お気に入りから外す" in site.text
        site.open("/")
        site.click_link("お気に入り")  # the member's menu
        assert "お気に入りのメンバー（2人）" in site.text and "お気に入りのコミュニティ（1）" in site.text
        assert "海釣りに行きました" in site.text and "最終ログイン：3日以内" in site.text
        assert len(site.driver.find_elements("css selector", "main ul.items img")) == 1
        assert site.evaluate("document.documentElement.scrollWidth") <= site.metrics["width"]
        site.shot(f"{device}-favorites")
        for _ in range(3):  # empty the list again for the other device
            site.submit("main ul.items form")


# --- Members' photos where mixi shows them ------------------------------------------------

def test_photos_on_home_the_friend_list_and_footprints_on_a_pc_and_a_phone(site, members, app):
    """My photo above my name on home, a three-by-three grid of friends with their photos, names
    and counts, thumbnails on the friend list and 足あと; a friend whose photo is for their
    friends only shows none to me there."""
    import io

    from PIL import Image

    from keitai.footprints import rules as footprints
    from keitai.photos import rules as photos
    from keitai.platform.db.connection import execute
    from keitai.profiles import rules as profiles
    from quick import member

    def photo_of(who: int, colour: tuple[int, int, int]) -> None:
        out = io.BytesIO()
        Image.new("RGB", (300, 300), colour).save(out, "JPEG")
        profiles.add_photo(who, photos.prepare_bytes(out.getvalue()))

    photo_of(members["sakura"], (230, 150, 160))
    photo_of(members["taro"], (70, 140, 200))
    pals = []
    for n, colour in enumerate([(120, 180, 90), (200, 170, 60), (150, 110, 190), (90, 90, 90), (240, 200, 120),
                                (60, 160, 160), (180, 80, 60), (110, 130, 220), (210, 120, 200), (100, 200, 150)]):
        pal = member(f"ともだち{n + 1}")
        if n % 4 != 3:  # every fourth has no photo
            photo_of(pal, colour)
        friends.befriend(members["sakura"], pal)
        pals.append(pal)
    execute("UPDATE members SET aud_photo = 'friends' WHERE id = ?", (members["yuki"],))
    photo_of(members["yuki"], (20, 20, 20))
    footprints.record(members["taro"], members["sakura"])
    footprints.record(members["yuki"], members["sakura"])  # not sakura's friend: her photo stays hers

    site.sign_in("sakura@docomo.ne.jp")
    own = site.find("aside.side .me img")
    assert site.evaluate("document.querySelector('aside.side .me img').naturalWidth") > 0 and own.rect["y"] < 200
    cells = site.driver.find_elements("css selector", "ul.friend-grid li")
    assert len(cells) == 9 and len({round(c.rect["x"]) for c in cells}) == 3  # three by three
    assert "ともだち10" in site.text and "友人（11人）" in site.text
    site.shot("pc-home-photos")
    site.open("/friends")
    assert len(site.driver.find_elements("css selector", "main .member-photos img")) == 9  # 11 friends, 2 without
    site.shot("pc-friends-photos")
    site.open("/footprints")
    assert "ゆき" in site.text and len(site.driver.find_elements("css selector", "main .member-photos img")) == 1
    site.shot("pc-footprints-photos")

    site.driver.delete_all_cookies()
    site.as_phone()
    site.sign_in("sakura@docomo.ne.jp")
    assert len(site.driver.find_elements("css selector", "ul.friend-grid li")) == 9
    assert site.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    site.shot("phone-home-photos")
    site.open("/friends")
    site.shot("phone-friends-photos")
    site.open("/footprints")
    site.shot("phone-footprints-photos")
