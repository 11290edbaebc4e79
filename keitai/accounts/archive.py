"""データのダウンロード: a member's archive of what they wrote, from the registry of
:mod:`keitai.accounts.owned` (each feature's export), as one zip file:

- ``index.html``: every section as a page a person opens in any browser, offline, with the
  photos beside it;
- ``data.json``: the same rows as JSON (times as Unix seconds);
- ``photos/``: the originals of the member's photos.

A member asks for one from the settings: a small account's is made at once; a large one's
is a job (``archives`` row, ``waiting``) that ``run.py archives`` builds (``building``,
then ``ready``).  Only its member may fetch it, until it expires (:data:`KEEP_DAYS`); a new
one replaces the old, and ``run.py prune`` removes expired ones with their files.
"""
from __future__ import annotations

import datetime
import html
import json
import os
import secrets
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from keitai import config
from keitai.accounts.owned import OWNED, export_all
from keitai.platform.db.connection import db, execute, fetchall, fetchone, insert_id, now
from keitai.words import ARCHIVE_SECTIONS, ARCHIVE_WORDS, AUDIENCES, Refused

#: Days an archive may be downloaded.
KEEP_DAYS = 7
#: An account with at most this many rows and photos gets its archive at once; a larger
#: one waits for ``run.py archives``, so a request never copies thousands of photos.
SMALL_ROWS = 500
SMALL_PHOTOS = 20
#: A job left ``building`` this long (its worker died) is taken up again.
STALE_SECONDS = 3600

TOKYO = ZoneInfo("Asia/Tokyo")


class Archive(NamedTuple):
    id: int
    status: str  # waiting, building, ready
    bytes: int
    created_at: int
    ready_at: int | None
    expires_at: int | None

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def _folder() -> Path:
    return Path(config.get().media_dir) / "archives"


def current(member_id: int) -> Archive | None:
    """The member's newest archive that is being made or may still be downloaded."""
    row = fetchone(
        "SELECT id, status, bytes, created_at, ready_at, expires_at FROM archives WHERE member_id = ?"
        " AND (status <> 'ready' OR expires_at > ?) ORDER BY id DESC LIMIT 1", (member_id, now()))
    return Archive(*row) if row else None


def request(member_id: int) -> Archive:
    """Ask for a new archive: made now for a small account, else queued.  One at a time."""
    found = current(member_id)
    if found is not None and not found.ready:
        raise Refused("accounts.archive_pending")
    archive_id = insert_id("INSERT INTO archives (member_id, status, created_at) VALUES (?, 'waiting', ?)",
                           (member_id, now()))
    sections = export_all(member_id)
    small = (sum(len(rows) for rows in sections.values()) <= SMALL_ROWS
             and len(sections.get("photos", [])) <= SMALL_PHOTOS)
    if small and _claim(archive_id):
        build(archive_id, member_id, sections)
    return current(member_id)


def _claim(archive_id: int) -> bool:
    """Take a job (one worker only, or a stale one whose worker died)."""
    t = now()
    return execute(
        "UPDATE archives SET status = 'building', started_at = ? WHERE id = ?"
        " AND (status = 'waiting' OR (status = 'building' AND started_at < ?))",
        (t, archive_id, t - STALE_SECONDS)).rowcount == 1


def build(archive_id: int, member_id: int, sections: dict[str, list[dict]] | None = None) -> None:
    """Write the zip file and mark the archive ready; older archives of the member go."""
    sections = export_all(member_id) if sections is None else sections
    attachments = [pair for owned in OWNED.values() if owned.attach for pair in owned.attach(member_id)]
    nickname = fetchone("SELECT nickname FROM members WHERE id = ?", (member_id,))[0]
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.zip"
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("index.html", page(nickname, sections))
            zf.writestr("data.json", json.dumps(sections, ensure_ascii=False, indent=1))
            for inside, path in attachments:
                if os.path.exists(path):
                    zf.write(path, inside, compress_type=zipfile.ZIP_STORED)  # JPEG: nothing to gain
        os.replace(temp, folder / name)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    t = now()
    with db.atomic():
        old = fetchall("SELECT file FROM archives WHERE member_id = ? AND id <> ? AND file IS NOT NULL",
                       (member_id, archive_id))
        execute("DELETE FROM archives WHERE member_id = ? AND id <> ?", (member_id, archive_id))
        execute("UPDATE archives SET status = 'ready', file = ?, bytes = ?, ready_at = ?, expires_at = ? WHERE id = ?",
                (name, (folder / name).stat().st_size, t, t + KEEP_DAYS * 86400, archive_id))
    for (file,) in old:
        (folder / file).unlink(missing_ok=True)


