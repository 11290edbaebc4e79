"""Footprints: ``/footprints`` (who visited me) and ``/settings/footprints`` (leave them or not)."""
from keitai import words as messages
from keitai.footprints import rules as footprints
from keitai.photos import rules as photos
from keitai.platform.db.paging import parse_cursor
from keitai.platform.web import RouteTable, current_device, login_required, params, per_page, redirect, render, viewer

routes = RouteTable("footprints")


@routes.get("/footprints")
@login_required
def visitors():
    before = params().get("before")
    found = footprints.page(viewer().id, before, limit=per_page(10, 20))
    thumbnails = found is not None and photos.thumbnails_fit(current_device(), len(found.items))
    return render("footprints/list.html", page=found, first=parse_cursor(before) is None, thumbnails=thumbnails)


@routes.get("/settings/footprints")
@login_required
def settings_form():
    return render("footprints/settings.html", leaves=footprints.settings_of(viewer().id).leaves_footprints, error=None)


@routes.post("/settings/footprints")
@login_required
def settings_save():
    choice = params().get("leave")
    if choice not in ("1", "0"):
        leaves = footprints.settings_of(viewer().id).leaves_footprints
        return render("footprints/settings.html", leaves=leaves, error=messages.CHOOSE_ONE)
    footprints.set_leaves_footprints(viewer().id, choice == "1")
    redirect('footprints.settings_form', msg="saved")
