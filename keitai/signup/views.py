"""Joining: ``/invite`` (members invite by mail), ``/join/<token>`` (sign-up from an invitation),
``/join`` (open sign-up, when the operator allows it), ``/verify/<token>`` (the mailed link)."""
import bottle

from keitai import words as messages
from keitai.signup import bymail, invitations
from keitai.platform.mail import addresses as mobile_mail
from keitai.signup import rules as signup
from keitai.admin import site
from keitai.accounts import ratelimit
from keitai.platform.web import (RouteTable, current_device, login_required, mailed, params, redirect, render, sign_in,
                                 viewer)
from keitai.words import Refused

routes = RouteTable("signup")


@routes.get("/invite")
@login_required
def invite_page():
    return render("signup/invite.html", pending=invitations.pending(viewer().id), errors=[], mail="", message="",
                  days=invitations.INVITATION_DAYS)


@routes.post("/invite")
@login_required
def invite():
    form = params()
    mail, message = form.get("mail", "").strip(), form.get("message", "")
    try:
        invitations.invite_and_send(viewer().id, mail, message, mailed(""))
    except Refused as exc:
        return render("signup/invite.html", pending=invitations.pending(viewer().id), errors=[exc.message], mail=mail,
                      message=message, days=invitations.INVITATION_DAYS)
    redirect('signup.invite_page', msg="invited")


@routes.post("/invite/<invitation_id:int>/cancel")
@login_required
def cancel_invitation(invitation_id):
    if not invitations.cancel(viewer().id, invitation_id):
        raise bottle.HTTPError(404)
    redirect('signup.invite_page', msg="invite_cancelled")


def _form_from_request() -> signup.SignupForm:
    form = params()
    return signup.SignupForm(**{name: form.get(name, "") for name in signup.SignupForm.__dataclass_fields__})


def _refused(refusal: Refused):
    """The page for an invitation that cannot be used, or for joining without one when only
    invitations may: says why, changes nothing."""
    if refusal.code in invitations.UNUSABLE or refusal.code in bymail.UNUSABLE[:2]:
        bottle.response.status = 404 if refusal.code in ("signup.invitation_unknown", "signup.ticket_unknown") else 410
    return render("signup/join.html", problem=refusal.message, token=None, entry=signup.SignupForm(), errors=[])


@routes.get("/join/<token>")
def join_form(token):
    try:
        invitation = invitations.check(token)
    except Refused as exc:
        return _refused(exc)
    # Prefill the invited address when it is a handset's (it usually is).
    prefill = invitation.mail if mobile_mail.carrier_of(invitation.mail) else ""
    return render("signup/join.html", problem=None, token=token, entry=signup.SignupForm(mail=prefill), errors=[],
                  join_address=bymail.join_address(invitation.id))


@routes.get("/join")
def open_join_form():
    if site.invitation_only():
        return _refused(Refused("signup.invitation_only"))
    return render("signup/join.html", problem=None, token=None, entry=signup.SignupForm(), errors=[],
                  join_address=bymail.join_address(None))


# --- joining by 空メール: the link mailed in answer fixes the address --------------------

def _mail_join_page(token: str, entry: signup.SignupForm, errors: list[str]):
    return render("signup/join.html", problem=None, token=None, ticket=token, entry=entry, errors=errors)


@routes.get("/join/mail/<token>")
def mail_join_form(token):
    try:
        ticket = bymail.check_ticket(token)
    except Refused as exc:
        return _refused(exc)
    return _mail_join_page(token, signup.SignupForm(mail=ticket.mail), [])


@routes.post("/join/mail/<token>")
def mail_join(token):
    form = _form_from_request()
    try:
        member_id = bymail.join(form, token)
    except Refused as exc:
        if exc.code in bymail.UNUSABLE:
            return _refused(exc)
        form.password = form.password2 = ""  # never sent back into a page
        try:
            form.mail = bymail.check_ticket(token).mail
        except Refused as gone:
            return _refused(gone)
        return _mail_join_page(token, form, exc.values.get("problems", [exc.message]))
    sign_in(member_id)
    redirect("home.home", msg="welcome")


def _join(token):
    form = _form_from_request()
    # Every try is counted by the client's address: each mails someone, and the answer is the
    # same for a new address and a member's, so trying addresses one by one learns nothing fast.
    address, gateway = bottle.request.environ.get("REMOTE_ADDR") or "", current_device().from_gateway
    limit = ratelimit.GATEWAY_ADDRESS_LIMIT if gateway else ratelimit.JOIN_ADDRESS_LIMIT
    if ratelimit.over("join", address, limit):
        bottle.response.status = 429
        form.password = form.password2 = ""
        return render("signup/join.html", problem=None, token=token, entry=form,
                      errors=[Refused("signup.too_many_tries", minutes=ratelimit.WINDOW // 60).message])
    ratelimit.count("join", address)
    try:
        address_mailed, mail_sent = signup.join(form, token, mailed(""))
    except Refused as exc:
        if exc.code in invitations.UNUSABLE or exc.code == "signup.invitation_only":
            return _refused(exc)
        form.password = form.password2 = ""  # never sent back into a page
        return render("signup/join.html", problem=None, token=token, entry=form,
                      errors=exc.values.get("problems", [exc.message]))
    return render("signup/join_sent.html", mail=address_mailed, mail_sent=mail_sent, hours=signup.SIGNUP_HOURS)


@routes.post("/join/<token>")
def join(token):
    return _join(token)


@routes.post("/join")
def open_join():
    return _join(None)


@routes.get("/verify/<token>")
def verify(token):
    result = signup.verify(token)
    if not result.ok:
        bottle.response.status = 404 if result.message == messages.VERIFY_UNKNOWN else 410
    welcome = "/?msg=welcome" if result.ok and result.purpose == signup.SIGNUP else "/"
    return render("signup/verify.html", result=result, next=welcome, mail=result.mail or "")
