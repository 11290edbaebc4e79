"""Profiles: ``/member/<id>``."""
import bottle

from keitai.social import footprints, introductions, profiles
from keitai.web import RouteTable, login_required, render, viewer

routes = RouteTable()


@routes.get("/member/<member_id:int>")
@login_required
def profile(member_id):
    found = profiles.profile_for(viewer().id, member_id)
    if found is None:
        raise bottle.HTTPError(404)
    footprints.record(viewer().id, member_id)
    return render("member.html", profile=found, intros=introductions.for_profile(viewer().id, found))
