"""The operator's pages, ``/admin/...``, for members marked admin (everyone else: 403).

``/admin`` overview; ``/admin/members`` search and list; ``/admin/member/<id>`` one member,
suspend and lift; ``/admin/site`` invitation-only switch and the site notice;
``/admin/gateways`` the carrier gateway ranges in force; ``/admin/reports`` the one queue of
通報 (every kind of content): take down, force 退会, or dismiss.  Every change is a POST
(CSRF-checked by the pipeline) and logged.
"""
import functools

import bottle

from keitai import config
from keitai import words as messages
from keitai.platform.device import gateways
from keitai.admin import rules as admin
from keitai.admin import site
from keitai.reports import rules as reports_rules
from keitai.platform.web import RouteTable, login_required, params, per_page, redirect, render, viewer
from keitai.platform.web import sessions
from keitai.words import Refused

routes = RouteTable("admin")


def admin_required(callback):
    """Signed-out visitors get the sign-in page; members who are not admins a 403."""

    @login_required
    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        if not viewer().is_admin:
            raise bottle.HTTPError(403, messages.ADMIN_ONLY)
        return callback(*args, **kwargs)

    return wrapper


@routes.get("/admin")
@admin_required
def overview():
    return render(
        "admin/index.html",
        counts=admin.member_counts(),
        invitation_only=site.invitation_only(),
        site_notice=admin.site_notice(),
        gateways_updated=gateways.summary().updated,
        log=admin.recent_log(10),
    )


@routes.get("/admin/members")
@admin_required
def members():
    form = params()
    query = form.get("q", "").strip()[:100]
    status = form.get("status", "")
    status = status if status in admin.STATUSES else ""
    page = admin.find_members(query, status, form.get("before"), per_page(admin.HANDSET_PAGE_SIZE, admin.PAGE_SIZE))
    return render("admin/members.html", page=page, q=query, status=status)


def _member_page(member_id: int, error: str | None = None, reason: str = ""):
    found = admin.member(member_id)
    if found is None:
        raise bottle.HTTPError(404)
    return render("admin/member.html", member=found, log=admin.member_log(member_id),
                  error=error, reason=reason, reason_max=admin.REASON_MAX)


@routes.get("/admin/member/<member_id:int>")
@admin_required
def member(member_id):
    return _member_page(member_id)


@routes.post("/admin/member/<member_id:int>/suspend")
@admin_required
def suspend(member_id):
    reason = params().get("reason", "")
    try:
        admin.suspend(viewer().id, member_id, reason)
    except Refused as exc:
        return _member_page(member_id, exc.message, reason)
    sessions.end_all(member_id)  # signed out everywhere at once, not only at their next request
    redirect('admin.member', member_id=member_id, msg="suspended")


@routes.post("/admin/member/<member_id:int>/unsuspend")
@admin_required
def unsuspend(member_id):
    try:
        admin.unsuspend(viewer().id, member_id)
    except Refused as exc:
        return _member_page(member_id, exc.message)
    redirect('admin.member', member_id=member_id, msg="unsuspended")


def _site_page(error: str | None = None, notice_text: str | None = None):
    current = admin.site_notice()
    return render(
        "admin/site.html",
        invitation_only=site.invitation_only(),
        configured_default=config.get().invitation_only,
        site_notice=current,
        notice_text=notice_text if notice_text is not None else (current.text if current else ""),
        notice_max=admin.NOTICE_MAX,
        error=error,
    )


@routes.get("/admin/site")
@admin_required
def site_page():
    return _site_page()


@routes.post("/admin/site/invitation-only")
@admin_required
def invitation_only():
    value = params().get("invitation_only")
    if value not in ("1", "0"):
        return _site_page(messages.ERRORS[400])
    admin.set_invitation_only(viewer().id, value == "1")
    redirect('admin.site_page', msg="saved")


@routes.post("/admin/site/notice")
@admin_required
def notice():
    text = params().get("notice", "")
    try:
        admin.set_site_notice(viewer().id, text)
    except Refused as exc:
        return _site_page(exc.message, text)
    redirect('admin.site_page', msg="saved")


@routes.get("/admin/gateways")
@admin_required
def gateway_ranges():
    return render("admin/gateways.html", summary=gateways.summary(), checking=config.get().gateway_check)


def _reports_page(error: str | None = None, report_id: int | None = None, reason: str = ""):
    page = reports_rules.queue(per_page(5, 20), params().get("after"))
    return render("admin/reports.html", page=page, error=error, error_id=report_id, reason=reason,
                  reason_max=admin.REASON_MAX)


@routes.get("/admin/reports")
@admin_required
def reports():
    return _reports_page()


@routes.post("/admin/report/<report_id:int>")
@admin_required
def report_action(report_id):
    form = params()
    action, reason = form.get("action", ""), form.get("reason", "")
    try:
        admin.act_on_report(viewer().id, report_id, action, reason)
    except Refused as exc:
        return _reports_page(exc.message, report_id, reason)
    done = {"takedown": "taken_down", "withdraw": "withdrawn_by_operator"}.get(action, "report_dismissed")
    redirect('admin.reports', msg=done)
