"""Long texts on small handsets: edited in parts, kept when they cannot come back whole.

A handset page holds a few kilobytes and a form is never split across pages (paging.py
keeps it whole), so a form holding a long text would go out over the handset's budget.

* A stored long text (a diary's body, the self-introduction, a community's description)
  whose edit form does not fit the handset's page is edited in parts: the edit page lists
  them (:func:`form_or_parts`), each part is a form of its own within the budget
  (:func:`part_page`), and a save puts the new part in place of the old one, the rest of the
  text untouched (:func:`save_part`).
* Every form carries a fingerprint of the text it shows (``<name>_v``, ``v`` on a part): a
  save made to a text that changed meanwhile is refused and what the member wrote is kept
  (keitai/kept/rules.py) and shown to them, never dropped (:func:`merge`, :func:`refuse`).
* A form that comes back with an error, when the member's text no longer fits the page,
  keeps the text and shows a link to it in place of the text box; the form then sends the
  kept text's id (``kept``) and :func:`posted` reads the text from there.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import bottle
from markupsafe import escape

from keitai import words as messages
from keitai.kept import rules as kept
from keitai.platform.text import parts

from keitai.platform.web.pipeline import current_device, int_param, params, viewer
from keitai.platform.web.render import _encoder, fits, handset_bytes, page_html, render, respond
from keitai.platform.web.urls import redirect

#: The query parameter naming a part (1 = the first; one past the last = add at the end).
PART = "part"
#: The form field naming the kept text a form sends in place of its text box.
KEPT = "kept"
#: Room kept on a part's page for a notice or an error line.
RESERVE = 256
#: Characters of each part shown in the list of parts.
PREVIEW = 12

Check = Callable[[str], tuple[str, list[str]]]
Store = Callable[[str, str], bool]


@dataclass
class LongText:
    """A stored text a member edits, and how to check and save a new version of it."""

    name: str      # its form field: 'body'
    label: str     # what it is: '本文'
    heading: str   # the page it is edited on: '日記の編集'
    base: str      # that page's path (keitai.platform.web.path)
    part: str      # the path of its part pages (?part=N)
    text: str      # as stored now
    check: Check   # the whole new text -> (the text as it would be stored, errors)
    store: Store   # (old, new) -> saved; False if the stored text is no longer old


class Parts(NamedTuple):
    """What an edit page shows of a text edited in parts."""

    label: str
    part: str
    length: int
    previews: list[str]


class KeptRef(NamedTuple):
    """A kept text a form stands for; ``instead`` when it is sent in place of the text box."""

    id: int
    length: int
    instead: bool


def _measure() -> Callable[[str], int]:
    """Bytes a piece of text costs inside a text box on the requesting device."""
    encode = _encoder(current_device())
    return lambda fragment: len(encode(str(escape(fragment))))


def _part_context(source: LongText, number: int, count: int, start: int, end: int, text: str,
                  errors: list[str], version: str) -> dict:
    return dict(heading=source.heading, label=source.label, name=source.name, base=source.base, part=source.part,
                number=number, count=count, start=start, end=end, text=text, errors=errors, version=version)


def spans(source: LongText) -> list[tuple[int, int]]:
    """``(start, end)`` of each part of the text, sized for the requesting device's page."""
    # The page around an empty part, with numbers as long as any it will carry.
    probe = page_html("pages/part.html", notice=None, **_part_context(
        source, 99, 99, 10**6, 10**6, "", [], parts.version("")))
    room = current_device().page_bytes - handset_bytes(probe) - RESERVE
    return parts.cut(source.text, max(room, 64), _measure())


def form_or_parts(template: str, source: LongText, /, **context):
    """An edit page: the form whole if the device's page holds it, else the form without the
    text box and the list of the text's parts (``parts`` in the template)."""
    html = page_html(template, **context)
    if fits(html):
        return respond(html)
    previews = [" ".join(source.text[start:end][:PREVIEW].split()) for start, end in spans(source)]
    return render(template, parts=Parts(source.label, source.part, len(source.text), previews), **context)


def part_page(source: LongText):
    """``GET <part>?part=N``: the form for part N (one past the last: add at the end)."""
    bounds = spans(source)
    number = min(max(int_param(PART) or 1, 1), len(bounds) + 1)
    start, end = bounds[number - 1] if number <= len(bounds) else (len(source.text), len(source.text))
    return render("pages/part.html", **_part_context(source, number, len(bounds), start, end, source.text[start:end], [],
                                               parts.version(source.text)))


