"""The operator's commands: update-gateways keeps its ranges out of the source tree and the
newest set wins; every option's help names its default."""
from __future__ import annotations

import datetime
import re
import subprocess
import sys
import time
import types

import pytest

import run
from conftest import DOCOMO_1, PC
from keitai.config import PROJECT_ROOT
from keitai.platform.device import gateways
from keitai.platform.db.connection import scalar
from commands.test_backup import run_py

SHIPPED_FILE = PROJECT_ROOT / "keitai" / "platform" / "device" / "gateways.txt"
NEW_RANGES = "# DoCoMo (2026/12 更新)\n# https://www.nttdocomo.co.jp/\ndocomo:\n  - 203.0.113.0/24\n"
NEW_DOCOMO_IP = "203.0.113.9"    # only in NEW_RANGES
SHIPPED_DOCOMO_IP = "210.153.84.1"  # only in the shipped ranges


@pytest.fixture
def operator_cli(app, migrated, monkeypatch, tmp_path):
    """run.py in this process on the test database; the shipped file is put back if a command
    rewrites it, and this process forgets the operator's ranges afterwards."""
    monkeypatch.setenv("KEITAI_DATABASE_URL", migrated)
    monkeypatch.setenv("KEITAI_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("KEITAI_ACCESS_LOG", "off")
    monkeypatch.setattr(gateways, "_stored", (None, None, None), raising=False)
    monkeypatch.setattr(gateways, "_next_refresh", 0.0, raising=False)
    shipped = SHIPPED_FILE.read_bytes()
    source = tmp_path / "new.yml"
    source.write_text(NEW_RANGES, encoding="utf-8")
    try:
        yield source
    finally:
        if SHIPPED_FILE.read_bytes() != shipped:
            SHIPPED_FILE.write_bytes(shipped)
            pytest.fail("a command rewrote keitai/platform/device/gateways.txt (put back)")


@pytest.fixture
def admin_pc(client, make_member):
    make_member("管理人", "admin@docomo.ne.jp", is_admin=True)
    pc = client(PC)
    pc.login("admin@docomo.ne.jp")
    return pc


def tracked_bytes() -> bytes:
    """keitai/platform/device/gateways.txt as git has it (what the next `git pull` would compare)."""
    return subprocess.run(["git", "show", "HEAD:keitai/platform/device/gateways.txt"], cwd=PROJECT_ROOT,
                          capture_output=True, check=True).stdout


def shipped_dated(tmp_path, date: str):
    """The shipped file as a later (or earlier) release of keitai would carry it."""
    text = SHIPPED_FILE.read_text(encoding="utf-8")
    dated = tmp_path / f"gateways-{date}.txt"
    dated.write_text(re.sub(r"(?m)^# Updated \d{4}-\d\d-\d\d", f"# Updated {date}", text), encoding="utf-8")
    return dated


def test_update_gateways_stores_the_operators_ranges_and_leaves_the_shipped_file(operator_cli, admin_pc, capsys):
    before = SHIPPED_FILE.read_bytes()
    assert before == tracked_bytes()
    assert run.main(["update-gateways", str(operator_cli)]) == 0
    out = capsys.readouterr().out
    assert "docomo: 1 range" in out and "au: 12 ranges" in out  # au is not in the file: kept
    assert SHIPPED_FILE.read_bytes() == before == tracked_bytes()
    assert "203.0.113.0/24" in scalar("SELECT value FROM site_settings WHERE name = 'gateways'")

    assert gateways.carrier_of(NEW_DOCOMO_IP) == "docomo"
    assert gateways.carrier_of(SHIPPED_DOCOMO_IP) is None  # the file replaced docomo's ranges
    assert gateways.carrier_of("27.90.206.1") == "au"
    today = datetime.date.today().isoformat()
    page = admin_pc.get("/admin/gateways").text
    assert "使用中の帯域</th><td><strong>運用者が登録した帯域" in page
    assert f"<th>日付</th><td>{today}</td>" in page
    assert "new.yml から登録（データベースに保存）" in page
    assert "使っていない帯域: keitai に同梱の帯域（2026-11-21）" in page
    assert "203.0.113.0/24" in page and "210.153.84.0/24" not in page


def test_newer_shipped_ranges_win_over_an_older_operator_set(operator_cli, admin_pc, monkeypatch, tmp_path):
    assert run.main(["update-gateways", str(operator_cli)]) == 0  # dated today
    # keitai is upgraded, its ranges dated later than the operator's update
    monkeypatch.setattr(gateways, "DATA_PATH", shipped_dated(tmp_path, "2099-01-01"))
    assert gateways.carrier_of(NEW_DOCOMO_IP) is None
    assert gateways.carrier_of(SHIPPED_DOCOMO_IP) == "docomo"
    page = admin_pc.get("/admin/gateways").text
    assert "使用中の帯域</th><td><strong>keitai に同梱の帯域" in page
    assert "<th>日付</th><td>2099-01-01</td>" in page
    today = datetime.date.today().isoformat()
    assert f"使っていない帯域: 運用者が登録した帯域（{today}）" in page
    assert "210.153.84.0/24" in page and "203.0.113.0/24" not in page

    # shipped ranges of the same day as the operator's: the operator's choice stands
    monkeypatch.setattr(gateways, "DATA_PATH", shipped_dated(tmp_path, today))
    assert gateways.carrier_of(NEW_DOCOMO_IP) == "docomo"


def test_a_running_process_takes_an_update_up_within_a_minute(operator_cli, settings, client, monkeypatch):
    def easy_login_from(ip):
        return client(DOCOMO_1, ip=ip, headers={"X-DCMGUID": "a1B2c3D"}).get("/login/easy?guid=ON", expect_errors=True)

    assert easy_login_from(NEW_DOCOMO_IP).status_int == 403  # not a gateway yet; this process has looked
    done = run_py(settings, "update-gateways", str(operator_cli))  # another process
    assert done.returncode == 0, done.stderr
    assert easy_login_from(NEW_DOCOMO_IP).status_int == 403  # not looked again yet

    a_minute_later = time.monotonic() + 60
    monkeypatch.setattr(gateways, "time", types.SimpleNamespace(monotonic=lambda: a_minute_later), raising=False)
    response = easy_login_from(NEW_DOCOMO_IP)
    assert response.status_int == 200
    assert "まだ登録されていません" in response.body.decode("cp932")  # a gateway now: the id is believed
    assert easy_login_from(SHIPPED_DOCOMO_IP).status_int == 403


@pytest.mark.parametrize("content,expected", [
    (None, "missing.yml: no such file"),
    ("docomo:\n  - 203.0.113.0/33\n", "bad CIDR '203.0.113.0/33'"),
    ("docomo:\n  - 203.0.113.1/24\n", "bad CIDR '203.0.113.1/24'"),  # host bits: a typo
    ("docomo: [203.0.113.0/24\n", "not valid YAML"),
    ("pocket:\n  - 203.0.113.0/24\n", "unknown carrier 'pocket'"),
    ("docomo:\n  - 203.0.113.0/24\nezweb:\n  - 203.0.113.128/25\n", "overlaps"),
    ("\x82\xa0", "not UTF-8 text"),
])
def test_a_bad_file_is_refused_with_a_message_and_changes_nothing(operator_cli, settings, tmp_path, content, expected):
    assert run.main(["update-gateways", str(operator_cli)]) == 0
    stored = scalar("SELECT value FROM site_settings WHERE name = 'gateways'")
    shipped = SHIPPED_FILE.read_bytes()
    bad = tmp_path / ("missing.yml" if content is None else "bad.yml")
    if content is not None:
        bad.write_bytes(content.encode("latin-1") if content == "\x82\xa0" else content.encode("utf-8"))
    refused = run_py(settings, "update-gateways", str(bad))
    assert refused.returncode == 2
    assert expected in refused.stderr and "nothing was changed" in refused.stderr
    assert "Traceback" not in refused.stderr and refused.stdout == ""
    assert scalar("SELECT value FROM site_settings WHERE name = 'gateways'") == stored
    assert SHIPPED_FILE.read_bytes() == shipped


# --- help -------------------------------------------------------------------------------------

def help_text(command: str) -> str:
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "run.py"), command, "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())  # argparse wraps to the terminal's width


