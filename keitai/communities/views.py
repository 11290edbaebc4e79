"""Communities: ``/communities``, ``/community/new``, ``/community/<id>`` and its pages
(topics and comments are in board_views.py).

Thin: the rules are in the package (see rules.py).  Every action that cannot be
undone has a confirmation page (GET) before its form (POST), since handsets
have no script to ask "are you sure?".
"""
import bottle

from keitai import words as messages
from keitai import communities
from keitai.events import rules as events
from keitai.favorites import rules as favorites
from keitai.polls import rules as polls
from keitai.photos import rules as photos
from keitai.platform.text import parts
from keitai.platform.web import (RouteTable, current_device, files, login_required, params, path, per_page,
                                 redirect, render, viewer)
from keitai.kept import longtext
from keitai.notify import rules as notify
from keitai.words import Refused

routes = RouteTable("communities")


def standing_of(community_id: int) -> communities.Standing:
    me = viewer()
    found = communities.standing(community_id, me.id, site_admin=me.is_admin)
    if found is None:
        raise bottle.HTTPError(404)
    return found


def refuse(exc: Refused):
    raise bottle.HTTPError(403, exc.message)


def require(allowed: bool, code: str = "communities.not_admin") -> None:
    if not allowed:
        refuse(Refused(code))


def attempt(action, *args):
    """``action(*args)``, a rule's action; its refusal is a 403 page in its words."""
    try:
        return action(*args)
    except Refused as exc:
        refuse(exc)


def _admin_standing(community_id: int) -> communities.Standing:
    st = standing_of(community_id)
    require(st.is_admin)
    return st


def confirm(kind: str, target: str, back: str, hidden: dict | None = None, **words):
    """A page asking "are you sure?" (messages.COMMUNITY_CONFIRM[kind]) whose form posts ``hidden`` to ``target``
    (``target`` and ``back`` are paths made by :func:`_path`)."""
    title, question, button = messages.COMMUNITY_CONFIRM[kind]
    return render("communities/confirm.html", title=title, question=question.format(**words), button=button,
                  target=target, back=back, hidden=hidden or {})


# ---------------------------------------------------------------------------
# Lists


@routes.get("/communities")
@login_required
def hub():
    me = viewer()
    return render(
        "communities/index.html",
        mine=communities.my_communities(me.id, limit=per_page(5, 10)),
        updates=communities.home_updates(me.id, limit=per_page(5, 10)),
    )


@routes.get("/communities/<kind:re:mine|newest|active>")
@login_required
def listing(kind):
    before, limit = params().get("before"), per_page(10, 20)
    if kind == "mine":
        page = communities.my_communities(viewer().id, limit, before)
    elif kind == "newest":
        page = communities.newest_communities(viewer().id, limit, before)
    else:
        page = communities.active_communities(viewer().id, limit, before)
    return render("communities/list.html", heading=messages.COMMUNITY_LISTS[kind], page=page,
                  more=path("communities.listing", kind=kind))


@routes.get("/communities/categories")
@login_required
def categories():
    return render("communities/categories.html", categories=communities.CATEGORIES)


@routes.get("/communities/category/<key>")
@login_required
def category(key):
    if key not in communities.CATEGORIES:
        raise bottle.HTTPError(404)
    page = communities.active_communities(viewer().id, per_page(10, 20), params().get("before"), category=key)
    return render("communities/list.html", heading=communities.CATEGORIES[key], page=page,
                  more=path("communities.category", key=key))


# ---------------------------------------------------------------------------
# Creating, editing, deleting


_FIELDS = ("name", "category", "description", "join_policy", "read_policy", "topic_policy")
_DEFAULTS = {"name": "", "category": "", "description": "", "join_policy": "open",
             "read_policy": "everyone", "topic_policy": "members"}


def _form_values() -> dict:
    form = params()
    return {name: form.get(name, "") for name in _FIELDS}


