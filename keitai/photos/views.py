"""Photos: ``/photo/<id>`` (the image, sized for the asking device) and ``/photo/<id>/view``
(a page showing it, for handsets); only for those who may see the photo's item."""
import logging

import bottle

from keitai.photos import rules as photos
from keitai.platform import images
from keitai.platform.web import RouteTable, current_device, files, login_required, params, render, viewer
from keitai.words import Refused

routes = RouteTable("photos")
log = logging.getLogger("keitai.photos")

#: A form's file fields for an item's photos (a diary entry, a topic, a topic's comment: up to three).
UPLOAD_FIELDS = ("photo1", "photo2", "photo3")


def uploads() -> tuple[list[photos.Prepared], list[str]]:
    """The photos sent with a form in :data:`UPLOAD_FIELDS`, checked; and what was wrong with
    any of them (each named by its field's number).  Nothing from a device that cannot upload."""
    if not photos.can_upload(current_device()):
        return [], []
    prepared, errors = [], []
    for number, name in enumerate(UPLOAD_FIELDS, 1):
        upload = files().get(name)
        if upload is None:
            continue
        try:
            prepared.append(photos.prepare(upload))
        except Refused as exc:
            errors.append(f"写真{number}：{exc.message}")
    return prepared, errors


@routes.get("/photo/<photo_id:int>")
def photo(photo_id):
    me = viewer()
    found = photos.visible_photo(me.id if me else None, photo_id)
    if found is None:
        raise bottle.HTTPError(404)  # the same answer for "no such photo" and "not yours to see"
    size = params().get("size", "m")
    spec = photos.spec_for(current_device(), size if size in photos.SIZES else "m")
    try:
        path = photos.rendition(found, spec)
    except FileNotFoundError:  # the original is gone (a database restored without its media)
        log.error("photo %s: original file %s is missing", photo_id, found["file"])
        raise bottle.HTTPError(404) from None
    response = bottle.static_file(path.name, root=str(path.parent), mimetype=images.CONTENT_TYPES[spec.fmt])
    # The URL may carry a sid and the audience may change: never in a shared cache.
    response.set_header("Cache-Control", "private, max-age=3600")
    return response


@routes.get("/photo/<photo_id:int>/view")
@login_required
def photo_page(photo_id):
    found = photos.visible_photo(viewer().id, photo_id)
    if found is None:
        raise bottle.HTTPError(404)
    return render("photos/view.html", photo=found)
