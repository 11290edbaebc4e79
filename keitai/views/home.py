"""``/``: the sign-in page for visitors, the home page for members."""
from keitai.social import admin, communities, diaries, friends, notifications
from keitai.web import RouteTable, params, render, safe_next, viewer

routes = RouteTable()


@routes.get("/")
def home():
    me = viewer()
    if me is None:
        return render("login.html", error=None, next=safe_next(params().get("next")), mail="")
    return render(
        "home.html",
        site_notice=admin.site_notice(),
        notices=notifications.home_notices(me.id),
        diary=diaries.home_section(me.id),
        community_updates=communities.home_updates(me.id),
        members_home=friends.home_summary(me.id),
    )
