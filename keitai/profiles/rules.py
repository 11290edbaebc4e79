"""Profiles: what of a member's profile a viewer may see, field by field, and editing it."""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from collections import namedtuple

from keitai import words as messages
from keitai.platform.db.connection import db, execute, fetchone
from keitai.accounts.models import Member
from keitai.platform.text import parts

from keitai import privacy
from keitai.photos import rules as photos
from keitai.search import rules as search
from keitai.accounts.rules import MIN_AGE, age_on

#: Fields with their own audience (column ``aud_<name>``), in display order.
FIELDS = ("gender", "age", "birthday", "prefecture", "hobbies", "about", "real_name", "photo", "friends")

#: Text fields a member types, with their length limits (characters).
TEXT_LIMITS = {"nickname": 20, "real_name": 40, "hobbies": 200, "about": 5000}
MULTILINE = {"about"}

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県", "海外",
)
GENDERS = ("female", "male", "other")

OLDEST_AGE = 120
TOKYO = ZoneInfo("Asia/Tokyo")

#: How an owner may preview their own profile ("as others see it").
PREVIEWS = ("friend", "friend_of_friend", "stranger")

# Control characters other than line breaks and tabs never belong in a profile.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The member columns a profile shows, read with one query built once: a profile is a hot
#: page, and building the ORM query and model object cost several times the query itself.
MemberRow = namedtuple("MemberRow", (
    "id", "nickname", "birthday", "gender", "prefecture", "hobbies", "about", "real_name", "photo_id",
    "friend_count", *(f"aud_{name}" for name in FIELDS),
))
_LOAD = f"SELECT {', '.join(MemberRow._fields)} FROM members WHERE id = ? AND {privacy.active_member_sql()}"
_LOAD_WITH_RELATION = (
    f"SELECT {', '.join(MemberRow._fields)}, {privacy.RELATION_COLUMNS} FROM members"
    f" WHERE id = ? AND {privacy.active_member_sql()}"
)


@dataclass
class Profile:
    member: MemberRow
    relation: privacy.Relation
    visible: dict[str, object] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.member.id

    @property
    def nickname(self) -> str:
        return self.member.nickname

    def shows(self, name: str) -> bool:
        return name in self.visible


def field_values(member: MemberRow) -> dict[str, object]:
    birthday = datetime.date.fromisoformat(member.birthday)
    return {
        "gender": member.gender,
        "age": age_on(birthday, today()),
        "birthday": f"{birthday.month}月{birthday.day}日",
        "prefecture": member.prefecture,
        "hobbies": member.hobbies,
        "about": member.about,
        "real_name": member.real_name,
        "photo": member.photo_id,
        "friends": member.friend_count,
    }


def profile_for(viewer_id: int | None, member_id: int, as_relation: privacy.Relation | None = None) -> Profile | None:
    """The profile of ``member_id`` as ``viewer_id`` may see it; None if they may not see it at all.

    ``as_relation`` lets an owner preview their profile as a friend or a stranger would see it.
    """
    if as_relation is not None or viewer_id is None or viewer_id == member_id:
        row = fetchone(_LOAD, (member_id,))
        if row is None:
            return None
        member = MemberRow(*row)
        rel = as_relation or privacy.relation_from(viewer_id, member_id, False, False, False)
    else:  # the member and how the viewer stands to them, in one query
        row = fetchone(_LOAD_WITH_RELATION, privacy.relation_params(viewer_id, member_id) + (member_id,))
        if row is None:
            return None
        member = MemberRow(*row[:-3])
        rel = privacy.relation_from(viewer_id, member_id, *row[-3:])
    if rel.viewer_id is None or rel.blocked:
        return None
    values = field_values(member)
    visible = {
        name: values[name]
        for name in FIELDS
        if privacy.may_see(rel, getattr(member, f"aud_{name}")) and values[name] not in ("", None)
    }
    return Profile(member, rel, visible)


def preview_relation(owner_id: int, kind: str) -> privacy.Relation | None:
    """How a friend, a friend of a friend or another member stands to ``owner_id`` (for previews)."""
    if kind not in PREVIEWS:
        return None
    # viewer_id 0 is no one: a signed-in viewer with exactly the named relation and nothing more.
    return privacy.Relation(0, owner_id, False, kind == "friend", kind == "friend_of_friend", False)


def clean_text(name: str, value: str, errors: list[str]) -> str:
    """``value`` trimmed and normalised; appends to ``errors`` if it is too long or has control characters."""
    value = unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if name not in MULTILINE:
        value = " ".join(value.split())
    label = messages.FIELD_NAMES.get(name, name)
    if _CONTROL.search(value):
        errors.append(messages.TEXT_INVALID.format(field=label))
    limit = TEXT_LIMITS.get(name)
    if limit and len(value) > limit:
        errors.append(f"{label}: " + messages.FIELD_TOO_LONG.format(limit=limit))
    return value


def check_text(name: str, value: str) -> tuple[str, list[str]]:
    """``value`` of text field ``name`` as it would be stored, and what is wrong with it."""
    errors: list[str] = []
    return clean_text(name, value, errors), errors


def replace_text(member_id: int, name: str, old: str, new: str) -> bool:
    """Change text field ``name`` from ``old`` to ``new`` (already checked); False if it is no longer ``old``."""
    column = getattr(Member, name)
    with db.atomic():
        if not Member.update({column: new}).where(Member.id == member_id, column == old).execute():
            return False
        search.index_member(member_id)
    return True


