"""Albums: ``/member/<id>/albums``, ``/album/new``, ``/album/<id>`` (photos and comments),
``/album/<id>/edit``, ``/album/<id>/delete``, ``/album/<id>/photos/add`` and
``/album/<id>/photo/<photo_id>`` (one photo, its caption, the cover and delete for the owner)."""
import bottle

from keitai import words as messages
from keitai.diary import rules as diaries
from keitai.footprints import rules as footprints
from keitai.kept import longtext
from keitai.photos import rules as photos
from keitai.platform.mail import mailbox
from keitai.platform.web import (
    RouteTable, current_device, files, login_required, params, path, per_page, redirect, render, viewer,
)

from . import comments, rules

routes = RouteTable("albums")

PHOTO_FIELDS = tuple(f"photo{n}" for n in range(1, rules.PHOTOS_PER_FORM + 1))
CAPTION_FIELDS = tuple(f"caption{n}" for n in range(1, rules.PHOTOS_PER_FORM + 1))


def _visible_album(album_id: int) -> rules.Album:
    found = rules.album_for(viewer().id, album_id)
    if found is None:
        raise bottle.HTTPError(404)  # the same answer for "no such album" and "not yours to see"
    return found


def _own_album(album_id: int) -> rules.Album:
    found = _visible_album(album_id)
    if not found.is_mine:
        raise bottle.HTTPError(404)
    return found


# ---- lists --------------------------------------------------------------------------------

@routes.get("/albums")
@login_required
def my_albums():
    redirect("albums.member_albums", member_id=viewer().id)


@routes.get("/member/<member_id:int>/albums")
@login_required
def member_albums(member_id):
    me = viewer()
    nickname = rules.album_owner(me.id, member_id)
    if nickname is None:
        raise bottle.HTTPError(404)
    page = rules.member_albums(me.id, member_id, params().get("before"), per_page(10, 20))
    return render("albums/list.html", owner_id=member_id, owner_nickname=nickname, page=page,
                  is_me=member_id == me.id)


# ---- making and changing an album -----------------------------------------------------------

def _form(album, draft: rules.Draft, errors: list[str]):
    """The new-album or edit form (the description is a long text a handset may have kept)."""
    if album is None:
        note, resume = "アルバムを作る・説明", path("albums.new_form")
    else:
        note, resume = f"アルバム「{album.title}」の説明", path("albums.edit_form", album_id=album.id)
    note = "：".join([note, " ".join(errors)]) if errors else note
    return longtext.render_form(
        "albums/form.html", draft.description, note, resume, album=album, draft=draft, errors=errors,
        groups=diaries.own_groups(viewer().id), title_max=rules.TITLE_MAX, description_max=rules.DESCRIPTION_MAX)


def _draft_from_form() -> tuple[rules.Draft, list[str]]:
    form = params()
    return rules.check_draft(viewer().id, form.get("title", ""), longtext.posted("description") or "",
                             form.get("audience", ""), form.get("group_id"))


@routes.get("/album/new")
@login_required
def new_form():
    resumed = longtext.kept_in_form()
    return _form(None, rules.Draft("", resumed.body if resumed else "", rules.DEFAULT_AUDIENCE, None), [])


@routes.post("/album/new")
@login_required
def create():
    draft, errors = _draft_from_form()
    if errors:
        return _form(None, draft, errors)
    album_id = rules.create_album(viewer().id, draft)
    longtext.forget_kept()
    redirect("albums.add_form", album_id=album_id, msg="album_created")


@routes.get("/album/<album_id:int>/edit")
@login_required
def edit_form(album_id):
    found = _own_album(album_id)
    resumed = longtext.kept_in_form()
    description = resumed.body if resumed else found.description
    return _form(found, rules.Draft(found.title, description, found.audience, found.group_id), [])


@routes.post("/album/<album_id:int>/edit")
@login_required
def edit(album_id):
    found = _own_album(album_id)
    draft, errors = _draft_from_form()
    if errors:
        return _form(found, draft, errors)
    rules.update_album(album_id, viewer().id, draft)
    longtext.forget_kept()
    redirect("albums.album", album_id=album_id, msg="saved")


@routes.get("/album/<album_id:int>/delete")
@login_required
def delete_confirm(album_id):
    return render("albums/delete.html", album=_own_album(album_id))


@routes.post("/album/<album_id:int>/delete")
@login_required
def delete(album_id):
    me = viewer()
    if not rules.delete_album(album_id, me.id):
        raise bottle.HTTPError(404)
    redirect("albums.member_albums", member_id=me.id, msg="deleted")


# ---- photos ---------------------------------------------------------------------------------

def _add_page(album: rules.Album, errors: list[str] = (), captions: dict | None = None):
    device = current_device()
    return render("albums/add.html", album=album, errors=list(errors), can_upload=photos.can_upload(device),
                  fields=list(zip(PHOTO_FIELDS, CAPTION_FIELDS)), captions=captions or {},
                  caption_max=rules.CAPTION_MAX, room=rules.MAX_PHOTOS - album.photo_count,
                  mail_posting=bool(mailbox.domain()))


@routes.get("/album/<album_id:int>/photos/add")
@login_required
def add_form(album_id):
    return _add_page(_own_album(album_id))


