"""Shared by the diary, photo and feed-import tests: images, entries, groups, handset forms."""
from __future__ import annotations

import functools
import io
import itertools

import pytest
from PIL import Image

from conftest import PASSWORD
from keitai.platform.db.connection import execute, now, scalar
from keitai.accounts.models import Member
from keitai.accounts import rules as accounts
from keitai import diary as diaries
from keitai.photos import rules as photos

CP932_FORM = "application/x-www-form-urlencoded; charset=cp932"


@functools.lru_cache(maxsize=1)
def _password_hash() -> str:
    return accounts.hash_password(PASSWORD)


@pytest.fixture
def member(app):
    """Like conftest's make_member, without an argon2 hash per member (one per session)."""
    counter = itertools.count(1)

    def make(nickname: str | None = None, mail: str | None = None, **fields) -> int:
        n = next(counter)
        return Member.create(
            nickname=nickname or f"会員{n}", mail=mail or f"member{n}@docomo.ne.jp", password_hash=_password_hash(),
            birthday="1990-01-01", status="active", created_at=now(), **fields,
        ).id

    return make


class FakeUpload:
    """What bottle hands a view for an uploaded file (only .file is read)."""

    def __init__(self, data: bytes, filename: str = "photo.jpg"):
        self.file = io.BytesIO(data)
        self.filename = filename


def image_bytes(width: int = 640, height: int = 480, fmt: str = "JPEG", **save_options) -> bytes:
    """A photo-like image: gradients and noise, so it compresses about as badly as a photo."""
    image = Image.merge("RGB", (
        Image.linear_gradient("L").resize((width, height)),
        Image.effect_noise((width, height), 48),
        Image.radial_gradient("L").resize((width, height)),
    ))
    out = io.BytesIO()
    image.save(out, fmt, **save_options)
    return out.getvalue()


_PHOTO_CACHE: dict[tuple, bytes] = {}


def small_photo(width: int = 320, height: int = 240) -> bytes:
    key = (width, height)
    if key not in _PHOTO_CACHE:
        _PHOTO_CACHE[key] = image_bytes(width, height)
    return _PHOTO_CACHE[key]


def write_entry(author: int, title: str, audience: str = "everyone", body: str = "本文です。",
                group_id: int | None = None, with_photo: bool = False) -> int:
    prepared = [photos.prepare(FakeUpload(small_photo()))] if with_photo else []
    return diaries.create_entry(author, diaries.Draft(title, body, audience, group_id), prepared)


def make_group(owner: int, name: str, members: list[int]) -> int:
    execute("INSERT INTO friend_groups (owner_id, name, created_at) VALUES (?, ?, ?)", (owner, name, now()))
    group_id = scalar("SELECT MAX(id) FROM friend_groups WHERE owner_id = ?", (owner,))
    for member in members:
        execute("INSERT INTO friend_group_members (group_id, member_id) VALUES (?, ?)", (group_id, member))
    return group_id


def block(blocker: int, blocked: int) -> None:
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", (blocker, blocked, now()))


def submit_cp932(response, form_index: int = 0, **fields):
    """Submit a form from a Shift_JIS handset page with the bytes the handset would send."""
    form = response.forms[form_index]
    for name, value in fields.items():
        form[name] = value
    return form.submit(content_type=CP932_FORM)
