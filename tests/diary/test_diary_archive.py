"""月別アーカイブ: a member's diary by Tokyo month, each month counting only the entries the
viewer may read, on a PC and a docomo i-mode 1.0 handset."""
from __future__ import annotations

import datetime
import re

from conftest import DOCOMO_1, PC
from diary_helpers import block, member, write_entry  # noqa: F401
from keitai.friends import rules as friends
from keitai.platform.db.connection import execute

JST = datetime.timezone(datetime.timedelta(hours=9))


def written_at(diary_id: int, *when) -> None:
    at = int(datetime.datetime(*when, tzinfo=JST).timestamp())
    execute("UPDATE diaries SET created_at = ? WHERE id = ?", (at, diary_id))


def months(text: str) -> list[tuple[str, int]]:
    return [(m, int(n)) for m, n in re.findall(r"(\d{4}年\d{1,2}月)</a>\s*(?:<span class=\"meta\">)?[（(](\d+)", text)]


def test_months_count_only_what_the_viewer_may_read_and_follow_tokyo_time(client, member):
    author = member("さくら", "sakura@docomo.ne.jp")
    friend = member("たろう", "taro@docomo.ne.jp")
    member("ゆき", "yuki@docomo.ne.jp")
    friends.befriend(author, friend)
    written_at(write_entry(author, "晦日の夜", "everyone"), 2026, 11, 30, 23, 30)  # 14:30 UTC: November in Tokyo
    written_at(write_entry(author, "師走の朝", "everyone"), 2026, 12, 1, 0, 30)  # still 30 November in UTC
    written_at(write_entry(author, "友人だけに", "friends"), 2026, 12, 3, 12, 0)
    written_at(write_entry(author, "自分だけ", "private"), 2026, 10, 10, 12, 0)

    pc = client(PC)
    pc.login("yuki@docomo.ne.jp")
    assert months(pc.text(pc.get(f"/member/{author}/diary/months"))) == [("2026年12月", 1), ("2026年11月", 1)]
    december = pc.text(pc.get(f"/member/{author}/diary/202612"))
    assert "師走の朝" in december and "友人だけに" not in december and "晦日の夜" not in december
    assert "自分だけ" not in pc.text(pc.get(f"/member/{author}/diary/202610"))

    pc = client(PC)
    pc.login("taro@docomo.ne.jp")
    assert months(pc.text(pc.get(f"/member/{author}/diary"))) == [("2026年12月", 2), ("2026年11月", 1)]

    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    listing = phone.page(f"/member/{author}/diary")
    archive = listing.click(description="月別ｱｰｶｲﾌﾞ")
    text = phone.text(archive)
    assert months(text) == [("2026年12月", 2), ("2026年11月", 1), ("2026年10月", 1)]
    assert all(f"sid={phone.sid}" in href for href in re.findall(r'href="(/[^"]*)"', text))
    october = phone.text(archive.click(description="2026年10月"))
    assert "自分だけ" in october


def test_a_blocked_member_gets_no_archive_and_bad_months_are_not_found(client, member):
    author = member("さくら", "sakura@docomo.ne.jp")
    yuki = member("ゆき", "yuki@docomo.ne.jp")
    write_entry(author, "日記", "everyone")
    pc = client(PC)
    pc.login("yuki@docomo.ne.jp")
    pc.get(f"/member/{author}/diary/202613", status=404)
    pc.get(f"/member/{author}/diary/000001", status=404)
    block(author, yuki)
    pc.get(f"/member/{author}/diary/months", status=404)
    pc.get(f"/member/{author}/diary/202612", status=404)
