"""Diaries: ``/diary/new``, ``/diary/<id>`` (with comments), ``/diary/<id>/edit``,
``/diary/<id>/delete``, ``/member/<id>/diary`` and ``/feed`` (friends' newest entries)."""
import bottle

from keitai import words as messages
from keitai import diary as diaries
from keitai.footprints import rules as footprints
from keitai.notify import rules as notify
from keitai.photos import rules as photos
from keitai.photos import views as photo_views
from keitai.platform.mail import mailbox
from keitai.platform.text import parts
from keitai.platform.web import (
    RouteTable, current_device, login_required, params, path, per_page, redirect, render, viewer,
)
from keitai.kept import longtext

routes = RouteTable("diary")


def _body_source(found: diaries.Entry) -> longtext.LongText:
    """An entry's body, for editing in parts on handsets whose page cannot hold the form."""
    author_id = viewer().id
    return longtext.LongText(
        name="body", label="本文", heading="日記の編集", base=path("diary.edit_form", diary_id=found.id),
        part=path("diary.body_part", diary_id=found.id), text=found.body,
        check=diaries.check_body, store=lambda old, new: diaries.replace_body(found.id, author_id, old, new),
    )


def _form(entry, draft: diaries.Draft, errors: list[str], body_v: str | None = None):
    """The new-entry or edit form; a body left to its parts (``draft.body`` None) is listed in parts."""
    me = viewer()
    context = dict(
        entry=entry, errors=errors, groups=diaries.own_groups(me.id), can_upload=photos.can_upload(current_device()),
        photo_fields=photo_views.UPLOAD_FIELDS, title_max=diaries.TITLE_MAX, body_max=diaries.BODY_MAX,
        mail_posting=bool(mailbox.domain()),
    )
    if entry is not None and draft.body is None:
        return longtext.form_or_parts("diary/form.html", _body_source(entry), draft=draft._replace(body=entry.body),
                                      body_v=parts.version(entry.body), **context)
    if entry is None:
        note, resume = "日記を書く・本文", path("diary.new_form")
    else:
        note, resume = f"日記「{entry.title}」の本文", path("diary.edit_form", diary_id=entry.id)
    note = "：".join([note, " ".join(errors)]) if errors else note
    return longtext.render_form("diary/form.html", draft.body, note, resume, draft=draft, body_v=body_v, **context)


def _draft_from_form(body: str) -> tuple[diaries.Draft, list[str]]:
    form = params()
    return diaries.check_draft(
        viewer().id, form.get("title", ""), body, form.get("audience", ""), form.get("group_id"),
    )


def _own_entry(diary_id: int) -> diaries.Entry:
    found = diaries.entry_for(viewer().id, diary_id)
    if found is None or not found.is_mine:
        raise bottle.HTTPError(404)
    return found


@routes.get("/diary")
@login_required
def my_diary():
    redirect('diary.member_diary', member_id=viewer().id)


@routes.get("/diary/new")
@login_required
def new_form():
    resumed = longtext.kept_in_form()
    return _form(None, diaries.Draft("", resumed.body if resumed else "", diaries.DEFAULT_AUDIENCE, None), [])


@routes.post("/diary/new")
@login_required
def create():
    draft, errors = _draft_from_form(longtext.posted("body") or "")
    new_photos, photo_errors = photo_views.uploads()
    if errors or photo_errors:
        if new_photos or photo_errors:
            photo_errors.append(messages.PHOTO_RESELECT)  # a browser cannot be given its file back
        return _form(None, draft, errors + photo_errors)
    diary_id = diaries.create_entry(viewer().id, draft, new_photos)
    longtext.forget_kept()
    redirect('diary.entry', diary_id=diary_id, msg="posted")


def _entry_page(entry: diaries.Entry, comment_body: str = "", errors: list[str] = ()):
    me = viewer()
    comments = diaries.comments_for(me.id, entry, params().get("before"), limit=per_page(10, 20) * 2)
    context = dict(entry=entry, comments=comments, comment_count=diaries.comment_count(me.id, entry),
                   comment_body=comment_body,
                   errors=list(errors), comment_max=diaries.COMMENT_MAX)
    if not errors:
        return render("diary/entry.html", **context)
    return longtext.comment_again("diary/entry.html", entry.title, path("diary.entry", diary_id=entry.id), comment_body, list(errors),
                                  **context)


@routes.get("/diary/<diary_id:int>")
@login_required
def entry(diary_id):
    found = diaries.entry_for(viewer().id, diary_id)
    if found is None:
        raise bottle.HTTPError(404)
    footprints.record(viewer().id, found.author_id)
    notify.looked(viewer().id, "diary_comment" if found.is_mine else "comment_reply")
    page = _entry_page(found)
    if found.is_mine:
        diaries.mark_comments_seen(found)
    return page


@routes.get("/diary/<diary_id:int>/edit")
@login_required
def edit_form(diary_id):
    found = _own_entry(diary_id)
    resumed = longtext.kept_in_form()
    body = resumed.body if resumed else None  # None: the stored body, whole or in parts
    return _form(found, diaries.Draft(found.title, body, found.audience, found.group_id), [], parts.version(found.body))