def _settings_form(values: dict, error: str | None, community=None, description_v: str | None = None,
                   description_as_stored: bool = False):
    """The form to make or edit a community.  ``description_as_stored``: the stored description,
    in the form if the device's page holds it, else as a list of parts to edit one by one."""
    context = dict(values=values, error=error, community=community, categories=communities.CATEGORIES,
                   can_upload=photos.can_upload(current_device()))
    if description_as_stored:
        source = _description_source(community)
        return longtext.form_or_parts("communities/form.html", source, description_v=parts.version(source.text),
                                      **context)
    if community is None:
        note, resume = "コミュニティを作る・説明", path("communities.new_form")
    else:
        note, resume = f"コミュニティ「{community.name}」の説明", path("communities.edit_form", community_id=community.id)
    note = f"{note}：{error}" if error else note
    return longtext.render_form("communities/form.html", values["description"], note, resume,
                                description_v=description_v, **context)


def _description_source(community) -> longtext.LongText:
    """A community's description, for editing in parts on handsets whose page cannot hold the form."""
    return longtext.LongText(
        name="description", label="説明", heading=community.name,
        base=path("communities.edit_form", community_id=community.id),
        part=path("communities.description_part", community_id=community.id),
        text=community.description, check=communities.check_description,
        store=lambda old, new: communities.replace_description(standing_of(community.id), old, new),
    )


def _upload() -> photos.Prepared | None:
    """The photo sent with the settings form, checked (raises Refused); None if none was sent."""
    if not photos.can_upload(current_device()):
        return None
    upload = files().get("photo")
    return photos.prepare(upload) if upload is not None else None


def _photo_error(exc: messages.Refused) -> str:
    return f"{exc.message}{messages.PHOTO_RESELECT}"


@routes.get("/community/new")
@login_required
def new_form():
    resumed = longtext.kept_in_form()
    return _settings_form(dict(_DEFAULTS, description=resumed.body if resumed else ""), None)


@routes.post("/community/new")
@login_required
def create():
    values = dict(_form_values(), description=longtext.posted("description") or "")
    try:
        photo = _upload()
    except messages.Refused as exc:
        return _settings_form(values, _photo_error(exc))
    try:
        community_id = communities.create_community(viewer().id, **values)
    except Refused as exc:
        return _settings_form(values, exc.message + (messages.PHOTO_RESELECT if photo else ""))
    if photo is not None:
        communities.set_photo(communities.standing(community_id, viewer().id), photo)
    longtext.forget_kept()
    redirect('communities.community', community_id=community_id, msg="community_created")


@routes.get("/community/<community_id:int>/edit")
@login_required
def edit_form(community_id):
    st = _admin_standing(community_id)
    c = st.community
    values = {name: getattr(c, name) for name in _FIELDS}
    resumed = longtext.kept_in_form()
    if resumed is None:
        return _settings_form(values, None, c, description_as_stored=True)
    return _settings_form(dict(values, description=resumed.body), None, c, parts.version(c.description))


@routes.post("/community/<community_id:int>/edit")
@login_required
def edit(community_id):
    st = _admin_standing(community_id)
    sent = longtext.posted("description")  # None: this form leaves it to its parts
    values = dict(_form_values(), description=sent)
    stored = st.community.description

    def again(error: str):
        if sent is None:
            return _settings_form(dict(values, description=stored), error, st.community, description_as_stored=True)
        return _settings_form(values, error, st.community, params().get("description_v"))

    try:
        photo = _upload()
    except messages.Refused as exc:
        return again(_photo_error(exc))
    refused = None
    try:
        try:
            description = longtext.merge("description", None if sent is None else sent.strip(), stored)
            communities.edit_community(st, **dict(values, description=description),
                                       expected_description=None if description is None else stored)
        except parts.Changed:
            # The description changed elsewhere since this form was made: the rest is saved, it is kept.
            refused = sent
            communities.edit_community(st, **dict(values, description=None))
        if photo is not None:
            communities.set_photo(st, photo)
        elif params().get("remove_photo"):
            communities.remove_photo(st)
    except Refused as exc:
        return again(exc.message + (messages.PHOTO_RESELECT if photo else ""))
    if refused is not None:
        longtext.keep_refused(f"コミュニティ「{st.community.name}」の説明", refused, rest_saved=True)
    longtext.forget_kept()
    redirect('communities.community', community_id=community_id, msg="saved")


