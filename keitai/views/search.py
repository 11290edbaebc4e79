"""``/search``: members, communities and diary entries, by text or kana/romaji reading, in tabs."""
from keitai.social import search
from keitai.web import RouteTable, current_device, login_required, params, render, viewer

routes = RouteTable()

#: Where a result of each kind leads.
PATHS = {search.MEMBER: "/member/%d", search.COMMUNITY: "/community/%d", search.DIARY: "/diary/%d"}
PER_PAGE = 10


def _cursor(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@routes.get("/search")
@login_required
def search_page():
    form = params()
    query = form.get("q", "")
    kind = form.get("kind", "")
    if kind not in search.KINDS:
        kind = search.MEMBER
    me = viewer().id
    error, hits, counts = None, [], {}
    try:
        found = search.check_query(query)
    except search.QueryError as exc:
        error, found = str(exc), []
    if found:
        snippet_chars = 30 if current_device().is_handset else 80
        hits, total = search.search(me, kind, query, before=_cursor(form.get("before")), limit=PER_PAGE,
                                    snippet_chars=snippet_chars)
        counts = {k: total if k == kind else search.count(me, k, query) for k in search.KINDS}
    return render("search.html", q=query, kind=kind, kinds=search.KINDS, hits=hits, counts=counts,
                  searched=bool(found), error=error, paths=PATHS, per_page=PER_PAGE,
                  count_limit=search.COUNT_LIMIT, max_query=search.MAX_QUERY)
