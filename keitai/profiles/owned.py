"""What the profile keeps of a member, for 退会 and データのダウンロード (keitai.accounts.owned)."""
from __future__ import annotations

from keitai.accounts.owned import rows

from .rules import FIELDS

_COLUMNS = ("nickname", "birthday", "gender", "prefecture", "hobbies", "about", "real_name",
            *(f"aud_{name}" for name in FIELDS))


def export(member_id: int) -> list[dict]:
    """The profile's fields and who each is shown to."""
    return rows(f"SELECT {', '.join(_COLUMNS)} FROM members WHERE id = ?", (member_id,))


def delete(member_id: int) -> None:
    """Nothing of its own: the fields are columns of the member's row, which 退会 deletes last,
    and the profile photo is the photos feature's."""