@routes.get("/community/<community_id:int>/edit/part")
@login_required
def description_part(community_id):
    return longtext.part_page(_description_source(_admin_standing(community_id).community))


@routes.post("/community/<community_id:int>/edit/part")
@login_required
def save_description_part(community_id):
    return longtext.save_part(_description_source(_admin_standing(community_id).community))


@routes.get("/community/<community_id:int>/delete")
@login_required
def delete_confirm(community_id):
    st = standing_of(community_id)
    require(st.can_delete, "communities.not_owner")
    return confirm("delete", path("communities.delete", community_id=community_id),
                    path("communities.community", community_id=community_id), name=st.community.name)


@routes.post("/community/<community_id:int>/delete")
@login_required
def delete(community_id):
    try:
        communities.delete_community(standing_of(community_id))
    except Refused as exc:
        refuse(exc)
    redirect('communities.hub', msg="community_deleted")


# ---------------------------------------------------------------------------
# The community and its members


@routes.get("/community/<community_id:int>")
@login_required
def community(community_id):
    st = standing_of(community_id)
    return render("communities/community.html", st=st, c=st.community,
                  topics=communities.topics(st, limit=per_page(5, 10)),
                  events=events.community_events(st, limit=3), polls=polls.community_polls(st, limit=3),
                  favorite=favorites.is_favorite_community(viewer().id, community_id))


@routes.get("/community/<community_id:int>/topics")
@login_required
def topic_list(community_id):
    st = standing_of(community_id)
    require(st.can_read, "communities.members_only")
    page = communities.topics(st, per_page(10, 20), params().get("before"))
    return render("communities/topics.html", st=st, c=st.community, page=page)


@routes.get("/community/<community_id:int>/members")
@login_required
def member_list(community_id):
    st = standing_of(community_id)
    require(st.can_read, "communities.members_only")
    page = communities.members(st, per_page(10, 30), params().get("before"))
    return render("communities/members.html", st=st, c=st.community, page=page)


@routes.get("/community/<community_id:int>/join")
@login_required
def join_form(community_id):
    st = standing_of(community_id)
    return render("communities/join.html", st=st, c=st.community, message="", error=None)


@routes.post("/community/<community_id:int>/join")
@login_required
def join(community_id):
    st = standing_of(community_id)
    message = params().get("message", "")
    try:
        outcome = communities.join(st, message)
    except Refused as exc:
        return render("communities/join.html", st=st, c=st.community, message=message, error=exc.message)
    redirect('communities.community', community_id=community_id, msg=outcome)


@routes.get("/community/<community_id:int>/cancel")
@login_required
def cancel_confirm(community_id):
    st = standing_of(community_id)
    require(st.requested, "communities.no_request")
    return confirm("cancel", path("communities.cancel", community_id=community_id),
                    path("communities.community", community_id=community_id), name=st.community.name)


@routes.post("/community/<community_id:int>/cancel")
@login_required
def cancel(community_id):
    try:
        communities.cancel_request(standing_of(community_id))
    except Refused as exc:
        refuse(exc)
    redirect('communities.community', community_id=community_id, msg="join_request_cancelled")


@routes.get("/community/<community_id:int>/leave")
@login_required
def leave_confirm(community_id):
    st = standing_of(community_id)
    require(st.is_member, "communities.not_joined")
    require(st.can_leave, "communities.owner_cannot_leave")
    return confirm("leave", path("communities.leave", community_id=community_id),
                    path("communities.community", community_id=community_id), name=st.community.name)


