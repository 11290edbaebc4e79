"""``/search``: members, communities and diary entries, by text or kana/romaji reading, in tabs."""
from keitai.platform.db.paging import Page
from keitai.search import rules as search
from keitai.platform.web import RouteTable, current_device, login_required, params, render, url, viewer
from keitai.words import Refused

routes = RouteTable("search")

#: Where a result of each kind leads: the route, and the name its id goes by.
ROUTES = {search.MEMBER: ("profile.profile", "member_id"), search.COMMUNITY: ("communities.community", "community_id"),
          search.DIARY: ("diary.entry", "diary_id")}


def result_url(hit) -> str:
    route, id_name = ROUTES[hit.kind]
    return url(route, **{id_name: hit.ref_id})
PER_PAGE = 10


@routes.get("/search")
@login_required
def search_page():
    form = params()
    query = form.get("q", "")
    kind = form.get("kind", "")
    me = viewer().id
    error, page, counts = None, Page([], None), {}
    try:
        found = search.check_query(query)
    except Refused as exc:
        error, found = exc.message, []
    if found:
        kind, page, counts = _tabs(me, query, kind, form.get("before"),
                                   30 if current_device().is_handset else 80)
    elif kind not in search.KINDS:
        kind = search.KINDS[0]
    return render("search/index.html", q=query, kind=kind, kinds=search.KINDS, page=page, counts=counts,
                  searched=bool(found), error=error, result_url=result_url, per_page=PER_PAGE,
                  count_limit=search.COUNT_LIMIT, max_query=search.MAX_QUERY)


def _tabs(me: int, query: str, kind: str, before: str | None, snippet_chars: int) -> tuple[str, Page, dict]:
    """(the tab shown, its page of hits, every tab's count).  Without a tab asked for (from
    the home page), the first tab with something in it.  The shown tab's page and count
    come from one search; the other tabs are counted."""
    counts: dict[str, int] = {}
    hits = Page([], None)
    for k in search.KINDS:
        choosing = kind not in search.KINDS and not any(counts.values())
        if k == kind or choosing:
            hits, counts[k] = search.search(me, k, query, before=before, limit=PER_PAGE, snippet_chars=snippet_chars)
            if choosing and counts[k]:
                kind = k
        else:
            counts[k] = search.count(me, k, query)
    return (kind if kind in search.KINDS else search.KINDS[0]), hits, counts
