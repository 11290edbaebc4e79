"""Photos: check an upload is a real image, strip it, keep it under media_dir, and make
renditions for each kind of device.

A photo belongs to an item: ``kind`` ('diary' now; profiles and communities later) and
``ref_id``.  The feature that owns a kind registers who may see its items
(:func:`register_kind`), and :func:`visible_photo` asks that before a photo is served, so a
photo is never seen outside its item's audience.

Uploads are checked and stripped of all metadata by :mod:`keitai.platform.images`, no
larger than STORE_MAX_SIDE.  Renditions are made on first request, sized for the device
and encoded in the first of its ``image_formats`` within its byte budget, and cached as
files.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Callable, NamedTuple

from keitai import config
from keitai.words import Refused
from keitai.platform import images
from keitai.platform.db.connection import execute, fetchall, fetchone, now
from keitai.platform.images import Prepared, Spec

KB = 1024
#: A single upload above this is refused (handset photos are far smaller; PC photos rarely larger).
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
#: Refused above this many pixels, before decoding: a tiny file can claim a huge image.
MAX_PIXELS = 40_000_000
#: The kept original is no larger than this on its longer side.
STORE_MAX_SIDE = 1600
SIZES = ("s", "m")  # thumbnail; the size for looking at the photo itself
#: Handsets that send no screen size are assumed to be the narrowest (120-240 px).
HANDSET_WIDTH = 120


# ---- who may see a photo -------------------------------------------------------------

class Kind(NamedTuple):
    may_view: Callable[[int, int], bool]
    route: str  # an item's page
    id_name: str  # the route's wildcard an item's id fills


_kinds: dict[str, Kind] = {}


def register_kind(kind: str, may_view: Callable[[int, int], bool], route: str, id_name: str) -> None:
    """Let photos belong to items of ``kind``: ``may_view(viewer_id, ref_id)`` is the items'
    audience rule; ``route`` names an item's page (to go back to from a photo), its wildcard
    ``id_name`` filled with the item's id (``register_kind("diary", can_read, "diary.entry", "diary_id")``)."""
    _kinds[kind] = Kind(may_view, route, id_name)


def visible_photo(viewer_id: int | None, photo_id: int) -> dict | None:
    """The photo if ``viewer_id`` may see the item it belongs to, else None."""
    if viewer_id is None:
        return None
    row = fetchone("SELECT id, kind, ref_id, file, width, height FROM photos WHERE id = ?", (photo_id,))
    if row is None:
        return None
    kind = _kinds.get(row[1])
    if kind is None or not kind.may_view(viewer_id, row[2]):
        return None  # an unknown kind is shown to no one
    return dict(zip(("id", "kind", "ref_id", "file", "width", "height"), row),
                page_route=kind.route, page_args={kind.id_name: row[2]})


def photos_of(kind: str, ref_id: int) -> list[dict]:
    """The photos of one item, in order (the caller has checked the item's audience)."""
    rows = fetchall(
        "SELECT id, width, height FROM photos WHERE kind = ? AND ref_id = ? ORDER BY position, id", (kind, ref_id)
    )
    return [{"id": r[0], "width": r[1], "height": r[2]} for r in rows]


def photos_of_many(kind: str, ref_ids) -> dict[int, list[dict]]:
    """:func:`photos_of` for several items of one kind in one query (a page of comments)."""
    ids = sorted({int(i) for i in ref_ids})
    if not ids:
        return {}
    found: dict[int, list[dict]] = {}
    for ref_id, photo_id, width, height in fetchall(
            f"SELECT ref_id, id, width, height FROM photos WHERE kind = ? AND ref_id IN ({', '.join('?' * len(ids))})"
            " ORDER BY ref_id, position, id", (kind, *ids)):
        found.setdefault(ref_id, []).append({"id": photo_id, "width": width, "height": height})
    return found


# ---- uploads ---------------------------------------------------------------------------

def can_upload(device) -> bool:
    """Whether the device's browser can send files from a form (the device knows)."""
    return device.can_upload


def prepare(upload) -> Prepared:
    """Check that ``upload`` (a bottle FileUpload) is a real image and strip it; raises Refused
    ("photos.too_large", "photos.not_image", "photos.too_many_pixels")."""
    return prepare_bytes(upload.file.read(MAX_UPLOAD_BYTES + 1))


def prepare_bytes(raw: bytes) -> Prepared:
    """:func:`prepare` for an image's bytes (a photo attached to a mail)."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise Refused("photos.too_large", mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    try:
        return images.strip(raw, MAX_PIXELS, STORE_MAX_SIDE)
    except images.ImageRefused as refused:
        raise Refused(f"photos.{refused.code}") from None


# ---- files -----------------------------------------------------------------------------

#: Under media_dir: the originals, a photo's ``file`` naming its path in ORIGINALS.  A deleted
#: photo's original moves to DELETED and is removed KEEP_DELETED seconds later by ``run.py
#: prune``, so a backup running meanwhile still finds every photo its database snapshot names.
ORIGINALS = "photos"
DELETED = "deleted"
KEEP_DELETED = 24 * 3600


def media_root() -> Path:
    return Path(config.get().media_dir)


def _original_path(name: str) -> Path:
    return media_root() / ORIGINALS / name


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that no reader ever sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_files(prepared: list[Prepared]) -> list[tuple[str, Prepared]]:
    """Store the images' files (before the rows that name them); returns (file, image) pairs."""
    stored = []
    try:
        for image in prepared:
            token = secrets.token_hex(12)  # random: a restored database never meets a stale cache
            name = f"{token[:2]}/{token}.jpg"
            _write(_original_path(name), image.data)
            stored.append((name, image))
    except BaseException:
        remove_files([name for name, _ in stored])
        raise
    return stored