def save_part(source: LongText):
    """``POST <part>``: put the part sent in place of the one shown.

    Refused, with what the member wrote kept, if the text changed since the part was shown.
    """
    form = params()
    typed = form.get(source.name)
    start, end, number = int_param("start"), int_param("end"), int_param(PART) or 1
    if typed is None or start is None or end is None:
        raise bottle.HTTPError(400, messages.ERRORS[400])
    old = source.text
    if form.get("v") != parts.version(old):
        refuse(source, typed)
    if not start <= end <= len(old):
        raise bottle.HTTPError(400, messages.ERRORS[400])
    if start == end == len(old) and old and typed and not typed.startswith("\n"):
        typed_in_place = "\n" + typed  # added at the end: a line of its own
    else:
        typed_in_place = typed
    new, errors = source.check(old[:start] + typed_in_place + old[end:])
    if errors:
        html = page_html("pages/part.html", **_part_context(source, number, len(spans(source)), start, end, typed, errors,
                                                      form.get("v")))
        if fits(html):
            return respond(html)
        note = f"{source.heading}・{source.label}の一部：" + " ".join(errors)
        redirect("kept.kept_text", kept_id=kept.keep(viewer().id, note, typed), msg="kept")
    if new != old and not source.store(old, new):
        refuse(source, typed)
    redirect(source.base, msg="saved")


def refuse(source: LongText, typed: str):
    """The text changed since the member's part was shown: keep what they wrote and show it."""
    keep_refused(f"{source.heading}・{source.label}", typed)


def keep_refused(what: str, typed: str, rest_saved: bool = False):
    """``what`` changed elsewhere since the member's form was made: keep what they wrote and show it
    (``rest_saved``: the form's other fields were saved)."""
    note = f"{what}：{messages.TEXT_CHANGED}"
    redirect("kept.kept_text", kept_id=kept.keep(viewer().id, note, typed),
             msg="kept_changed_rest" if rest_saved else "kept_changed")


# --- whole forms ------------------------------------------------------------------------


def merge(name: str, sent: str | None, stored: str) -> str | None:
    """What to save of a text a whole form sent (field ``name``), given the text stored now.

    None leaves the stored text as it is: the form did not carry it, or the member left
    it as the form showed it (so a change made elsewhere meanwhile stands).  Raises
    :class:`keitai.platform.text.parts.Changed` if the member changed it and so did someone else.
    """
    if sent is None:
        return None
    shown = params().get(f"{name}_v")
    if shown is None or shown == parts.version(stored):
        return sent
    if parts.version(sent) == shown:
        return None
    raise parts.Changed(name)


def kept_in_form() -> kept.Kept | None:
    """The member's kept text this form (or this link) names, if any."""
    me = viewer()
    return kept.get(me.id, int_param(KEPT)) if me else None


def posted(name: str) -> str | None:
    """The long text a form sent in ``name``: its text box, or the kept text it names instead."""
    value = params().get(name)
    if value is None and int_param(KEPT) is not None:
        found = kept_in_form()
        if found is None:
            raise bottle.HTTPError(404, messages.KEPT_MISSING)
        return found.body
    return value


def forget_kept() -> None:
    """The form went through: the kept text it stood for is no longer needed."""
    if (kept_id := int_param(KEPT)) is not None:
        kept.delete(viewer().id, kept_id)


def comment_again(template: str, about: str, path: str, comment: str, errors: list[str], /, **context):
    """A comment on ``path`` (the page ``template``, about ``about``) that came back with ``errors``.

    On a handset it comes back on a page of its own: the page commented on may run over
    several pages, and the answer to a form is only the first of them.
    """
    note = f"「{about}」へのコメント：" + " ".join(errors)
    if current_device().is_handset:
        return render_form("diary/comment_again.html", comment, note, "", about=about, action=f"{path}/comment", back=path,
                           comment=comment, comment_errors=errors)
    return render_form(template, comment, note, "", **context)


def render_form(template: str, value: str, note: str, resume: str, /, **context):
    """A form page holding the long text ``value`` (``kept`` in the template says how).

    When the device's page cannot hold it in a text box, the text is kept (``note`` says
    what it is and why; ``resume`` is the form to take it back to) and the form names it
    in place of the text box.
    """
    found = kept_in_form()
    if found is not None:
        context["kept"] = KeptRef(found.id, len(found.body), False)
    else:
        context["kept"] = None
    html = page_html(template, **context)
    if fits(html) or not value:  # nothing of the member's to keep: the page is what it is
        return respond(html)
    if found is None or found.body != value:
        found = kept.get(viewer().id, kept.keep(viewer().id, note, value, resume))
    context["kept"] = KeptRef(found.id, len(found.body), True)
    return render(template, **context)
