"""月別アーカイブ: a member's diary by month, each month with how many entries the viewer may
read, and the entries of one month.

Both go through the same audience rule as the diary list (``privacy.visible_clause``), so a
month's count is the number of entries its page shows that viewer, and a month with nothing
the viewer may read is not listed at all.  Months are Tokyo's (the site's dates are).
"""
from __future__ import annotations

import datetime
from typing import NamedTuple

from keitai.platform.db.connection import fetchall, is_sqlite

from .rules import _ROW, before_id, entry_page, readable_entries

#: Tokyo is UTC+9 all year (Japan keeps no summer time): a month's bounds are fixed offsets.
TOKYO = datetime.timezone(datetime.timedelta(hours=9))
_OFFSET = 9 * 3600


class Month(NamedTuple):
    year: int
    month: int
    count: int

    @property
    def key(self) -> str:
        """``202612``: the month in URLs."""
        return f"{self.year:04d}{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def parse_month(key: str) -> tuple[int, int] | None:
    """``"202612"`` -> (2026, 12); None for anything that is not a month."""
    if len(key) != 6 or not key.isascii() or not key.isdecimal():
        return None
    year, month = int(key[:4]), int(key[4:])
    return (year, month) if 1970 <= year <= 9999 and 1 <= month <= 12 else None


def _month_sql(column: str) -> str:
    """SQL for the ``YYYYMM`` text of a timestamp column, in Tokyo."""
    if is_sqlite():
        return f"strftime('%Y%m', {column} + {_OFFSET}, 'unixepoch')"
    return f"to_char(to_timestamp({column} + {_OFFSET}) AT TIME ZONE 'UTC', 'YYYYMM')"


def months(viewer_id: int, author_id: int) -> list[Month]:
    """The months in which ``author_id`` wrote entries ``viewer_id`` may read, newest first,
    each with how many."""
    where, params = readable_entries(viewer_id, author_id)
    month = _month_sql("d.created_at")
    rows = fetchall(f"SELECT {month}, COUNT(*) FROM diaries d WHERE {where} GROUP BY {month} ORDER BY 1 DESC", params)
    return [Month(int(key[:4]), int(key[4:]), count) for key, count in rows]


def month_entries(viewer_id: int, author_id: int, year: int, month: int, before: str | None = None,
                  limit: int = 10):
    """A page of the entries ``author_id`` wrote in that month that ``viewer_id`` may read, newest first."""
    start = datetime.datetime(year, month, 1, tzinfo=TOKYO)
    end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=TOKYO)
    where, params = readable_entries(viewer_id, author_id)
    rows = fetchall(
        f"SELECT {_ROW} FROM diaries d JOIN members m ON m.id = d.author_id"
        f" WHERE {where} AND d.created_at >= ? AND d.created_at < ? AND d.id < ? ORDER BY d.id DESC LIMIT ?",
        (*params, int(start.timestamp()), int(end.timestamp()), before_id(before), limit + 1),
    )
    return entry_page(viewer_id, rows, limit)
