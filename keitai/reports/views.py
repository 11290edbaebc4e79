"""``/report/<kind>/<ref_id>``: the one 通報 form, for every kind of content (a reason, a note)."""
import bottle

from keitai.platform.web import RouteTable, login_required, params, redirect, render, viewer
from keitai.words import Refused

from . import rules

routes = RouteTable("reports")


def _found(kind: str, ref_id: int):
    found = rules.reportable(viewer().id, kind, ref_id)
    if found is None:
        raise bottle.HTTPError(404)  # the same for "none" and "not yours to see"
    return found


def _form(kind: str, ref_id: int, reason: str = "", note: str = "", error: str | None = None):
    found, item = _found(kind, ref_id)
    return render("reports/form.html", kind=kind, ref_id=ref_id, label=found.label, item=item, reasons=rules.REASONS,
                  reason=reason, note=note, note_max=rules.NOTE_MAX, errors=[error] if error else [])


@routes.get("/report/<kind>/<ref_id:int>")
@login_required
def report_form(kind, ref_id):
    return _form(kind, ref_id)


@routes.post("/report/<kind>/<ref_id:int>")
@login_required
def report(kind, ref_id):
    _found_kind, item = _found(kind, ref_id)
    reason, note = params().get("reason", ""), params().get("note", "")
    try:
        rules.file_report(viewer().id, kind, ref_id, reason, note)
    except Refused as exc:
        return _form(kind, ref_id, reason, note, exc.message)
    redirect(item.route, msg="reported", **item.args)
