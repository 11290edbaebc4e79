"""``/tools/handset?path=/some/page&carrier=docomo``: a page as a handset receives it.

For members and operators on a PC or smartphone, to check a page without a phone: its
bytes against the handset's budget, its charset, each split page, and the page itself.
It is rendered inside this process as the signed-in member (keitai/platform/web/preview.py).
"""
from markupsafe import Markup

from keitai import words as messages
from keitai.platform.web import RouteTable, current_device, login_required, params, preview, render, safe_next

routes = RouteTable("tools")


@routes.get("/tools/handset")
@login_required
def handset_view():
    if current_device().is_handset:
        return render("tools/handset.html")
    form = params()
    target = form.get("path", "/").strip()[:2000] or "/"
    handset = form.get("carrier", "docomo")
    handset = handset if handset in preview.HANDSETS else "docomo"
    error = view = None
    pages = []
    if safe_next(target) != target or target.startswith("/tools/"):
        error = messages.HANDSET_VIEW_BAD_PATH
    else:
        view = preview.fetch(target, handset)
        for page in view.pages:
            markup = view.text(page)
            pages.append({
                "size": len(page),
                "over": len(page) > view.budget,
                "title": preview.title_of(markup),
                "screen": Markup(preview.screen(markup, handset)),
                "source": markup,
            })
    redirect_to = preview.preview_path(view.location) if view and view.location else None
    return render("tools/handset.html", target=target, handset=handset, handsets=preview.HANDSETS,
                  view=view, pages=pages, error=error, redirect_to=redirect_to)