SERVE_OPTIONS = [
    "--host HOST address to listen on (default: 127.0.0.1, this machine only)",
    "--port PORT port to listen on (default: 8080)",
    "--threads N waitress threads per worker process (default: 4)",
    "--workers N worker processes, each pinned to a core (default: one per core, ",  # "2 here"
]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_serve_and_demo_help_give_every_options_default(command):
    text = help_text(command)
    for option in SERVE_OPTIONS:
        assert option in text


def test_seed_help_gives_every_options_default():
    text = help_text("seed")
    for option in [
        "--members N members to make (default: 0, the demo members)",
        "--friends N median friends per member (default: 30)",
        "--hubs SHARE share of members with 1,000-5,000 friends (default: 0.001)",
        "--requests N pending friend requests per member (default: 0.3)",
        "--groups SHARE share of members with friend lists (default: 0.2)",
        "--blocks SHARE share of members who blocked someone (default: 0.005)",
        "--diaries N diary entries (default: 2 per member)",
        "--comments N comments on diaries (default: 3 per member)",
        "--communities N communities (default: 1 per 50 members)",
        "--big-community N members of the biggest community (default: 100,000, or --members if fewer)",
        "--topics N community topics (default: 1 per 5 members)",
        "--topic-comments N numbered comments on topics (default: 8 per topic)",
        "--footprints N footprints (default: 10 per member)",
        "--messages N messages (default: 2 per member)",
        "--no-search leave the seeded site out of the search index (default: index it)",
        "--seed N random seed: the same seed makes the same site (default: 1)",
    ]:
        assert option in text


def test_every_option_of_every_command_names_its_default():
    commands = re.findall(r"^    (\S+)\s", help_text_raw(), re.M)
    assert {"backup", "demo", "seed", "serve", "update-gateways"} <= set(commands)
    for command in commands:
        text = help_text(command)
        options = text.split(" options: ", 1)[1]
        for option in re.findall(r"(?:^| )(--[a-z-]+)", options):
            if option == "--help":
                continue
            described = options.split(option, 1)[1].split(" --", 1)[0]
            assert "(default: " in described, f"{command} {option}: {described}"


def help_text_raw() -> str:
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "run.py"), "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60).stdout
