"""``/search``: members, communities and diary entries, by text or kana/romaji reading, in tabs."""
from keitai.social import search
from keitai.web import RouteTable, current_device, login_required, params, render, viewer, int_param

routes = RouteTable()

#: Where a result of each kind leads.
PATHS = {search.MEMBER: "/member/%d", search.COMMUNITY: "/community/%d", search.DIARY: "/diary/%d"}
PER_PAGE = 10




@routes.get("/search")
@login_required
def search_page():
    form = params()
    query = form.get("q", "")
    kind = form.get("kind", "")
    me = viewer().id
    error, hits, counts = None, [], {}
    try:
        found = search.check_query(query)
    except search.QueryError as exc:
        error, found = str(exc), []
    if found:
        counts = {k: search.count(me, k, query) for k in search.KINDS}
        if kind not in search.KINDS:  # from the home page: the first tab with something in it
            kind = next((k for k in search.KINDS if counts[k]), search.KINDS[0])
        hits = search.results(me, kind, query, before=int_param("before"), limit=PER_PAGE,
                              snippet_chars=30 if current_device().is_handset else 80)
    elif kind not in search.KINDS:
        kind = search.KINDS[0]
    return render("search.html", q=query, kind=kind, kinds=search.KINDS, hits=hits, counts=counts,
                  searched=bool(found), error=error, paths=PATHS, per_page=PER_PAGE,
                  count_limit=search.COUNT_LIMIT, max_query=search.MAX_QUERY)
