"""Messages: ``/messages`` (inbox), ``/messages/sent``, ``/message/<id>``, ``/message/new?to=<id>``,
and ``/settings/messages`` (the notice mail)."""
import bottle

from keitai import words
from keitai.words import Refused
from keitai.messages import rules as messages
from keitai.platform.web import (
    RouteTable, int_param, login_required, mailed, params, path, per_page, redirect, render, url, viewer,
)
from keitai.kept import longtext

routes = RouteTable("messages")


@routes.get("/messages")
@login_required
def inbox():
    page = messages.inbox(viewer().id, params().get("before"), per_page(10, 20))
    return render("messages/inbox.html", page=page, first=not params().get("before"))


@routes.get("/messages/sent")
@login_required
def sent():
    page = messages.sent(viewer().id, params().get("before"), per_page(10, 20))
    return render("messages/sent.html", page=page, first=not params().get("before"))


@routes.get("/message/<message_id:int>")
@login_required
def show(message_id):
    me = viewer().id
    message = messages.open_message(me, message_id)
    if message is None:
        raise bottle.HTTPError(404)
    other_id, _nickname = message.other(me)
    return render(
        "messages/message.html",
        message=message,
        thread=messages.earlier_in_thread(me, message),
        can_reply=messages.recipient_for(me, other_id) is not None,
    )


@routes.post("/message/<message_id:int>/delete")
@login_required
def delete(message_id):
    me = viewer().id
    message = messages.open_message(me, message_id)
    if message is None or not messages.delete_for(me, message_id):
        raise bottle.HTTPError(404)
    redirect("messages.sent" if message.sender_id == me else "messages.inbox", msg="message_deleted")


def _compose(recipient, reply_to, subject="", body="", errors=()):
    note = f"{recipient[1]}さんへのメッセージ" + ("：" + " ".join(errors) if errors else "")
    addressee = {"reply": reply_to.id} if reply_to else {"to": recipient[0]}
    resume = url("messages.compose", _session=False, **addressee)
    return longtext.render_form("messages/new.html", body, note, resume, recipient=recipient, reply_to=reply_to,
                                subject=subject, body=body, errors=list(errors), max_subject=messages.MAX_SUBJECT,
                                max_body=messages.MAX_BODY)


def _addressee(me: int, form) -> tuple[tuple[int, str], messages.Message | None]:
    """(recipient id and nickname, message replied to) from ``to`` or ``reply``; 404/403 if none."""
    reply_id = int_param("reply")
    original = None
    if reply_id is not None:
        original = messages.open_message(me, reply_id)
        if original is None:
            raise bottle.HTTPError(404)
        to = original.other(me)[0]
    else:
        to = int_param("to")
        if to is None:
            raise bottle.HTTPError(404)
    recipient = messages.recipient_for(me, to)
    if recipient is None:
        raise bottle.HTTPError(403, words.REFUSALS["messages.cannot_send"])
    return recipient, original


@routes.get("/message/new")
@login_required
def compose():
    recipient, original = _addressee(viewer().id, params())
    subject = messages.reply_subject(original.subject) if original else ""
    resumed = longtext.kept_in_form()
    return _compose(recipient, original, subject, resumed.body if resumed else "")


@routes.post("/message/new")
@login_required
def send():
    me = viewer().id
    form = params()
    recipient, original = _addressee(me, form)
    typed = longtext.posted("body") or ""
    subject, body, errors = messages.clean(form.get("subject", ""), typed)
    if errors:
        return _compose(recipient, original, form.get("subject", ""), typed, errors)
    try:
        messages.send(me, recipient[0], subject, body, reply_to=original.id if original else None,
                      inbox_link=mailed(path("messages.inbox")))
    except Refused as exc:
        return _compose(recipient, original, form.get("subject", ""), typed, [exc.message])
    longtext.forget_kept()
    redirect('messages.sent', msg="message_sent")


@routes.get("/settings/messages")
@login_required
def settings_form():
    return render("messages/settings.html", on=messages.wants_mail(viewer().id), error=None)


@routes.post("/settings/messages")
@login_required
def settings_save():
    choice = params().get("mail")
    if choice not in ("1", "0"):
        return render("messages/settings.html", on=messages.wants_mail(viewer().id), error=words.CHOOSE_ONE)
    messages.set_wants_mail(viewer().id, choice == "1")
    redirect('messages.settings_form', msg="saved")
