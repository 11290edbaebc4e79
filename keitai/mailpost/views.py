"""``/settings/post``: the member's posting addresses, renewing them, the audience of entries
posted by mail."""
from keitai import diary as diaries
from keitai.mailpost import rules
from keitai.platform.mail import mailbox
from keitai.platform.web import RouteTable, login_required, params, redirect, render, viewer

routes = RouteTable("mailpost")


def _page(errors: list[str], posting: rules.Posting | None = None, chosen: str | None = None, group: int | None = None):
    me = viewer().id
    posting = posting or rules.posting(me)
    return render("mailpost/settings.html", receiving=bool(mailbox.domain()), posting=posting, errors=errors,
                  chosen=chosen or posting.audience, chosen_group=group if chosen else posting.group_id,
                  groups=diaries.own_groups(me), limit=rules.DAILY_LIMIT, max_photos=diaries.MAX_PHOTOS)


@routes.get("/settings/post")
@login_required
def settings_page():
    return _page([])


@routes.post("/settings/post/renew")
@login_required
def renew():
    rules.renew(viewer().id)
    redirect("mailpost.settings_page", msg="post_address_renewed")


@routes.post("/settings/post/audience")
@login_required
def save_audience():
    form = params()
    errors = rules.set_audience(viewer().id, form.get("audience", ""), form.get("group_id"))
    if errors:
        return _page(errors)
    redirect("mailpost.settings_page", msg="saved")
