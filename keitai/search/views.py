"""``/search``: members, communities, diary entries and community topics, by text or kana/romaji
reading, in tabs."""
from keitai.platform.db.paging import Page
from keitai.search import rules as search
from keitai.platform.web import RouteTable, current_device, login_required, params, render, url, viewer
from keitai.words import Refused

routes = RouteTable("search")

#: Where a result of each kind leads: the route, and the name its id goes by.
ROUTES = {search.MEMBER: ("profile.profile", "member_id"), search.COMMUNITY: ("communities.community", "community_id"),
          search.DIARY: ("diary.entry", "diary_id"), search.TOPIC: ("communities.topic", "topic_id")}


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
        kind, page, counts = _tabs(me, query, kind, form.get("prefer", ""), form.get("before"),
                                   30 if current_device().is_handset else 80)
    elif kind not in search.KINDS:
        kind = search.KINDS[0]
    return render("search/index.html", q=query, kind=kind, kinds=search.KINDS, page=page, counts=counts,
                  searched=bool(found), error=error, result_url=result_url, per_page=PER_PAGE,
                  count_limit=search.COUNT_LIMIT, max_query=search.MAX_QUERY)


def _tabs(me: int, query: str, kind: str, prefer: str, before: str | None,
          snippet_chars: int) -> tuple[str, Page, dict]:
    """(the tab shown, its page of hits, every tab's count).  A tab asked for (``kind``, from
    a tab's link) is shown as it is.  A search typed in (from home or the search form, which
    names the tab it was on as ``prefer``) opens on the preferred tab if it found something
    there, else on the first tab with something in it, so it never opens on an empty tab
    while another has hits.  The shown tab's page and count come from one search; the other
    tabs are counted."""
    counts: dict[str, int] = {}
    hits = Page([], None)
    if kind in search.KINDS:
        order, chosen = [kind] + [k for k in search.KINDS if k != kind], kind
    else:
        order = ([prefer] if prefer in search.KINDS else []) + [k for k in search.KINDS if k != prefer]
        chosen = None
    for k in order:
        if k == chosen or chosen is None:
            hits, counts[k] = search.search(me, k, query, before=before, limit=PER_PAGE, snippet_chars=snippet_chars)
            if chosen is None and counts[k]:
                chosen = k
        else:
            counts[k] = search.count(me, k, query)
    if chosen is None:  # nothing anywhere: the preferred (or first) tab, empty
        chosen, hits = order[0], Page([], None)
    return chosen, hits, counts
