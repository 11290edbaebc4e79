"""Footprints: ``/footprints`` (who visited me) and ``/settings/footprints`` (leave them or not)."""
from keitai import words as messages
from keitai.footprints import rules as footprints
from keitai.platform.web import RouteTable, current_device, login_required, params, redirect, render, viewer

routes = RouteTable("footprints")


@routes.get("/footprints")
@login_required
def visitors():
    cursor = footprints.parse_cursor(params().get("before"))
    found = footprints.page(viewer().id, cursor, limit=10 if current_device().is_handset else 20)
    return render("footprints/list.html", page=found, first=cursor is None)


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
