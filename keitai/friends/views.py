"""My friends: ``/friends``, ``/friends/requests`` (answer or take back requests) and
``/friends/groups`` (friend lists to choose as an audience)."""
import bottle

from keitai import words as messages
from keitai.words import Refused
from keitai.friends import rules as friends
from keitai.friends import groups
from keitai.notify import rules as notify
from keitai.photos import rules as photos
from keitai.platform.web import RouteTable, current_device, login_required, params, per_page, redirect, render, viewer


routes = RouteTable("friends")


def _ids(name: str) -> list[int]:
    return [int(v) for v in params().getall(name) if v.isascii() and v.isdecimal() and len(v) < 19]


@routes.get("/friends")
@login_required
def my_friends():
    me = viewer()
    page = friends.friend_list(me.id, me.id, params().get("before"), per_page(10, 30))
    waiting = friends.incoming_count(me.id)  # counting stops at REQUESTS_COUNT_CAP, as on home
    return render("friends/list.html", page=page, requests="99+" if waiting > 99 else waiting,
                  thumbnails=photos.thumbnails_fit(current_device(), len(page.items)))


@routes.get("/friends/requests")
@login_required
def requests_page():
    me = viewer()
    notify.looked(me.id, "friend_request")
    return render("friends/requests.html", incoming=friends.incoming(me.id), outgoing=friends.outgoing(me.id))


@routes.post("/friends/requests/<request_id:int>/<answer:re:accept|decline|cancel>")
@login_required
def answer_request(request_id, answer):
    me = viewer()
    done = {"accept": friends.accept, "decline": friends.decline, "cancel": friends.cancel_request}[answer](me.id, request_id)
    if not done:
        raise bottle.HTTPError(404, messages.FRIEND_REQUEST_GONE)
    notice = {"accept": "accepted", "decline": "declined", "cancel": "request_cancelled"}[answer]
    redirect('friends.requests_page', msg=notice)


# --- groups -----------------------------------------------------------------------------

@routes.get("/friends/groups")
@login_required
def groups_page():
    return render("friends/groups.html", groups=groups.groups_of(viewer().id), error=None, group_name="", limit=groups.GROUP_LIMIT)


@routes.post("/friends/groups")
@login_required
def create_group():
    me = viewer()
    name = params().get("name", "")
    try:
        group_id = groups.create(me.id, name)
    except Refused as exc:
        return render("friends/groups.html", groups=groups.groups_of(me.id), error=exc.message, group_name=name, limit=groups.GROUP_LIMIT)
    redirect('friends.group_page', group_id=group_id, msg="group_created")


def _my_group(group_id: int) -> groups.Group:
    found = groups.get(viewer().id, group_id)
    if found is None:
        raise bottle.HTTPError(404)
    return found


@routes.get("/friends/groups/<group_id:int>")
@login_required
def group_page(group_id, error=None, name=None):
    group = _my_group(group_id)
    page = groups.members(viewer().id, group_id, params().get("before"), per_page(10, 30))
    return render("friends/group.html", group=group, page=page, error=error,
                  group_name=group.name if name is None else name)


@routes.post("/friends/groups/<group_id:int>")
@login_required
def rename_group(group_id):
    _my_group(group_id)
    name = params().get("name", "")
    try:
        groups.rename(viewer().id, group_id, name)
    except Refused as exc:
        return group_page(group_id, error=exc.message, name=name)
    redirect('friends.group_page', group_id=group_id, msg="saved")


@routes.post("/friends/groups/<group_id:int>/remove")
@login_required
def remove_from_group(group_id):
    _my_group(group_id)
    groups.remove(viewer().id, group_id, _ids("member"))
    redirect('friends.group_page', group_id=group_id, msg="saved")


@routes.get("/friends/groups/<group_id:int>/add")
@login_required
def add_page(group_id):
    group = _my_group(group_id)
    page = groups.candidates(viewer().id, group_id, params().get("before"), per_page(10, 30))
    return render("friends/group_add.html", group=group, page=page, error=None)


@routes.post("/friends/groups/<group_id:int>/add")
@login_required
def add_to_group(group_id):
    group = _my_group(group_id)
    try:
        groups.add(viewer().id, group_id, _ids("member"))
    except Refused as exc:
        page = groups.candidates(viewer().id, group_id, None, per_page(10, 30))
        return render("friends/group_add.html", group=group, page=page, error=exc.message)
    redirect('friends.group_page', group_id=group_id, msg="saved")


@routes.get("/friends/groups/<group_id:int>/delete")
@login_required
def delete_confirm(group_id):
    return render("friends/group_delete.html", group=_my_group(group_id))


@routes.post("/friends/groups/<group_id:int>/delete")
@login_required
def delete_group(group_id):
    if not groups.delete(viewer().id, group_id):
        raise bottle.HTTPError(404)
    redirect('friends.groups_page', msg="group_deleted")
