"""お気に入り: ``/favorites`` (the viewer's own list), and the buttons on a member's profile and a
community's page that add to it and remove from it (``/favorites/member/<id>``,
``/favorites/community/<id>``, each with ``/remove``).  Only POSTs change the list."""
import bottle

from keitai import communities
from keitai.favorites import rules as favorites
from keitai.platform.db.paging import parse_cursor
from keitai.platform.web import RouteTable, login_required, params, per_page, redirect, render, viewer
from keitai.profiles.views import visible_member
from keitai.words import Refused

routes = RouteTable("favorites")


def _list(error: str | None = None):
    me = viewer().id
    before = params().get("before")
    first = parse_cursor(before, 1) is None
    return render("favorites/list.html", page=favorites.members(me, before, per_page(10, 30)), first=first,
                  member_count=favorites.member_count(me), community_count=favorites.community_count(me),
                  communities=favorites.communities(me) if first else [], limit=favorites.LIMIT, error=error)


def _add(add, item_id: int, page: str, **page_args):
    """``add(viewer, item_id)``, then back to the item's page; a full list answers with the list."""
    try:
        add(viewer().id, item_id)
    except Refused as exc:
        return _list(exc.message)
    redirect(page, msg="favorite_added", **page_args)


def _remove(remove, item_id: int, page: str, **page_args):
    """``remove(viewer, item_id)``, then back to the list when it was done there, else to the item's page."""
    remove(viewer().id, item_id)
    if params().get("on") == "list":
        redirect("favorites.favorites_page", msg="favorite_removed")
    redirect(page, msg="favorite_removed", **page_args)


@routes.get("/favorites")
@login_required
def favorites_page():
    return _list()


@routes.post("/favorites/member/<member_id:int>")
@login_required
def add_member(member_id):
    visible_member(member_id)  # 404 for anyone the viewer may not see
    return _add(favorites.add_member, member_id, "profile.profile", member_id=member_id)


@routes.post("/favorites/member/<member_id:int>/remove")
@login_required
def remove_member(member_id):
    return _remove(favorites.remove_member, member_id, "profile.profile", member_id=member_id)


@routes.post("/favorites/community/<community_id:int>")
@login_required
def add_community(community_id):
    if communities.standing(community_id, viewer().id) is None:
        raise bottle.HTTPError(404)
    return _add(favorites.add_community, community_id, "communities.community", community_id=community_id)


@routes.post("/favorites/community/<community_id:int>/remove")
@login_required
def remove_community(community_id):
    return _remove(favorites.remove_community, community_id, "communities.community", community_id=community_id)
