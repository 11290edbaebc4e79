"""Signing in and out: ``/login``, ``/login/easy`` (かんたんログイン), ``/logout``; a forgotten
password reset by mail: ``/password/forgot``, ``/password/reset/<token>``."""
import logging

import bottle

from keitai import privacy
from keitai import words as messages
from keitai.platform import device as devices
from keitai.accounts import rules as accounts
from keitai.accounts import easylogin
from keitai.accounts import ratelimit
from keitai.accounts import reset
from keitai.signup import rules as signup
from keitai.platform.web import (
    RouteTable, current_device, mailed, params, path, redirect, render, safe_next, sign_in, sign_out, viewer,
)

routes = RouteTable("accounts")
log = logging.getLogger("keitai.auth")


def client_address() -> str:
    """The member's own address, also behind a proxy (keitai.platform.web.forwarded)."""
    return bottle.request.environ.get("REMOTE_ADDR") or ""


@routes.get("/login")
def login_form():
    if viewer():
        redirect('home.home')
    return render("accounts/login.html", error=None, next=safe_next(params().get("next")), mail="")


@routes.post("/login")
def login():
    form = params()
    mail = form.get("mail", "").strip()[:254]
    target = safe_next(form.get("next"))
    dev = current_device()
    who = (mail, client_address(), dev.from_gateway, dev.subscriber_id)
    if ratelimit.limited(*who):
        bottle.response.status = 429
        error = messages.LOGIN_RATE_LIMITED.format(minutes=ratelimit.WINDOW // 60)
        return render("accounts/login.html", error=error, next=target, mail=mail)
    found = accounts.check_credentials(mail, form.get("password", "")[:1024])
    if found is None:
        ratelimit.record_failure(*who)
        return render("accounts/login.html", error=messages.LOGIN_FAILED, next=target, mail=mail)
    member_id, status = found
    ratelimit.record_success(mail)
    if status == "pending":
        sent = signup.resend_signup(member_id, mailed(""))
        error = messages.LOGIN_PENDING_RESENT if sent else messages.LOGIN_PENDING
        return render("accounts/login.html", error=error, next=target, mail=mail)
    if not privacy.is_active(status):
        return render("accounts/login.html", error=messages.LOGIN_SUSPENDED, next=target, mail=mail)
    sign_in(member_id)
    redirect(target)


def _sent_subscriber_header() -> str | None:
    """The name of a subscriber-id header in this request, whoever sent it."""
    env = bottle.request.environ
    return next((name for name in devices.SUBSCRIBER_HEADERS.values() if env.get(name)), None)


@routes.get("/login/easy")
def easy_login():
    """Sign in by the handset's subscriber id (docomo links here carry guid=ON)."""
    dev = current_device()
    target = safe_next(params().get("next"))

    def refuse(error: str, status: int = 200):
        bottle.response.status = status
        return render("accounts/login.html", error=error, next=target, mail="")

    if not easylogin.enabled():
        return refuse(messages.EASY_LOGIN_OFF)
    header = _sent_subscriber_header()
    if header and not dev.from_gateway:
        # A subscriber id from outside the carrier's gateway is forged (or a misconfigured proxy).
        log.warning("easy login refused: %s from %s outside the %s gateway (UA %.60s)",
                    header[5:], client_address(), dev.carrier or "carriers'", dev.user_agent)
        return refuse(messages.EASY_LOGIN_NOT_HANDSET, 403)
    if not (dev.is_handset and dev.from_gateway):
        return refuse(messages.EASY_LOGIN_NOT_HANDSET)
    if not dev.subscriber_id:
        return refuse(messages.EASY_LOGIN_NO_ID)
    member_id = easylogin.member_for(dev.carrier, dev.subscriber_id)
    if member_id is None:
        return refuse(messages.EASY_LOGIN_UNKNOWN)
    sign_in(member_id)
    redirect(target)


@routes.get("/logout")
def logout_confirm():
    if viewer() is None:
        redirect('home.home')
    return render("accounts/logout.html")


@routes.post("/logout")
def logout():
    sign_out()
    redirect('home.home', msg="logged_out")


# --- password reset (reset.py) -----------------------------------------------------------

@routes.get("/password/forgot")
def forgot_form():
    return render("accounts/forgot.html", sent=False, error=None, mail="")


@routes.post("/password/forgot")
def forgot():
    mail = params().get("mail", "").strip()[:254]
    dev = current_device()
    if reset.limited(client_address(), dev.from_gateway):
        bottle.response.status = 429
        return render("accounts/forgot.html", sent=False, error=messages.RESET_RATE_LIMITED, mail=mail)
    # The same answer whether or not the address is a member's: only its owner learns, by mail.
    reset.ask(mail, client_address(), lambda token: mailed(path("accounts.reset_form", token=token)))
    return render("accounts/forgot.html", sent=True, error=None, mail="", minutes=reset.VALID_MINUTES)


@routes.get("/password/reset/<token>")
def reset_form(token):
    usable = reset.member_for(token) is not None
    if not usable:  # used, expired or never made: the page says so, and offers a new mail
        bottle.response.status = 410
    return render("accounts/reset.html", usable=usable, errors=[], token=token, minimum=signup.PASSWORD_MIN)


@routes.post("/password/reset/<token>")
def reset_password(token):
    form = params()
    usable = reset.member_for(token) is not None
    errors = signup.password_errors(form.get("password", ""), form.get("password2", "")) if usable else []
    member_id = None if errors or not usable else reset.use(token, form.get("password"))
    if member_id is None:
        bottle.response.status = 410 if not errors else 200
        return render("accounts/reset.html", usable=bool(errors), errors=errors, token=token,
                      minimum=signup.PASSWORD_MIN)
    sign_in(member_id)
    redirect('home.home', msg="password_reset")