@routes.post("/album/<album_id:int>/photos/add")
@login_required
def add_photos(album_id):
    found = _own_album(album_id)
    form = params()
    captions = {name: form.get(name, "") for name in CAPTION_FIELDS}
    if not photos.can_upload(current_device()):  # its page has no file fields: it points to mail
        return _add_page(found, [messages.Refused("albums.no_photo").message])
    chosen, errors = [], []
    uploads = [files().get(name) for name in PHOTO_FIELDS]
    for number, (upload, caption_field) in enumerate(zip(uploads, CAPTION_FIELDS), 1):
        try:
            caption = rules.check_caption(captions[caption_field])
            if upload is not None:
                chosen.append((photos.prepare(upload), caption))
        except messages.Refused as exc:
            errors.append(f"写真{number}：{exc.message}")
    if not chosen and not errors:
        errors.append(messages.Refused("albums.no_photo").message)
    if not errors:
        try:
            rules.add_photos(album_id, viewer().id, chosen)
        except messages.Refused as exc:
            errors.append(exc.message)
    if errors:
        if any(upload is not None for upload in uploads):
            errors.append(messages.PHOTO_RESELECT)  # a browser cannot be given its file back
        return _add_page(found, errors, captions)
    redirect("albums.album", album_id=album_id, msg="photos_added")


def _album_photo(album_id: int, photo_id: int):
    found = _visible_album(album_id)
    placed = rules.photo_in(found, photo_id)
    if placed is None:
        raise bottle.HTTPError(404)
    return found, placed


@routes.get("/album/<album_id:int>/photo/<photo_id:int>")
@login_required
def photo(album_id, photo_id):
    """One photo of the album, in the asking device's size and format (keitai.photos.spec_for)."""
    found, (shown, before, after) = _album_photo(album_id, photo_id)
    return render("albums/photo.html", album=found, photo=shown, before=before, after=after,
                  is_cover=found.cover_id == photo_id)


@routes.post("/album/<album_id:int>/photo/<photo_id:int>/cover")
@login_required
def set_cover(album_id, photo_id):
    _own_album(album_id)
    if not rules.set_cover(album_id, viewer().id, photo_id):
        raise bottle.HTTPError(404)
    redirect("albums.photo", album_id=album_id, photo_id=photo_id, msg="cover_set")


@routes.get("/album/<album_id:int>/photo/<photo_id:int>/delete")
@login_required
def photo_delete_confirm(album_id, photo_id):
    found, (shown, _before, _after) = _album_photo(album_id, photo_id)
    if not found.is_mine:
        raise bottle.HTTPError(404)
    return render("albums/photo_delete.html", album=found, photo=shown)


@routes.post("/album/<album_id:int>/photo/<photo_id:int>/delete")
@login_required
def photo_delete(album_id, photo_id):
    _own_album(album_id)
    if not rules.delete_photo(album_id, viewer().id, photo_id):
        raise bottle.HTTPError(404)
    redirect("albums.album", album_id=album_id, msg="deleted")


# ---- an album's page and its comments ---------------------------------------------------------

def _album_page(album: rules.Album, comment_body: str = "", errors: list[str] = ()):
    me = viewer()
    listed = comments.comments_for(me.id, album, params().get("before"), limit=per_page(10, 20) * 2)
    context = dict(album=album, comments=listed, comment_count=comments.comment_count(me.id, album),
                   comment_body=comment_body, errors=list(errors), comment_max=comments.COMMENT_MAX)
    if not errors:
        return render("albums/album.html", **context)
    return longtext.comment_again("albums/album.html", album.title, path("albums.album", album_id=album.id),
                                  comment_body, list(errors), **context)


@routes.get("/album/<album_id:int>")
@login_required
def album(album_id):
    found = _visible_album(album_id)
    footprints.record(viewer().id, found.owner_id)
    return _album_page(found)


@routes.post("/album/<album_id:int>/comment")
@login_required
def comment(album_id):
    me = viewer()
    found = _visible_album(album_id)
    body, errors = comments.check_comment(longtext.posted("body") or "")
    if errors:
        return _album_page(found, body, errors)
    comment_id = comments.add_comment(me.id, album_id, body)
    if comment_id is None:
        raise bottle.HTTPError(404)
    longtext.forget_kept()
    redirect("albums.album", f"c{comment_id}", album_id=album_id, msg="commented")


def _deletable_comment(album_id: int, comment_id: int):
    me = viewer()
    found = rules.album_for(me.id, album_id)
    comment = comments.comment_to_delete(me.id, album_id, comment_id) if found else None
    if comment is None:
        raise bottle.HTTPError(404)
    return found, comment


@routes.get("/album/<album_id:int>/comment/<comment_id:int>/delete")
@login_required
def comment_delete_confirm(album_id, comment_id):
    _album, comment = _deletable_comment(album_id, comment_id)
    return render("comment_delete.html", comment=comment, back=path("albums.album", album_id=album_id),
                  action=path("albums.comment_delete", album_id=album_id, comment_id=comment_id))


@routes.post("/album/<album_id:int>/comment/<comment_id:int>/delete")
@login_required
def comment_delete(album_id, comment_id):
    me = viewer()
    # The writer of a comment may take it back even after losing sight of the album.
    if not comments.delete_comment(me.id, album_id, comment_id):
        raise bottle.HTTPError(404)
    if rules.may_view(me.id, album_id):
        redirect("albums.album", album_id=album_id, msg="deleted")
    redirect("home.home", msg="deleted")
