"""Community events: ``/community/<id>/events``, ``/community/<id>/event/new``, ``/event/<id>``
(参加/キャンセル), ``/event/<id>/participants`` and ``/event/<id>/delete``.

Thin: the rules are in rules.py; the community's standing, refusals and confirmation
pages are the communities feature's own view helpers.
"""
import bottle

from keitai.communities.views import attempt, confirm, require, standing_of
from keitai.platform.web import RouteTable, login_required, params, path, per_page, redirect, render, viewer

from . import rules

routes = RouteTable("events")

_FIELDS = ("title", "date", "time", "place", "deadline", "body")


@routes.get("/community/<community_id:int>/events")
@login_required
def event_list(community_id):
    st = standing_of(community_id)
    require(st.can_read, "communities.members_only")
    past = params().get("past") == "1"
    page = rules.community_events(st, past, per_page(10, 20), params().get("before"))
    return render("events/list.html", st=st, c=st.community, page=page, past=past)


def _form(st, draft: rules.Draft, errors: list[str], event=None):
    return render("events/form.html", st=st, c=st.community, draft=draft, errors=errors, event=event,
                  title_max=rules.TITLE_MAX, place_max=rules.PLACE_MAX, body_max=rules.BODY_MAX)


def _draft() -> rules.Draft:
    form = params()
    return rules.Draft(*(form.get(name, "") for name in _FIELDS))


def _creator_standing(community_id: int):
    st = standing_of(community_id)
    require(st.is_member, "communities.not_member")
    require(st.can_open_topic, "events.admins_only")
    return st


@routes.get("/community/<community_id:int>/event/new")
@login_required
def new_form(community_id):
    return _form(_creator_standing(community_id), rules.Draft("", "", "", "", "", ""), [])


@routes.post("/community/<community_id:int>/event/new")
@login_required
def create(community_id):
    st = _creator_standing(community_id)
    draft = _draft()
    checked, errors = rules.check_event(draft)
    if errors:
        return _form(st, draft, errors)
    event_id = rules.create_event(st, checked)
    redirect("events.event", event_id=event_id, msg="event_created")


def _event(event_id: int):
    """The event as the viewer may act on it, and their standing in its community; 404/403
    when it is not theirs to see."""
    found = rules.get_event(event_id, viewer().id)
    if found is None:
        raise bottle.HTTPError(404)
    st = standing_of(found.community_id)
    require(st.can_read, "communities.members_only")
    return rules.as_seen_by(st, found), st


@routes.get("/event/<event_id:int>")
@login_required
def event(event_id):
    found, st = _event(event_id)
    me = viewer().id
    return render("events/event.html", st=st, c=st.community, event=found,
                  participants=rules.participants(me, found, per_page(10, 30)),
                  count=rules.participant_count(me, found))


def _own_event(event_id: int):
    found, st = _event(event_id)
    require(found.may_edit, "events.not_yours")
    return found, st


@routes.get("/event/<event_id:int>/edit")
@login_required
def edit_form(event_id):
    found, st = _own_event(event_id)
    return _form(st, found.as_draft(), [], found)


@routes.post("/event/<event_id:int>/edit")
@login_required
def edit(event_id):
    found, st = _own_event(event_id)
    draft = _draft()
    checked, errors = rules.check_event(draft)
    if errors:
        return _form(st, draft, errors, found)
    rules.update_event(st, found, checked)
    redirect("events.event", event_id=event_id, msg="event_saved")


@routes.get("/event/<event_id:int>/participants")
@login_required
def participant_list(event_id):
    found, st = _event(event_id)
    me = viewer().id
    page = rules.participants(me, found, per_page(20, 50), params().get("before"))
    return render("events/participants.html", st=st, c=st.community, event=found, page=page,
                  count=rules.participant_count(me, found))


@routes.post("/event/<event_id:int>/join")
@login_required
def join(event_id):
    found, st = _event(event_id)
    attempt(rules.join, st, found)
    redirect("events.event", event_id=event_id, msg="event_joined")


@routes.post("/event/<event_id:int>/cancel")
@login_required
def cancel(event_id):
    found, st = _event(event_id)
    attempt(rules.cancel, st, found)
    redirect("events.event", event_id=event_id, msg="event_cancelled")


@routes.get("/event/<event_id:int>/delete")
@login_required
def delete_confirm(event_id):
    found, st = _event(event_id)
    require(found.may_remove, "communities.not_yours")
    return confirm("delete_event", path("events.delete", event_id=event_id),
                   path("events.event", event_id=event_id), name=found.title)


@routes.post("/event/<event_id:int>/delete")
@login_required
def delete(event_id):
    found, st = _event(event_id)
    attempt(rules.remove, st, found)
    redirect("events.event_list", community_id=st.community.id, msg="event_removed")