@routes.post("/diary/<diary_id:int>/edit")
@login_required
def edit(diary_id):
    found = _own_entry(diary_id)
    me = viewer().id
    sent = longtext.posted("body")  # None: this form leaves the body to its parts
    draft, errors = _draft_from_form(found.body if sent is None else sent)
    new_photos, photo_errors = photo_views.uploads()
    removing = {diaries.parse_id(v) for v in params().getall("remove_photo")} - {None}
    kept = [p for p in found.photos if p["id"] not in removing]
    if len(kept) + len(new_photos) > diaries.MAX_PHOTOS:
        photo_errors.append(messages.PHOTO_TOO_MANY.format(limit=diaries.MAX_PHOTOS))
    if errors or photo_errors:
        if new_photos or photo_errors:
            photo_errors.append(messages.PHOTO_RESELECT)
        return _form(found, draft._replace(body=None if sent is None else draft.body), errors + photo_errors,
                     params().get("body_v"))
    try:
        body = longtext.merge("body", None if sent is None else draft.body, found.body)
        diaries.update_entry(diary_id, me, draft._replace(body=body), sorted(removing), new_photos,
                             expected_body=None if body is None else found.body)
    except parts.Changed:
        # The body changed elsewhere since this form was made: the rest is saved, the body kept.
        diaries.update_entry(diary_id, me, draft._replace(body=None), sorted(removing), new_photos)
        longtext.keep_refused(f"日記「{draft.title}」の本文", draft.body, rest_saved=True)
    longtext.forget_kept()
    redirect('diary.entry', diary_id=diary_id, msg="saved")


@routes.get("/diary/<diary_id:int>/edit/part")
@login_required
def body_part(diary_id):
    return longtext.part_page(_body_source(_own_entry(diary_id)))


@routes.post("/diary/<diary_id:int>/edit/part")
@login_required
def save_body_part(diary_id):
    return longtext.save_part(_body_source(_own_entry(diary_id)))


@routes.get("/diary/<diary_id:int>/delete")
@login_required
def delete_confirm(diary_id):
    return render("diary/delete.html", entry=_own_entry(diary_id))


@routes.post("/diary/<diary_id:int>/delete")
@login_required
def delete(diary_id):
    me = viewer()
    if not diaries.delete_entry(diary_id, me.id):
        raise bottle.HTTPError(404)
    redirect('diary.member_diary', member_id=me.id, msg="deleted")


@routes.post("/diary/<diary_id:int>/comment")
@login_required
def comment(diary_id):
    me = viewer()
    found = diaries.entry_for(me.id, diary_id)
    if found is None:
        raise bottle.HTTPError(404)
    body, errors = diaries.check_comment(longtext.posted("body") or "")
    if errors:
        return _entry_page(found, body, errors)
    comment_id = diaries.add_comment(me.id, diary_id, body)
    if comment_id is None:
        raise bottle.HTTPError(404)
    longtext.forget_kept()
    redirect('diary.entry', f"c{comment_id}", diary_id=diary_id, msg="commented")


def _deletable_comment(diary_id: int, comment_id: int):
    me = viewer()
    found = diaries.entry_for(me.id, diary_id)
    comment = diaries.comment_to_delete(me.id, diary_id, comment_id) if found else None
    if comment is None:
        raise bottle.HTTPError(404)
    return found, comment


@routes.get("/diary/<diary_id:int>/comment/<comment_id:int>/delete")
@login_required
def comment_delete_confirm(diary_id, comment_id):
    _entry, comment = _deletable_comment(diary_id, comment_id)
    return render("comment_delete.html", comment=comment, back=path("diary.entry", diary_id=diary_id),
                  action=path("diary.comment_delete", diary_id=diary_id, comment_id=comment_id))


@routes.post("/diary/<diary_id:int>/comment/<comment_id:int>/delete")
@login_required
def comment_delete(diary_id, comment_id):
    me = viewer()
    # The writer of a comment may take it back even after losing sight of the entry.
    if not diaries.delete_comment(me.id, diary_id, comment_id):
        raise bottle.HTTPError(404)
    if diaries.can_read(me.id, diary_id):
        redirect('diary.entry', diary_id=diary_id, msg="deleted")
    redirect('home.home', msg="deleted")


@routes.get("/member/<member_id:int>/diary")
@login_required
def member_diary(member_id):
    me = viewer()
    nickname = diaries.diary_owner(me.id, member_id)
    if nickname is None:
        raise bottle.HTTPError(404)
    page = diaries.member_diary(me.id, member_id, params().get("before"), per_page(10, 20))
    months = [] if current_device().is_handset else diaries.months(me.id, member_id)
    return render("diary/list.html", owner_id=member_id, owner_nickname=nickname, page=page, is_me=member_id == me.id,
                  months=months)


def _diary_owner(member_id: int) -> str:
    nickname = diaries.diary_owner(viewer().id, member_id)
    if nickname is None:
        raise bottle.HTTPError(404)
    return nickname


@routes.get("/member/<member_id:int>/diary/months")
@login_required
def months(member_id):
    """月別アーカイブ: the months with entries the viewer may read, each with how many."""
    nickname = _diary_owner(member_id)
    return render("diary/months.html", owner_id=member_id, owner_nickname=nickname,
                  months=diaries.months(viewer().id, member_id))


@routes.get("/member/<member_id:int>/diary/<month:re:[0-9]{6}>")
@login_required
def month(member_id, month):
    """One month of a member's diary."""
    nickname = _diary_owner(member_id)
    found = diaries.parse_month(month)
    if found is None:
        raise bottle.HTTPError(404)
    page = diaries.month_entries(viewer().id, member_id, *found, params().get("before"), per_page(10, 20))
    return render("diary/month.html", owner_id=member_id, owner_nickname=nickname, page=page, month=month,
                  label=f"{found[0]}年{found[1]}月")


@routes.get("/feed")
@login_required
def feed():
    me = viewer()
    page = diaries.friends_feed(me.id, params().get("before"), per_page(10, 20))
    return render("diary/feed.html", page=page, unread=diaries.unread_entries(me.id))
