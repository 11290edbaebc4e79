"""Profiles and what one does from them: ``/member/<id>`` (with the owner's "as others see it"
preview), ``/member/<id>/friends``, ``/member/<id>/communities``, ``/member/<id>/request``, ``/member/<id>/unfriend``,
``/member/<id>/block``."""
import bottle

from keitai import communities, privacy
from keitai.favorites import rules as favorites
from keitai.friends import blocks
from keitai.footprints import rules as footprints
from keitai.friends import rules as friends
from keitai.introductions import rules as introductions
from keitai.photos import rules as photos
from keitai.profiles import rules as profiles
from keitai.profiles.views import visible_member
from keitai.words import Refused
from keitai.platform.web import RouteTable, current_device, login_required, params, per_page, redirect, render, viewer

routes = RouteTable("profile")


@routes.get("/member/<member_id:int>")
@login_required
def profile(member_id):
    me = viewer()
    preview = params().get("as") if member_id == me.id else None
    as_relation = profiles.preview_relation(member_id, preview) if preview else None
    found = profiles.profile_for(me.id, member_id, as_relation)
    if found is None:
        raise bottle.HTTPError(404)
    ties = favorite = None
    if as_relation is None:
        ties = friends.ties(me.id, found)
        favorite = favorites.is_favorite_member(me.id, member_id) if member_id != me.id else None
        footprints.record(me.id, member_id)  # no-op for one's own profile
    # A preview shows what a member in that standing would: none of the viewer's own communities.
    seen_by = me.id if as_relation is None else 0
    return render("profiles/member.html", profile=found, preview=preview if as_relation else None, ties=ties,
                  favorite=favorite,
                  intros=introductions.for_profile(me.id, found),
                  communities=communities.member_communities(seen_by, member_id, per_page(3, 6)),
                  community_count=communities.member_community_count(seen_by, member_id))


@routes.get("/member/<member_id:int>/communities")
@login_required
def member_communities(member_id):
    owner = visible_member(member_id)
    page = communities.member_communities(viewer().id, member_id, per_page(10, 30), params().get("before"))
    return render("profiles/communities.html", owner=owner, page=page,
                  count=communities.member_community_count(viewer().id, member_id))


@routes.get("/member/<member_id:int>/friends")
@login_required
def member_friends(member_id):
    owner = visible_member(member_id)
    if not privacy.friend_list_visible(owner.relation, owner.member.aud_friends):
        raise bottle.HTTPError(404)
    page = friends.friend_list(viewer().id, member_id, params().get("before"), per_page(10, 30))
    return render("friends/of_member.html", owner=owner, page=page,
                  thumbnails=photos.thumbnails_fit(current_device(), len(page.items)))


@routes.get("/member/<member_id:int>/request")
@login_required
def request_form(member_id):
    other = visible_member(member_id)
    if other.relation.is_self:
        redirect('profile.profile', member_id=member_id)
    state, _request_id = friends.standing(viewer().id, member_id)
    return render("friends/request.html", other=other, state=state, error=None, message="")


@routes.post("/member/<member_id:int>/request")
@login_required
def send_request(member_id):
    other = visible_member(member_id)
    message = params().get("message", "")
    try:
        outcome = friends.request(viewer().id, member_id, message)
    except Refused as exc:
        state, _request_id = friends.standing(viewer().id, member_id)
        return render("friends/request.html", other=other, state=state, error=exc.message, message=message)
    redirect('profile.profile', member_id=member_id, msg=outcome)


@routes.get("/member/<member_id:int>/unfriend")
@login_required
def unfriend_confirm(member_id):
    other = visible_member(member_id)
    if not other.relation.is_friend:
        redirect('profile.profile', member_id=member_id)
    return render("profiles/confirm.html", other=other, action="unfriend")


@routes.post("/member/<member_id:int>/unfriend")
@login_required
def unfriend(member_id):
    visible_member(member_id)
    friends.unfriend(viewer().id, member_id)
    redirect('profile.profile', member_id=member_id, msg="unfriended")


@routes.get("/member/<member_id:int>/block")
@login_required
def block_confirm(member_id):
    other = visible_member(member_id)
    if other.relation.is_self:
        redirect('profile.profile', member_id=member_id)
    return render("profiles/confirm.html", other=other, action="block")


@routes.post("/member/<member_id:int>/block")
@login_required
def block(member_id):
    other = visible_member(member_id)
    if other.relation.is_self:
        redirect('profile.profile', member_id=member_id)
    blocks.block(viewer().id, member_id)
    redirect('settings.blocks_page', msg="blocked")

