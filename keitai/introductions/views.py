"""Introductions (紹介文): ``/member/<id>/introductions``, writing one, approving and removing."""
import bottle

from keitai import privacy
from keitai import words as messages
from keitai.words import Refused
from keitai.introductions import rules as introductions
from keitai.notify import rules as notify
from keitai.profiles import rules as profiles
from keitai.platform.db.paging import parse_cursor
from keitai.platform.web import RouteTable, login_required, params, path, per_page, redirect, render, viewer
from keitai.kept import longtext

from keitai.profiles.views import visible_member

routes = RouteTable("introductions")


@routes.get("/member/<member_id:int>/introductions")
@login_required
def listing(member_id):
    me = viewer().id
    profile = visible_member(member_id)
    before = params().get("before")
    first = parse_cursor(before, 1) is None  # a malformed cursor is the first page
    shown = None
    if profile.relation.is_self:
        notify.looked(me, "introduction")
    if privacy.friend_list_visible(profile.relation, profile.member.aud_friends):
        shown = introductions.approved(me, member_id, before, per_page(10, 20))
    return render(
        "introductions/list.html",
        profile=profile,
        shown=shown,
        waiting=introductions.pending(member_id) if profile.relation.is_self and first else [],
        mine=introductions.written_by(me, member_id) if profile.relation.is_friend else None,
        first=first,
    )


def _write_form(profile, body: str, errors=()):
    context = dict(profile=profile, body=body, errors=list(errors), max_body=introductions.MAX_BODY)
    if not errors and not longtext.kept_in_form():
        return render("introductions/write.html", **context)
    note = f"{profile.nickname}さんの紹介文" + ("：" + " ".join(errors) if errors else "")
    return longtext.render_form("introductions/write.html", body, note, path("introductions.write_form", member_id=profile.id),
                                **context)


def _friend_profile(member_id: int) -> profiles.Profile:
    """The profile of a friend of the viewer's (only friends write introductions), else 403."""
    profile = visible_member(member_id)
    if not profile.relation.is_friend:
        raise bottle.HTTPError(403, messages.REFUSALS["introductions.friends_only"])
    return profile


@routes.get("/member/<member_id:int>/introductions/write")
@login_required
def write_form(member_id):
    profile = _friend_profile(member_id)
    mine = introductions.written_by(viewer().id, member_id)
    resumed = longtext.kept_in_form()
    return _write_form(profile, resumed.body if resumed else mine.body if mine else "")


@routes.post("/member/<member_id:int>/introductions/write")
@login_required
def write(member_id):
    profile = _friend_profile(member_id)
    typed = longtext.posted("body") or ""
    body, errors = introductions.clean(typed)
    if errors:
        return _write_form(profile, typed, errors)
    try:
        introductions.write(viewer().id, member_id, body)
    except Refused as exc:
        raise bottle.HTTPError(403, exc.message) from None
    longtext.forget_kept()
    redirect('introductions.listing', member_id=member_id, msg="introduction_saved")


def _own(introduction_id: int) -> introductions.Introduction:
    """The introduction if the viewer is the member introduced or its author, else 404."""
    found = introductions.get(introduction_id)
    if found is None or viewer().id not in (found.member_id, found.author_id):
        raise bottle.HTTPError(404)
    return found


@routes.get("/introduction/<introduction_id:int>")
@login_required
def show(introduction_id):
    return render("introductions/one.html", intro=introductions.as_seen_by(viewer().id, _own(introduction_id)))


@routes.post("/introduction/<introduction_id:int>/approve")
@login_required
def approve(introduction_id):
    intro = _own(introduction_id)
    if intro.member_id != viewer().id:
        raise bottle.HTTPError(403)
    introductions.approve(viewer().id, introduction_id)
    redirect('introductions.listing', member_id=intro.member_id, msg="introduction_approved")


@routes.post("/introduction/<introduction_id:int>/delete")
@login_required
def remove(introduction_id):
    intro = _own(introduction_id)
    introductions.remove(viewer().id, introduction_id)
    redirect('introductions.listing', member_id=intro.member_id, msg="introduction_removed")
