"""run.py backup / restore: an online backup is one consistent snapshot, a restore brings it
back exactly (or changes nothing), on SQLite and PostgreSQL alike."""
from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from keitai.config import PROJECT_ROOT
from keitai.platform.db import connection as base
from keitai.platform.db.connection import fetchall, scalar
from keitai.friends import rules as friends
from keitai.devtools import seed
from sitewalk import cheap_passwords, quick_member  # noqa: F401


def run_py(settings, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KEITAI_DATABASE_URL=settings.database_url, KEITAI_SECRET_KEY=settings.secret_key,
               KEITAI_MEDIA_DIR=settings.media_dir, KEITAI_OUTBOX_DIR=settings.outbox_dir, KEITAI_ACCESS_LOG="off")
    return subprocess.run([sys.executable, str(PROJECT_ROOT / "run.py"), *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def photo_row(owner: int, name: str) -> None:
    """A photo the database names, as an upload leaves it (the file is the caller's)."""
    base.execute("INSERT INTO photos (owner_id, kind, ref_id, position, file, width, height, bytes, created_at)"
                 " VALUES (?, 'diary', 0, 0, ?, 1, 1, 1, 0)", (owner, name))


def consistent() -> None:
    """Invariants a torn copy would break: friendships in both directions, counters equal to rows."""
    rows = set(fetchall("SELECT member_id, friend_id FROM friendships"))
    assert all((b, a) in rows for a, b in rows)
    for member_id, count in fetchall("SELECT id, friend_count FROM members"):
        assert count == scalar("SELECT COUNT(*) FROM friendships WHERE member_id = ?", (member_id,))


@pytest.fixture
def site(app, settings, cheap_passwords):  # noqa: F811
    members = [quick_member(f"会員{i}", f"m{i}@docomo.ne.jp", hobbies=f"趣味{i}") for i in range(12)]
    for a, b in zip(members, members[1:]):
        friends.befriend(a, b)
    photo = Path(settings.media_dir) / "photos" / "1" / "original.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    photo_row(members[0], "1/original.jpg")
    return members, photo


def test_backup_while_writing_then_restore_round_trip(site, settings, tmp_path):
    members, photo = site
    stop = threading.Event()
    writes = []

    def befriend_and_unfriend():  # friendships are two rows and two counters, written in one transaction
        a, b = members[0], members[5]
        try:
            while not stop.is_set():
                writes.append(friends.befriend(a, b) or friends.unfriend(a, b))
        finally:
            base.db.close()

    writer = threading.Thread(target=befriend_and_unfriend)
    writer.start()
    try:
        done = run_py(settings, "backup", str(tmp_path / "backup"))
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr
    assert len(writes) > 3, "the backup ran while the site was writing"
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["members"] == 12 and manifest["media_files"] == 1
    assert "0001_core" in manifest["migrations"]
    assert "backup:" in done.stdout and str(tmp_path / "backup") in done.stdout

    # Life goes on after the backup: a member leaves, another joins, a photo is lost.
    base.execute("DELETE FROM members WHERE id = ?", (members[3],))
    quick_member("新人", "new@docomo.ne.jp")
    photo.unlink()
    after = scalar("SELECT COUNT(*) FROM members")

    refused = run_py(settings, "restore", str(tmp_path / "backup"))
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert scalar("SELECT COUNT(*) FROM members") == after

    base.db.close()
    restored = run_py(settings, "restore", "--force", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert scalar("SELECT COUNT(*) FROM members") == 12
    assert scalar("SELECT hobbies FROM members WHERE id = ?", (members[3],)) == "趣味3"
    assert scalar("SELECT COUNT(*) FROM members WHERE mail = 'new@docomo.ne.jp'") == 0
    consistent()  # the copy was one snapshot, not torn by the writer
    assert photo.read_bytes().startswith(b"\xff\xd8")
    counts = {t: scalar(f'SELECT COUNT(*) FROM "{t}"') for t in manifest["tables"]}
    assert counts == manifest["tables"]


def test_backup_never_overwrites(site, settings, tmp_path):
    (tmp_path / "taken").mkdir()
    done = run_py(settings, "backup", str(tmp_path / "taken"))
    assert done.returncode == 1 and "already exists" in done.stderr
    assert list((tmp_path / "taken").iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".taken.partial")]


def test_a_damaged_backup_is_refused_and_changes_nothing(site, settings, tmp_path):
    members, _photo = site
    assert run_py(settings, "backup", str(tmp_path / "backup")).returncode == 0
    dump = next(p for p in (tmp_path / "backup").iterdir() if p.name.startswith("database."))
    data = bytearray(dump.read_bytes())
    if dump.suffix == ".sqlite3":
        # Torn pages across the middle half of the file: one page alone may land in free space
        # (the copy keeps the freelist of a site that deleted rows) and read as sound.
        start, end = len(data) // 4, 3 * len(data) // 4
        data[start:end] = (b"\x00\x13" * ((end - start) // 2 + 1))[:end - start]
    else:
        data = data[:-30]  # the table of contents reads, the load fails near its end
    dump.write_bytes(bytes(data))
    base.execute("UPDATE members SET hobbies = 'いまの趣味' WHERE id = ?", (members[0],))

    base.db.close()
    refused = run_py(settings, "restore", "--force", str(tmp_path / "backup"))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert ("integrity check failed" if dump.suffix == ".sqlite3" else "nothing was changed") in refused.stderr
    assert scalar("SELECT hobbies FROM members WHERE id = ?", (members[0],)) == "いまの趣味"
    assert scalar("SELECT COUNT(*) FROM members") == 12
    consistent()


def test_restore_refuses_a_directory_that_is_not_a_backup(site, settings, tmp_path):
    refused = run_py(settings, "restore", "--force", str(tmp_path))
    assert refused.returncode == 1 and "not a keitai backup" in refused.stderr


@pytest.fixture
def seeded_site(app, settings):
    """A seeded site with more than a thousand rows in a table, and 30 photo files."""
    seed.seed_site(seed.Sizes(members=150, footprints=1234, search=False), progress=lambda line: None)
    owner = scalar("SELECT MIN(id) FROM members")
    for n in range(30):
        photo = Path(settings.media_dir) / "photos" / str(n) / "original.jpg"
        photo.parent.mkdir(parents=True)
        photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
        photo_row(owner, f"{n}/original.jpg")
    base.db.close()


def test_backup_and_restore_report_progress_as_plain_lines_with_separators(seeded_site, settings, tmp_path):
    done = run_py(settings, "backup", str(tmp_path / "backup"))  # output to a pipe, as from cron
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "\r" not in done.stdout
    assert "footprints: 1,234 rows" in lines and "members: 150 rows" in lines
    assert "photos: 30 of 30 files copied" in lines
    if settings.is_sqlite:
        pages = [line for line in lines if line.startswith("database: ")]
        assert re.fullmatch(r"database: ([\d,]+) of \1 pages copied", pages[-1])
    total = sum(json.loads((tmp_path / "backup" / "manifest.json").read_text())["tables"].values())
    assert total > 5000
    assert re.fullmatch(rf"backup: {re.escape(str(tmp_path / 'backup'))} \((sqlite|postgresql), \d+ tables,"
                        rf" {total:,} rows, 30 photo files\)", lines[-1])

    restored = run_py(settings, "restore", "--force", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert "photos: 30 of 30 files copied" in restored.stdout.splitlines()
    assert f"restore: {total:,} rows in " in restored.stdout


def test_backup_on_a_terminal_updates_one_line(seeded_site, settings, tmp_path):
    env = dict(os.environ, KEITAI_DATABASE_URL=settings.database_url, KEITAI_SECRET_KEY=settings.secret_key,
               KEITAI_MEDIA_DIR=settings.media_dir, KEITAI_ACCESS_LOG="off")
    terminal, its_end = pty.openpty()
    backup = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "run.py"), "backup", str(tmp_path / "backup")],
                              cwd=PROJECT_ROOT, env=env, stdout=its_end, stderr=subprocess.PIPE)
    os.close(its_end)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # EIO: the command has closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert backup.wait(timeout=120) == 0, backup.stderr.read()
    backup.stderr.close()
    screen = shown.decode().replace("\r\n", "\n").split("\n")
    assert len(screen) == 3 and screen[2] == ""  # the progress line and the summary, nothing else
    updates = screen[0].split("\r")
    assert "footprints: 1,234 rows" in [u.rstrip() for u in updates]
    assert updates[-1].rstrip() == "photos: 30 of 30 files copied"
    assert screen[1].startswith(f"backup: {tmp_path / 'backup'} (") and "rows, 30 photo files)" in screen[1]


# --- photos: the backup holds those its snapshot names; restore checks them first ----------

def _jpeg(color: str) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "JPEG")
    return out.getvalue()


def _post_diary_with_photo(browser, server: str, title: str, color: str) -> int:
    """A diary entry with one photo, posted as a PC's browser posts it; its id."""
    import urllib.error
    import urllib.request

    from promises.test_scale_out import CSRF

    _, _, page = browser.request(server + "/diary/new")
    fields = {"csrf": CSRF.search(page).group(1), "title": title, "body": "写真つき", "audience": "everyone"}
    body = b"".join(f'--keitai\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                    for name, value in fields.items())
    body += (b'--keitai\r\nContent-Disposition: form-data; name="photo1"; filename="p.jpg"\r\n'
             b"Content-Type: image/jpeg\r\n\r\n" + _jpeg(color) + b"\r\n--keitai--\r\n")
    request = urllib.request.Request(server + "/diary/new", data=body, headers={
        **browser.headers, "Content-Type": "multipart/form-data; boundary=keitai"})
    try:
        response = browser.opener.open(request, timeout=10)
    except urllib.error.HTTPError as answer:  # the 303, with redirects not followed
        response = answer
    assert response.status == 303, response.read()[:500]
    return int(re.search(r"/diary/(\d+)", response.headers["Location"]).group(1))


def _delete_diary(browser, server: str, diary_id: int) -> None:
    from promises.test_scale_out import CSRF

    _, _, page = browser.request(f"{server}/diary/{diary_id}/delete")
    status, _, _ = browser.request(f"{server}/diary/{diary_id}/delete", {"csrf": CSRF.search(page).group(1)})
    assert status == 303


def test_a_backup_holds_the_photos_its_snapshot_names_while_members_upload_and_delete(
        app, migrated, settings, tmp_path, make_member, monkeypatch):
    import argparse

    from conftest import PC
    from keitai.commands import _archive as archive
    from keitai.commands import backup
    from promises.test_scale_out import Browser, serve_processes

    make_member("さくら", "sakura@docomo.ne.jp")
    media = Path(settings.media_dir)
    with serve_processes(1, migrated, tmp_path) as (server,):  # its media folder is settings.media_dir
        pc = Browser(PC, cookies=True)
        pc.sign_in(server, "sakura@docomo.ne.jp")
        kept = _post_diary_with_photo(pc, server, "残る日記", "red")
        doomed = _post_diary_with_photo(pc, server, "消える日記", "blue")
        file_of = dict(fetchall("SELECT ref_id, file FROM photos"))
        posted = []

        def members_meanwhile(snapshot):
            """Right after the database snapshot, before any photo is copied: one entry and its
            photo are deleted, another is posted with a photo."""
            def taken(*args, **kwargs):
                result = snapshot(*args, **kwargs)
                _delete_diary(pc, server, doomed)
                posted.append(_post_diary_with_photo(pc, server, "あとの日記", "green"))
                return result
            return taken

        for name in ("backup_sqlite", "backup_postgres"):
            monkeypatch.setattr(archive, name, members_meanwhile(getattr(archive, name)))
        for name, value in (("DATABASE_URL", settings.database_url), ("MEDIA_DIR", settings.media_dir),
                            ("SECRET_KEY", settings.secret_key), ("ACCESS_LOG", "off")):
            monkeypatch.setenv("KEITAI_" + name, value)
        assert backup.run(argparse.Namespace(dest=str(tmp_path / "backup"), no_media=False)) == 0
    assert posted and not (media / "photos" / file_of[doomed]).exists()  # it really went meanwhile

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert sorted(manifest["photos"]) == sorted([file_of[kept], file_of[doomed]])
    assert manifest["missing_photos"] == [] and manifest["media_files"] == 2
    saved = tmp_path / "backup" / "media" / "photos"
    assert sorted(str(p.relative_to(saved)) for p in saved.rglob("*") if p.is_file()) == sorted(manifest["photos"])
    assert (saved / file_of[doomed]).read_bytes() == (media / "deleted" / file_of[doomed]).read_bytes()

    base.db.close()
    restored = run_py(settings, "restore", "--force", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert sorted(r[0] for r in fetchall("SELECT title FROM diaries")) == ["残る日記", "消える日記"]
    for name in (file_of[kept], file_of[doomed]):
        assert (media / "photos" / name).read_bytes() == (saved / name).read_bytes()


@pytest.mark.parametrize("damage", ["photo missing", "photo changed", "rows differ"])
def test_restore_checks_the_whole_backup_before_replacing_anything(damage, site, settings, tmp_path):
    members, photo = site
    assert run_py(settings, "backup", str(tmp_path / "backup")).returncode == 0
    saved = tmp_path / "backup" / "media" / "photos" / "1" / "original.jpg"
    if damage == "photo missing":
        saved.unlink()
    elif damage == "photo changed":
        saved.write_bytes(saved.read_bytes().replace(b"really", b"REALLY"))  # the same size
    else:
        manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
        manifest["tables"]["members"] += 1
        (tmp_path / "backup" / "manifest.json").write_text(json.dumps(manifest))
    # Life went on: a member changed a field and the photo's file was lost.
    base.execute("UPDATE members SET hobbies = 'いまの趣味' WHERE id = ?", (members[0],))
    photo.unlink()

    base.db.close()
    refused = run_py(settings, "restore", "--force", str(tmp_path / "backup"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    said = {"photo missing": "photo file(s) missing or damaged in the backup: 1/original.jpg",
            "photo changed": "photo file(s) missing or damaged in the backup: 1/original.jpg",
            "rows differ": "rows differ from the manifest in: members"}[damage]
    assert said in refused.stderr
    assert scalar("SELECT hobbies FROM members WHERE id = ?", (members[0],)) == "いまの趣味"
    assert scalar("SELECT COUNT(*) FROM members") == 12
    assert not photo.exists()  # nothing was copied back either