def build_waiting(limit: int = 100) -> int:
    """Build queued archives (``run.py archives``); returns how many were built."""
    built = 0
    for archive_id, member_id in fetchall(
            "SELECT id, member_id FROM archives WHERE status = 'waiting' OR (status = 'building' AND started_at < ?)"
            " ORDER BY id LIMIT ?", (now() - STALE_SECONDS, limit)):
        if _claim(archive_id):
            build(archive_id, member_id)
            built += 1
    return built


def download_path(member_id: int, archive_id: int) -> Path | None:
    """The file of the member's own ready, unexpired archive; None for anything else."""
    row = fetchone("SELECT file FROM archives WHERE id = ? AND member_id = ? AND status = 'ready' AND expires_at > ?",
                   (archive_id, member_id, now()))
    return _folder() / row[0] if row else None


def prune() -> int:
    """Delete expired archives and their files; returns how many."""
    gone = fetchall("SELECT id, file FROM archives WHERE status = 'ready' AND expires_at <= ?", (now(),))
    for archive_id, file in gone:
        execute("DELETE FROM archives WHERE id = ?", (archive_id,))
        (_folder() / file).unlink(missing_ok=True)
    return len(gone)


# --- what accounts keeps of the member about archives (registered in install) -------------

def export_none(member_id: int) -> list[dict]:
    """An archive holds copies of the other sections: nothing of its own to export."""
    return []


def files(member_id: int) -> list[str]:
    return [str(_folder() / r[0]) for r in fetchall(
        "SELECT file FROM archives WHERE member_id = ? AND file IS NOT NULL", (member_id,))]


def delete(member_id: int) -> None:
    execute("DELETE FROM archives WHERE member_id = ?", (member_id,))


# --- the readable page -------------------------------------------------------------------

def _heading(key: str) -> str:
    if key.startswith("aud_"):
        return f"{ARCHIVE_WORDS.get(key[4:], key[4:])}の公開範囲"
    return ARCHIVE_WORDS.get(key, key)


def _cell(key: str, value) -> str:
    if value is None:
        return ""
    if key.endswith("_at") and isinstance(value, int):
        return datetime.datetime.fromtimestamp(value, TOKYO).strftime("%Y年%m月%d日 %H:%M")
    if key == "archive_file":
        return f'<a href="{html.escape(value)}"><img src="{html.escape(value)}" alt="" width="160"></a>'
    if key == "what":
        value = ARCHIVE_WORDS.get(value, value)
    elif key == "audience" or key.startswith("aud_"):
        value = AUDIENCES.get(value, value)
    return html.escape(str(value)).replace("\n", "<br>")


def page(nickname: str, sections: dict[str, list[dict]]) -> str:
    """Every section as a table per kind of row, in one HTML page that needs nothing else."""
    made = datetime.datetime.now(TOKYO).strftime("%Y年%m月%d日 %H:%M")
    out = ['<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">',
           f"<title>keitai のデータ：{html.escape(nickname)}</title>",
           "<style>body{font-family:sans-serif;margin:1em auto;max-width:60em;padding:0 1em}"
           "table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}"
           "th,td{border:1px solid #ccc;padding:.3em;text-align:left;vertical-align:top}th{background:#f3f3f3}</style>",
           f"</head><body><h1>keitai のデータ：{html.escape(nickname)}さん</h1><p>{made} に作成</p><ul>"]
    out += [f'<li><a href="#{key}">{html.escape(ARCHIVE_SECTIONS.get(key, key))}</a>（{len(rows)}）</li>'
            for key, rows in sections.items()]
    out.append("</ul>")
    for key, rows in sections.items():
        out.append(f'<h2 id="{key}">{html.escape(ARCHIVE_SECTIONS.get(key, key))}</h2>')
        groups: dict[tuple, list[dict]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        for columns, group in groups.items():
            out.append("<table><tr>" + "".join(f"<th>{html.escape(_heading(c))}</th>" for c in columns) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{_cell(c, row[c])}</td>" for c in columns) + "</tr>" for row in group]
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