def edit_values(member: Member) -> dict[str, str]:
    """The member's own values and audiences, as the settings form shows them."""
    birthday = datetime.date.fromisoformat(member.birthday)
    values = {name: getattr(member, name) for name in ("nickname", "gender", "prefecture", "hobbies", "about", "real_name")}
    values.update(birth_year=str(birthday.year), birth_month=str(birthday.month), birth_day=str(birthday.day))
    values.update({f"aud_{name}": getattr(member, f"aud_{name}") for name in FIELDS})
    return values


#: The fields a profile form may send (a handset sends one field per page, a PC all of them).
EDITABLE = ("nickname", "gender", "prefecture", "hobbies", "about", "real_name", "birthday")


def update(member_id: int, form: dict[str, str], expected: dict[str, str] | None = None) -> list[str]:
    """Save the profile fields and audiences present in ``form``; on any error nothing is saved.

    With ``expected`` (field: text), nothing is saved unless those fields still hold those
    texts (else :class:`keitai.platform.text.parts.Changed`).
    """
    errors: list[str] = []
    changes: dict[str, object] = {}
    for name in ("nickname", "hobbies", "about", "real_name"):
        if name in form:
            changes[name] = clean_text(name, form[name], errors)
    if "nickname" in changes and not changes["nickname"]:
        errors.append(messages.NICKNAME_REQUIRED)
    if "gender" in form:
        if form["gender"] not in GENDERS + ("",):
            errors.append(messages.CHOICE_INVALID.format(field=messages.FIELD_NAMES["gender"]))
        changes["gender"] = form["gender"]
    if "prefecture" in form:
        if form["prefecture"] not in PREFECTURES + ("",):
            errors.append(messages.CHOICE_INVALID.format(field=messages.FIELD_NAMES["prefecture"]))
        changes["prefecture"] = form["prefecture"]
    if "birth_year" in form:
        birthday, error = parse_birthday(form.get("birth_year"), form.get("birth_month"), form.get("birth_day"))
        if error:
            errors.append(error)
        else:
            changes["birthday"] = birthday.isoformat()
    for name in FIELDS:
        key = f"aud_{name}"
        if key in form:
            if form[key] not in privacy.FIELD_AUDIENCES:
                errors.append(messages.AUDIENCE_INVALID)
            changes[key] = form[key]
    if errors:
        return errors
    if changes:
        query = Member.update(**changes).where(Member.id == member_id)
        for name, text in (expected or {}).items():
            query = query.where(getattr(Member, name) == text)
        with db.atomic():
            if not query.execute():
                raise parts.Changed(member_id)
            search.index_member(member_id)  # what others can find follows what they can see
    return []


def today() -> datetime.date:
    return datetime.datetime.now(TOKYO).date()


def parse_birthday(year, month, day, on: datetime.date | None = None) -> tuple[datetime.date | None, str | None]:
    """The birthday from three typed numbers, or None and why not (not a date, or under 18)."""
    on = on or today()
    try:
        birthday = datetime.date(int(year), int(month), int(day))
    except (TypeError, ValueError, OverflowError):
        return None, messages.BIRTHDAY_INVALID
    age = age_on(birthday, on)
    if birthday > on or age > OLDEST_AGE:
        return None, messages.BIRTHDAY_INVALID
    if age < MIN_AGE:
        return None, messages.UNDER_18
    return birthday, None


# ---- the profile photo -----------------------------------------------------------------

PHOTO_KIND = "profile"


def may_view_photo(viewer_id: int, member_id: int) -> bool:
    """May ``viewer_id`` see ``member_id``'s profile photo (its ``aud_photo`` audience, blocks)?"""
    row = fetchone("SELECT aud_photo FROM members WHERE id = ? AND " + privacy.active_member_sql(), (member_id,))
    if row is None:
        return False
    return privacy.may_see(privacy.relation(viewer_id, member_id), row[0])


def current_photo(member_id: int) -> int | None:
    row = fetchone("SELECT photo_id FROM members WHERE id = ?", (member_id,))
    return row[0] if row else None


def set_photo(member_id: int, prepared: photos.Prepared) -> int:
    """Make ``prepared`` the member's one profile photo (the old one's rows and files go); returns its id."""
    stored = photos.write_files([prepared])
    try:
        with db.atomic():
            old_files = photos.delete_rows(PHOTO_KIND, member_id)
            photos.add_rows(member_id, PHOTO_KIND, member_id, stored)
            photo_id = fetchone(
                "SELECT id FROM photos WHERE kind = ? AND ref_id = ? ORDER BY id DESC", (PHOTO_KIND, member_id)
            )[0]
            execute("UPDATE members SET photo_id = ? WHERE id = ?", (photo_id, member_id))
    except BaseException:
        photos.remove_files([name for name, _ in stored])
        raise
    photos.remove_files(old_files)
    return photo_id


def remove_photo(member_id: int) -> bool:
    """Take the member's profile photo down; False if there was none."""
    with db.atomic():
        files = photos.delete_rows(PHOTO_KIND, member_id)
        execute("UPDATE members SET photo_id = NULL WHERE id = ?", (member_id,))
    photos.remove_files(files)
    return bool(files)
