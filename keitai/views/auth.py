"""Signing in and out: ``/login``, ``/logout``."""
from keitai import messages
from keitai.social import accounts
from keitai.web import RouteTable, params, redirect, render, safe_next, sign_in, sign_out, viewer

routes = RouteTable()


@routes.get("/login")
def login_form():
    if viewer():
        redirect("/")
    return render("login.html", error=None, next=safe_next(params().get("next")), mail="")


@routes.post("/login")
def login():
    form = params()
    mail = form.get("mail", "").strip()[:254]
    target = safe_next(form.get("next"))
    member_id = accounts.authenticate(mail, form.get("password", "")[:1024])
    if member_id is None:
        return render("login.html", error=messages.LOGIN_FAILED, next=target, mail=mail)
    sign_in(member_id)
    redirect(target)


@routes.get("/logout")
def logout_confirm():
    if viewer() is None:
        redirect("/")
    return render("logout.html")


@routes.post("/logout")
def logout():
    sign_out()
    redirect("/", msg="logged_out")
