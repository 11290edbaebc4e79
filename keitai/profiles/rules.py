"""Profiles: what of a member's profile a viewer may see, field by field, and editing it."""
from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from collections import namedtuple
from typing import NamedTuple

from keitai import words as messages
from keitai.words import Refused
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now
from keitai.accounts.models import Member
from keitai.platform.text import parts

from keitai import privacy
from keitai.photos import rules as photos
from keitai.search import rules as search
from keitai.accounts.rules import MIN_AGE, age_on

#: Fields with their own audience (column ``aud_<name>``), in display order.
FIELDS = ("gender", "age", "birthday", "blood_type", "prefecture", "hometown", "occupation", "affiliation",
          "hobbies", "about", "real_name", "photo", "friends", "last_login")

#: Text fields a member types, with their length limits (characters).
TEXT_LIMITS = {"nickname": 20, "real_name": 40, "affiliation": 60, "hobbies": 200, "about": 5000}
MULTILINE = {"about"}

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県", "海外",
)
GENDERS = ("female", "male", "other")
BLOOD_TYPES = ("A", "B", "O", "AB")
#: mixi's choices for 職業.
OCCUPATIONS = (
    "会社員", "公務員", "会社役員", "自営業", "自由業", "専門職", "教職員", "医療関係", "学生",
    "専業主婦（主夫）", "パート・アルバイト", "家事手伝い", "無職", "その他",
)
#: Fields chosen from a list ("" is 未設定), and the choices.
CHOICES = {"gender": GENDERS, "blood_type": BLOOD_TYPES, "prefecture": PREFECTURES, "hometown": PREFECTURES,
           "occupation": OCCUPATIONS}

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
    "friend_count", "blood_type", "hometown", "occupation", "affiliation", "last_login_at",
    *(f"aud_{name}" for name in FIELDS),
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
        "blood_type": member.blood_type,
        "prefecture": member.prefecture,
        "hometown": member.hometown,
        "occupation": member.occupation,
        "affiliation": member.affiliation,
        "hobbies": member.hobbies,
        "about": member.about,
        "real_name": member.real_name,
        "photo": member.photo_id,
        "friends": member.friend_count,
        "last_login": last_login_words(member.last_login_at, now()),
    }


def last_login_words(at: int | None, t: int) -> str | None:
    """When a member was last here, as mixi said it: never finer than three hours, so a
    profile tells no one when exactly its owner was online (None: never signed in)."""
    if at is None:
        return None
    ago = max(0, t - at)
    for seconds, said in messages.LAST_LOGIN_WITHIN:
        if ago <= seconds:
            return said
    return messages.LAST_LOGIN_LONG_AGO


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
    if "photo" in visible:  # the main photo first, then the others (one audience for all)
        visible["photos"] = [visible["photo"]] + [p for p in photo_ids(member_id) if p != visible["photo"]]
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
    values = {name: getattr(member, name) for name in ("nickname", *CHOICES, *TEXT_LIMITS)}
    values.update(birth_year=str(birthday.year), birth_month=str(birthday.month), birth_day=str(birthday.day))
    values.update({f"aud_{name}": getattr(member, f"aud_{name}") for name in FIELDS})
    return values


def update(member_id: int, form: dict[str, str], expected: dict[str, str] | None = None) -> list[str]:
    """Save the profile fields and audiences present in ``form``; on any error nothing is saved.

    With ``expected`` (field: text), nothing is saved unless those fields still hold those
    texts (else :class:`keitai.platform.text.parts.Changed`).
    """
    errors: list[str] = []
    changes: dict[str, object] = {}
    for name in TEXT_LIMITS:
        if name in form:
            changes[name] = clean_text(name, form[name], errors)
    if "nickname" in changes and not changes["nickname"]:
        errors.append(messages.NICKNAME_REQUIRED)
    for name, choices in CHOICES.items():
        if name in form:
            if form[name] not in choices + ("",):
                errors.append(messages.CHOICE_INVALID.format(field=messages.FIELD_NAMES[name]))
            changes[name] = form[name]
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


# ---- the profile photos ----------------------------------------------------------------

PHOTO_KIND = "profile"
#: As on mixi: up to three photos, one of them the main one (``members.photo_id``).
PHOTO_LIMIT = 3


def may_view_photo(viewer_id: int, member_id: int) -> bool:
    """May ``viewer_id`` see ``member_id``'s profile photos (their ``aud_photo`` audience, blocks)?"""
    row = fetchone("SELECT aud_photo FROM members WHERE id = ? AND " + privacy.active_member_sql(), (member_id,))
    if row is None:
        return False
    return privacy.may_see(privacy.relation(viewer_id, member_id), row[0])


def shown_photo_sql(viewer_id: int, member: str = "m.") -> tuple[str, tuple]:
    """:func:`may_view_photo` for a list of members, as an SQL expression with its parameters:
    the main photo's id of the member whose ``members`` columns start with ``member``, or NULL
    when the viewer may not see it (their ``aud_photo`` audience, a block either way).  The
    kernel's rule for one row (``visible_clause``), so it costs a few index lookups per member
    listed.  The lists that use it (friends, home's grid, 足あと) list active members only."""
    visible, args = privacy.visible_clause(viewer_id, f"{member}id", f"{member}aud_photo")
    return f"(CASE WHEN {visible} THEN {member}photo_id END)", args


