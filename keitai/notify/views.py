"""``/settings/notify``: which notice mails a member gets, one switch per kind."""
from keitai import words
from keitai.notify import rules as notify
from keitai.platform.web import RouteTable, login_required, params, redirect, render, viewer

routes = RouteTable("notify")


def _page(error=None):
    on = notify.switched_on(viewer().id)
    kinds = [(kind, words.NOTICE_MAIL_LABELS[kind], on[kind]) for kind in notify.KINDS]
    return render("notify/settings.html", kinds=kinds, error=error)


@routes.get("/settings/notify")
@login_required
def settings_form():
    return _page()


@routes.post("/settings/notify")
@login_required
def settings_save():
    form = params()
    if form.get("shown") != "1":
        return _page(words.NOTICE_MAIL_FORM_BROKEN)
    notify.switch(viewer().id, {kind for kind in notify.KINDS if form.get(kind) == "1"})
    redirect('notify.settings_form', msg="saved")
