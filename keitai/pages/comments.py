"""``/comments``: コメント記入履歴, the diary entries and community topics the member commented
on, by their latest comment there, with how many comments came after it; only what the
member may still read (the diary's audience and the board's read policy decide, in
keitai.diary and keitai.communities)."""
from keitai import communities
from keitai import diary as diaries
from keitai.platform.db.paging import Page, parse_cursor
from keitai.platform.web import RouteTable, login_required, params, per_page, render, viewer

routes = RouteTable("comments")


def history(viewer_id: int, before: str | None, limit: int) -> Page:
    """Both lists merged, newest first, keyset-paged on (time, kind, id)."""
    cursor = parse_cursor(before, 3)
    rows = diaries.commented_entries(viewer_id, cursor, limit + 1)
    rows += [diaries.Commented(*row) for row in communities.commented_topics(viewer_id, cursor, limit + 1)]
    rows.sort(key=lambda item: (item.at, item.kind, item.ref_id), reverse=True)
    if len(rows) > limit:
        return Page(rows[:limit], rows[limit - 1].cursor)
    return Page(rows, None)


@routes.get("/comments")
@login_required
def comment_history():
    return render("home/comments.html", page=history(viewer().id, params().get("before"), per_page(5, 20)))