def current_photo(member_id: int) -> int | None:
    """The main photo's id (None: no photo)."""
    row = fetchone("SELECT photo_id FROM members WHERE id = ?", (member_id,))
    return row[0] if row else None


def photo_ids(member_id: int) -> list[int]:
    """The member's profile photos, in the order they were added (the caller checked the audience)."""
    return [photo["id"] for photo in photos.photos_of(PHOTO_KIND, member_id)]


def add_photo(member_id: int, prepared: photos.Prepared) -> int:
    """Add ``prepared`` to the member's photos (the main one if it is the first); returns its id.

    Refused ("profiles.photo_limit") when the member already has PHOTO_LIMIT photos."""
    stored = photos.write_files([prepared])
    try:
        with db.atomic():
            # Touching the member's row first makes two uploads at once take turns (a row
            # lock on PostgreSQL, the write lock on SQLite), so the count below holds.
            execute("UPDATE members SET photo_id = photo_id WHERE id = ?", (member_id,))
            ids = photo_ids(member_id)
            if len(ids) >= PHOTO_LIMIT:
                raise Refused("profiles.photo_limit", limit=PHOTO_LIMIT)
            position = 1 + (fetchone("SELECT MAX(position) FROM photos WHERE kind = ? AND ref_id = ?",
                                     (PHOTO_KIND, member_id))[0] or 0)
            photos.add_rows(member_id, PHOTO_KIND, member_id, stored, first_position=position)
            photo_id = fetchone("SELECT MAX(id) FROM photos WHERE kind = ? AND ref_id = ?", (PHOTO_KIND, member_id))[0]
            execute("UPDATE members SET photo_id = ? WHERE id = ? AND photo_id IS NULL", (photo_id, member_id))
    except BaseException:
        photos.remove_files([name for name, _ in stored])
        raise
    return photo_id


def set_main_photo(member_id: int, photo_id: int) -> bool:
    """Make one of the member's photos the main one; False if it is not theirs."""
    if photo_id not in photo_ids(member_id):
        return False
    execute("UPDATE members SET photo_id = ? WHERE id = ?", (photo_id, member_id))
    return True


def remove_photo(member_id: int, photo_id: int) -> bool:
    """Take one of the member's photos down (its files too); the next one becomes the main
    one if it was.  False if it is not theirs."""
    with db.atomic():
        files = photos.delete_rows(PHOTO_KIND, member_id, [photo_id])
        if files:
            rest = photo_ids(member_id)
            execute("UPDATE members SET photo_id = ? WHERE id = ? AND (photo_id = ? OR photo_id IS NULL)",
                    (rest[0] if rest else None, member_id, photo_id))
    photos.remove_files(files)
    return bool(files)


# ---- friends' birthdays (home) ---------------------------------------------------------

#: Home shows friends whose birthday is today or within this many days.
BIRTHDAY_DAYS = 7
#: At most this many on home (the rest are counted).
BIRTHDAY_SHOWN = 20


class Birthday(NamedTuple):
    member_id: int
    nickname: str
    month: int
    day: int
    in_days: int  # 0: today


def _days_ahead(on: datetime.date, days: int) -> dict[str, int]:
    """'MM-DD' of each day from ``on`` to ``days`` ahead -> how many days away.  In a year
    without 29 February, those born on it have their birthday on the 28th."""
    ahead: dict[str, int] = {}
    for n in range(days + 1):
        d = on + datetime.timedelta(days=n)
        ahead[f"{d.month:02d}-{d.day:02d}"] = n  # not strftime: it reads the time zone at every call
        if (d.month, d.day) == (2, 28) and not calendar.isleap(d.year):
            ahead["02-29"] = n
    return ahead


def upcoming_birthdays(viewer_id: int, days: int = BIRTHDAY_DAYS, on: datetime.date | None = None
                       ) -> tuple[list[Birthday], int]:
    """Friends whose birthday comes within ``days`` (soonest first), only active ones whose
    birthday field a friend may see (a block either way has ended the friendship); and how
    many more there are than shown.  Month and day only: the year is the age, which has its
    own audience."""
    ahead = _days_ahead(on or today(), days)
    marks = ", ".join("?" * len(ahead))
    rows = fetchall(
        "SELECT m.id, m.nickname, m.birthday FROM friendships f JOIN members m ON m.id = f.friend_id"
        f" WHERE f.member_id = ? AND {privacy.active_member_sql('m.')}"
        f" AND {privacy.field_visible_sql(privacy.A_FRIEND, 'm.aud_birthday')} AND substr(m.birthday, 6) IN ({marks})",
        (viewer_id, *ahead),
    )
    found = sorted(
        (Birthday(member_id, nickname, int(birthday[5:7]), int(birthday[8:10]), ahead[birthday[5:]])
         for member_id, nickname, birthday in rows),
        key=lambda b: (b.in_days, b.nickname, b.member_id),
    )
    return found[:BIRTHDAY_SHOWN], max(0, len(found) - BIRTHDAY_SHOWN)
