"""Community polls: ``/community/<id>/polls``, ``/community/<id>/poll/new``, ``/poll/<id>``
(vote, change a vote), ``/poll/<id>/delete``.

Thin: the rules are in rules.py; the community's standing, refusals and confirmation
pages are the communities feature's own view helpers.
"""
import bottle

from keitai.communities.views import attempt, confirm, refuse, require, standing_of
from keitai.platform.web import (RouteTable, int_param, login_required, params, path, per_page, redirect, render,
                                 viewer)
from keitai.words import Refused

from . import rules

routes = RouteTable("polls")

CHOICE_FIELDS = tuple(f"choice{n}" for n in range(1, rules.MAX_CHOICES + 1))


@routes.get("/community/<community_id:int>/polls")
@login_required
def poll_list(community_id):
    st = standing_of(community_id)
    require(st.can_read, "communities.members_only")
    page = rules.community_polls(st, per_page(10, 20), params().get("before"))
    return render("polls/list.html", st=st, c=st.community, page=page)


def _form(st, draft: rules.Draft, errors: list[str]):
    return render("polls/form.html", st=st, c=st.community, draft=draft, errors=errors,
                  fields=list(zip(CHOICE_FIELDS, draft.choices)), question_max=rules.QUESTION_MAX,
                  choice_max=rules.CHOICE_MAX)


def _creator_standing(community_id: int):
    st = standing_of(community_id)
    require(st.is_member, "communities.not_member")
    require(st.can_open_topic, "polls.admins_only")
    return st


@routes.get("/community/<community_id:int>/poll/new")
@login_required
def new_form(community_id):
    return _form(_creator_standing(community_id), rules.Draft("", ("",) * len(CHOICE_FIELDS), ""), [])


@routes.post("/community/<community_id:int>/poll/new")
@login_required
def create(community_id):
    st = _creator_standing(community_id)
    form = params()
    draft = rules.Draft(form.get("question", ""), tuple(form.get(name, "") for name in CHOICE_FIELDS),
                        form.get("closes", ""))
    checked, errors = rules.check_poll(draft)
    if errors:
        return _form(st, draft, errors)
    poll_id = rules.create_poll(st, checked)
    redirect("polls.poll", poll_id=poll_id, msg="poll_created")


def _poll(poll_id: int):
    found = rules.get_poll(poll_id, viewer().id)
    if found is None:
        raise bottle.HTTPError(404)
    st = standing_of(found.community_id)
    require(st.can_read, "communities.members_only")
    return rules.as_seen_by(st, found), st


def _page(found, st, error: str | None = None):
    return render("polls/poll.html", st=st, c=st.community, poll=found, error=error,
                  choices=rules.choices(viewer().id, found))


@routes.get("/poll/<poll_id:int>")
@login_required
def poll(poll_id):
    return _page(*_poll(poll_id))


@routes.post("/poll/<poll_id:int>/vote")
@login_required
def vote(poll_id):
    found, st = _poll(poll_id)
    try:
        rules.vote(st, found, int_param("choice"))
    except Refused as exc:
        if found.may_vote:
            return _page(found, st, exc.message)
        refuse(exc)
    redirect("polls.poll", poll_id=poll_id, msg="voted")


@routes.get("/poll/<poll_id:int>/delete")
@login_required
def delete_confirm(poll_id):
    found, st = _poll(poll_id)
    require(found.may_remove, "communities.not_yours")
    return confirm("delete_poll", path("polls.delete", poll_id=poll_id),
                   path("polls.poll", poll_id=poll_id), name=found.question)


@routes.post("/poll/<poll_id:int>/delete")
@login_required
def delete(poll_id):
    found, st = _poll(poll_id)
    attempt(rules.remove, st, found)
    redirect("polls.poll_list", community_id=st.community.id, msg="poll_removed")
