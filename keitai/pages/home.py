"""``/``: the sign-in page for visitors, the home page for members."""
from keitai.admin import rules as admin
from keitai import albums, communities
from keitai import diary as diaries
from keitai import events
from keitai.friends import rules as friends
from keitai import notices as notifications
from keitai.photos import rules as photos
from keitai.profiles import rules as profiles
from keitai.platform.web import RouteTable, current_device, params, per_page, render, safe_next, viewer

routes = RouteTable("home")


@routes.get("/")
def home():
    me = viewer()
    if me is None:
        return render("accounts/login.html", error=None, next=safe_next(params().get("next")), mail="")
    birthdays, more_birthdays = profiles.upcoming_birthdays(me.id)
    diary = diaries.home_section(me.id)
    # Home lists my entries with new comments by title (diary.unread, from the same counters):
    # the count line would say it twice.
    notices = notifications.home_notices(me.id, without=("diary_comments",))
    return render(
        "home/index.html",
        birthdays=birthdays,
        more_birthdays=more_birthdays,
        site_notice=admin.site_notice(),
        notices=notices,
        diary=diary,
        friends_albums=albums.friends_new_albums(me.id),
        community_updates=communities.home_updates(me.id),
        upcoming_events=events.upcoming_for(me.id),
        members_home=friends.home_summary(me.id),
        **_me_and_friends(me.id),
    )


def _me_and_friends(viewer_id: int) -> dict:
    """The member's own photo and the grid of friends (names only on handsets whose page
    cannot hold their thumbnails)."""
    grid = friends.home_friends(viewer_id, per_page(5, friends.HOME_FRIENDS))
    return dict(my_photo=profiles.current_photo(viewer_id), friends_grid=grid,
                grid_thumbnails=photos.thumbnails_fit(current_device(), len(grid) + 1))
