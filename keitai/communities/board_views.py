"""A community's board: ``/community/<id>/topic/new``, ``/topic/<id>`` and its comments.

Thin, like views.py (whose route table and helpers it shares).
"""
import bottle

from keitai import communities
from keitai import words
from keitai.photos import rules as photos
from keitai.photos import views as photo_views
from keitai.platform.web import current_device, int_param, login_required, params, per_page, redirect, render, viewer
from keitai.kept import longtext
from keitai.words import Refused

from .views import confirm, path, refuse, require, routes, standing_of

# ---------------------------------------------------------------------------
# Topics and comments


@routes.get("/community/<community_id:int>/topic/new")
@login_required
def topic_form(community_id):
    st = standing_of(community_id)
    require(st.is_member, "communities.not_member")
    require(st.can_open_topic, "communities.admins_only_topics")
    resumed = longtext.kept_in_form()
    return _topic_form(st, "", resumed.body if resumed else "", None)


def _photo_fields() -> dict:
    """What a form needs to offer photos: the file fields, or why this handset has none."""
    return dict(can_upload=photos.can_upload(current_device()), photo_fields=photo_views.UPLOAD_FIELDS,
                max_photos=communities.MAX_PHOTOS)


def _with_photos(error: str, photos_sent: bool) -> str:
    """``error``, and, when photos came with the form, that they must be chosen again."""
    return f"{error} {words.PHOTO_RESELECT}" if photos_sent else error


def _topic_form(st, title: str, body: str, error: str | None):
    note = f"コミュニティ「{st.community.name}」のトピックの本文" + (f"：{error}" if error else "")
    return longtext.render_form("communities/topic_form.html", body, note,
                                path("communities.topic_form", community_id=st.community.id),
                                st=st, c=st.community, title=title, body=body, error=error, **_photo_fields())


@routes.post("/community/<community_id:int>/topic/new")
@login_required
def create_topic(community_id):
    st = standing_of(community_id)
    title, body = params().get("title", ""), longtext.posted("body") or ""
    new_photos, photo_errors = photo_views.uploads()
    if photo_errors:
        return _topic_form(st, title, body, _with_photos(" ".join(photo_errors), True))
    try:
        topic_id = communities.create_topic(st, title, body, new_photos)
    except Refused as exc:
        return _topic_form(st, title, body, _with_photos(exc.message, bool(new_photos)))
    longtext.forget_kept()
    redirect('communities.topic', topic_id=topic_id, msg="topic_created")


def _topic(topic_id: int):
    """The topic and the viewer's standing in its community; 404/403 when not theirs to read."""
    found = communities.get_topic(topic_id, viewer().id)
    if found is None:
        raise bottle.HTTPError(404)
    st = standing_of(found.community_id)
    require(st.can_read, "communities.members_only")
    return communities.as_seen_by(st, found), st


def _topic_page(topic, st, body: str = "", error: str | None = None):
    limit = per_page(10, 20)
    page = communities.comment_page(st, topic, limit, before=int_param("before"), after=int_param("after"))
    context = dict(st=st, c=st.community, topic=topic, page=page, body=body, error=error,
                   comment_max=communities.COMMENT_MAX, **_photo_fields())
    if error is None:
        return render("communities/topic.html", **context)
    return longtext.comment_again("communities/topic.html", topic.title, path("communities.topic", topic_id=topic.id),
                                  body, [error], **context)


@routes.get("/topic/<topic_id:int>")
@login_required
def topic(topic_id):
    found, st = _topic(topic_id)
    return _topic_page(found, st)


@routes.post("/topic/<topic_id:int>/comment")
@login_required
def comment(topic_id):
    found, st = _topic(topic_id)
    body = longtext.posted("body") or ""
    new_photos, photo_errors = photo_views.uploads()
    if photo_errors:
        return _topic_page(found, st, body=body, error=_with_photos(" ".join(photo_errors), True))
    try:
        number = communities.add_comment(st, found, body, new_photos)
    except Refused as exc:
        return _topic_page(found, st, body=body, error=_with_photos(exc.message, bool(new_photos)))
    longtext.forget_kept()
    redirect('communities.topic', topic_id=topic_id, _anchor=f"c{number}", msg="commented")


@routes.get("/topic/<topic_id:int>/close")
@login_required
def close_confirm(topic_id):
    found, st = _topic(topic_id)
    require(found.may_manage, "communities.not_yours")
    here = path("communities.topic", topic_id=topic_id)
    return confirm("reopen_topic" if found.closed else "close_topic", path("communities.close", topic_id=topic_id),
                   here, {"closed": "0" if found.closed else "1"}, name=found.title)


@routes.post("/topic/<topic_id:int>/close")
@login_required
def close(topic_id):
    found, st = _topic(topic_id)
    closed = params().get("closed") == "1"
    try:
        communities.set_closed(st, found, closed)
    except Refused as exc:
        refuse(exc)
    redirect('communities.topic', topic_id=topic_id, msg="closed" if closed else "reopened")


@routes.get("/topic/<topic_id:int>/delete")
@login_required
def topic_delete_confirm(topic_id):
    found, st = _topic(topic_id)
    require(found.may_manage, "communities.not_yours")
    return confirm("delete_topic", path("communities.topic_delete", topic_id=topic_id),
                    path("communities.topic", topic_id=topic_id), name=found.title)


@routes.post("/topic/<topic_id:int>/delete")
@login_required
def topic_delete(topic_id):
    found, st = _topic(topic_id)
    try:
        communities.delete_topic(st, found)
    except Refused as exc:
        refuse(exc)
    redirect('communities.community', community_id=st.community.id, msg="removed")


@routes.get("/comment/<comment_id:int>")
@login_required
def comment_link(comment_id):
    """A comment's place in its topic (where a comment's photo leads back to)."""
    item, found, _st = _comment(comment_id)
    redirect('communities.topic', topic_id=found.id, after=max(item.number - 1, 0), _anchor=f"c{item.number}")


def _comment(comment_id: int):
    pair = communities.get_comment(comment_id, viewer().id)
    if pair is None:
        raise bottle.HTTPError(404)
    found, st = _topic(pair[1])
    return pair[0], found, st


@routes.get("/comment/<comment_id:int>/delete")
@login_required
def comment_delete_confirm(comment_id):
    item, found, st = _comment(comment_id)
    require(communities.may_delete_comment(st, item), "communities.not_yours")
    return confirm("delete_comment", path("communities.comment_delete", comment_id=comment_id),
                    path("communities.topic", topic_id=found.id), name=found.title, number=item.number)


@routes.post("/comment/<comment_id:int>/delete")
@login_required
def comment_delete(comment_id):
    item, found, st = _comment(comment_id)
    try:
        communities.delete_comment(st, item)
    except Refused as exc:
        refuse(exc)
    redirect('communities.topic', topic_id=found.id, after=max(item.number - 1, 0), msg="removed")