def add_rows(owner_id: int, kind: str, ref_id: int, stored: list[tuple[str, Prepared]], first_position: int = 0) -> None:
    """Record stored files as photos of an item (inside the item's transaction)."""
    t = now()
    for offset, (name, image) in enumerate(stored):
        execute(
            "INSERT INTO photos (owner_id, kind, ref_id, position, file, width, height, bytes, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (owner_id, kind, ref_id, first_position + offset, name, image.width, image.height, len(image.data), t),
        )


def delete_rows(kind: str, ref_id: int, photo_ids: list[int] | None = None) -> list[str]:
    """Delete an item's photos (all, or those listed); returns their files, to remove after commit."""
    rows = fetchall("SELECT id, file FROM photos WHERE kind = ? AND ref_id = ?", (kind, ref_id))
    if photo_ids is not None:
        rows = [r for r in rows if r[0] in set(photo_ids)]
    if rows:
        ids = [r[0] for r in rows]
        execute(f"DELETE FROM photos WHERE id IN ({', '.join('?' * len(ids))})", ids)
    return [file for _id, file in rows]


def remove_files(names: list[str]) -> None:
    """Remove every cached rendition of the originals, and the originals after KEEP_DELETED."""
    for name in names:
        kept = media_root() / DELETED / name
        kept.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(_original_path(name), kept)
            os.utime(kept)  # when it was deleted: prune counts from here
        except FileNotFoundError:
            pass
        stem = Path(name).stem
        cache = media_root() / "cache" / name.split("/")[0]
        if cache.is_dir():
            for path in cache.glob(f"{stem}_*"):
                path.unlink(missing_ok=True)


def file_paths(names: list[str]) -> list[str]:
    """The files of these photos, to delete at once (退会): each original and every cached rendition."""
    paths = []
    for name in names:
        paths.append(str(_original_path(name)))
        cache = media_root() / "cache" / name.split("/")[0]
        if cache.is_dir():
            paths += [str(path) for path in cache.glob(f"{Path(name).stem}_*")]
    return paths


def prune_deleted(older_than: int = KEEP_DELETED) -> int:
    """Remove the originals of photos deleted more than ``older_than`` seconds ago; returns how many."""
    root = media_root() / DELETED
    cutoff = now() - older_than
    gone = 0
    for path in sorted(root.rglob("*"), reverse=True) if root.is_dir() else ():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            gone += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return gone


# ---- renditions ------------------------------------------------------------------------

#: Room left in a handset's cache for the photo page around the photo.
PHOTO_PAGE_BYTES = 1536


def handset_budget(device) -> int:
    """Bytes a photo may take on a handset: its cache holds the photo page and the photo."""
    return max(2 * KB, min(device.page_bytes - PHOTO_PAGE_BYTES, 48 * KB))


def spec_for(device, size: str) -> Spec:
    """The rendition a device gets for ``size`` ('s' thumbnail, 'm' the photo itself)."""
    if not device.is_handset:
        return Spec("jpeg", 240, 240, None, 80) if size == "s" else Spec("jpeg", 960, 960, None, 85)
    width = min(device.screen_width or HANDSET_WIDTH, 480)
    budget = handset_budget(device)
    fmt = next(f for f in device.image_formats if f in images.CONTENT_TYPES)
    if size == "s":
        return Spec(fmt, min(width, 96), min(width, 96), min(budget, 6 * KB), 70)
    return Spec(fmt, width, width * 2, budget, 75)


#: What a handset list page keeps for its own markup beside inline thumbnails.
LIST_PAGE_TEXT = 16 * KB


def thumbnails_fit(device, count: int) -> bool:
    """May a page listing ``count`` members or items show a thumbnail for each?  Always on a
    PC or smartphone; on a handset only where pages show images inline and its page budget
    holds that many thumbnails (each at most its 's' rendition's bytes) beside the page's
    text.  Elsewhere the page gives names only."""
    if not device.is_handset:
        return True
    if not device.inline_images:
        return False
    return LIST_PAGE_TEXT + count * spec_for(device, "s").max_bytes <= device.page_bytes


def rendition(photo: dict, spec: Spec) -> Path:
    """The file of ``photo`` made to ``spec``; made and cached on first use."""
    name = photo["file"]
    stem = Path(name).stem
    path = (media_root() / "cache" / name.split("/")[0]
            / f"{stem}_{spec.fmt}{spec.width}x{spec.height}_{spec.max_bytes or 0}.{images.EXTENSIONS[spec.fmt]}")
    if not path.exists():
        _write(path, images.fit(images.open_rgb(_original_path(name)), spec))
    return path

