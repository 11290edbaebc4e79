"""``/settings/feed``: import an external blog (RSS/Atom) as diary entries."""
from keitai import diary as diaries
from keitai.blog_import import rules as feeds
from keitai.platform.web import RouteTable, login_required, params, redirect, render, viewer

routes = RouteTable("blog_import")


def _page(url: str, audience: str, group_id: int | None, errors: list[str]):
    me = viewer()
    return render("blog_import/settings.html", setting=feeds.setting_of(me.id), feed_url=url, audience=audience,
                  group_id=group_id, groups=diaries.own_groups(me.id), errors=errors,
                  refresh_minutes=feeds.REFRESH_SECONDS // 60, first_items=feeds.FIRST_FETCH_ITEMS)


@routes.get("/settings/feed")
@login_required
def feed_settings():
    setting = feeds.setting_of(viewer().id)
    if setting is None:
        return _page("", diaries.DEFAULT_AUDIENCE, None, [])
    return _page(setting.url, setting.audience, setting.group_id, [])


@routes.post("/settings/feed")
@login_required
def save_feed_settings():
    form = params()
    url = form.get("url", "").strip()
    chosen = form.get("audience", "")
    errors = feeds.save_setting(viewer().id, url, chosen, form.get("group_id"))
    if errors:
        return _page(url, chosen, diaries.parse_id(form.get("group_id")), errors)
    redirect('blog_import.feed_settings', msg="feed_saved" if url else "feed_removed")