@routes.post("/community/<community_id:int>/leave")
@login_required
def leave(community_id):
    try:
        communities.leave(standing_of(community_id))
    except Refused as exc:
        refuse(exc)
    redirect('communities.community', community_id=community_id, msg="left")


# ---------------------------------------------------------------------------
# Administration


@routes.get("/community/<community_id:int>/admin")
@login_required
def admin(community_id):
    st = standing_of(community_id)
    require(st.can_moderate)
    return render(
        "communities/admin.html", st=st, c=st.community,
        requests=communities.open_request_count(st) if st.is_admin else 0,
        reports=communities.open_report_count(st),
        subadmins=communities.subadmins(st), banned=communities.banned_members(st),
        max_subadmins=communities.MAX_SUBADMINS,
    )


@routes.get("/community/<community_id:int>/requests")
@login_required
def requests(community_id):
    st = standing_of(community_id)
    require(st.is_admin)
    notify.looked(viewer().id, "community_join")
    page = communities.join_requests(st, per_page(5, 20), params().get("before"))
    return render("communities/requests.html", st=st, c=st.community, page=page)


@routes.post("/community/<community_id:int>/requests/<member_id:int>")
@login_required
def answer(community_id, member_id):
    choice = params().get("answer")
    if choice not in ("approve", "reject"):
        raise bottle.HTTPError(400)
    approve = choice == "approve"
    try:
        communities.answer_request(standing_of(community_id), member_id, approve)
    except Refused as exc:
        refuse(exc)
    redirect('communities.requests', community_id=community_id, msg="approved" if approve else "rejected")


@routes.get("/community/<community_id:int>/reports")
@login_required
def reports(community_id):
    st = standing_of(community_id)
    require(st.can_moderate)
    page = communities.community_reports(st, per_page(5, 20), params().get("before"))
    return render("communities/reports.html", st=st, c=st.community, page=page)


@routes.post("/community/<community_id:int>/reports/<report_id:int>")
@login_required
def resolve(community_id, report_id):
    action = params().get("action")
    if action not in ("remove", "dismiss"):
        raise bottle.HTTPError(400)
    remove = action == "remove"
    try:
        communities.resolve_report(standing_of(community_id), report_id, remove)
    except Refused as exc:
        refuse(exc)
    redirect('communities.reports', community_id=community_id, msg="removed" if remove else "dismissed")


def _person(st, member_id):
    require(st.can_moderate)
    person = communities.member_in(st, member_id)
    if person is None:
        raise bottle.HTTPError(404, Refused("communities.not_a_member").message)
    return person


@routes.get("/community/<community_id:int>/member/<member_id:int>")
@login_required
def person(community_id, member_id):
    st = standing_of(community_id)
    return render("communities/person.html", st=st, c=st.community, person=_person(st, member_id))


_PERSON_ACTIONS = {
    "subadmin": (lambda st, m: communities.set_subadmin(st, m, True), "subadmin_added"),
    "unsubadmin": (lambda st, m: communities.set_subadmin(st, m, False), "subadmin_removed"),
    "handover": (communities.hand_over, "handed_over"),
    "remove": (communities.remove_member, "member_removed"),
    "unban": (communities.unban, "unbanned"),
}
@routes.get("/community/<community_id:int>/member/<member_id:int>/<action:re:handover|remove>")
@login_required
def person_confirm(community_id, member_id, action):
    st = standing_of(community_id)
    found = _person(st, member_id)
    here = path("communities.person", community_id=community_id, member_id=member_id)
    return confirm(action, here, here, {"action": action}, name=found.nickname)


@routes.post("/community/<community_id:int>/member/<member_id:int>")
@login_required
def person_action(community_id, member_id):
    action = params().get("action")
    if action not in _PERSON_ACTIONS:
        raise bottle.HTTPError(400)
    do, notice = _PERSON_ACTIONS[action]
    try:
        do(standing_of(community_id), member_id)
    except Refused as exc:
        refuse(exc)
    redirect("communities.community" if action == "handover" else "communities.admin",
             community_id=community_id, msg=notice)
