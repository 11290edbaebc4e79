"""``/kept``: texts a member wrote that the site could neither save nor show back whole
(keitai/kept/rules.py): read over pages, edited in parts, taken back to their form, deleted."""
import bottle

from keitai.kept import rules as kept
from keitai.platform.web import RouteTable, login_required, path, redirect, render, viewer
from keitai.kept import longtext

routes = RouteTable("kept")


def _own(kept_id: int) -> kept.Kept:
    found = kept.get(viewer().id, kept_id)
    if found is None:
        raise bottle.HTTPError(404)
    return found


def _source(found: kept.Kept) -> longtext.LongText:
    member_id = viewer().id
    return longtext.LongText(
        name="body", label="預かった文章", heading="預かった文章", base=path("kept.kept_text", kept_id=found.id),
        part=path("kept.part", kept_id=found.id), text=found.body,
        check=lambda new: (new, []), store=lambda old, new: kept.replace(member_id, found.id, old, new),
    )


@routes.get("/kept")
@login_required
def kept_list():
    return render("kept/list.html", items=kept.for_member(viewer().id), days=kept.KEEP_DAYS)


@routes.get("/kept/<kept_id:int>")
@login_required
def kept_text(kept_id):
    found = _own(kept_id)
    return render("kept/one.html", item=found, count=len(longtext.spans(_source(found))), days=kept.KEEP_DAYS)


@routes.get("/kept/<kept_id:int>/part")
@login_required
def part(kept_id):
    return longtext.part_page(_source(_own(kept_id)))


@routes.post("/kept/<kept_id:int>/part")
@login_required
def save_part(kept_id):
    return longtext.save_part(_source(_own(kept_id)))


@routes.get("/kept/<kept_id:int>/delete")
@login_required
def delete_confirm(kept_id):
    return render("kept/delete.html", item=_own(kept_id))


@routes.post("/kept/<kept_id:int>/delete")
@login_required
def delete(kept_id):
    if not kept.delete(viewer().id, kept_id):
        raise bottle.HTTPError(404)
    redirect('kept.kept_list', msg="deleted")
