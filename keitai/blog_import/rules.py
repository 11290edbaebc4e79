"""External blog import: a member's RSS/Atom feed becomes diary entries.

A member sets one feed URL (``/settings/feed``) with the audience its entries get.
:func:`import_due` (``run.py import-feeds``, or the background thread of
:func:`start_background`) fetches the feeds that are due with a conditional GET and
imports each new item once, as a real diary entry: the title, the text with every tag
and script removed, and a link to the original.

Fetching is hostile ground: :mod:`keitai.platform.net` does it (no private addresses
unless ``settings.feed_allow_private``; deadline, size and redirect caps).  Whatever goes
wrong is recorded on the member's feed (shown in their settings), retried later with
backoff, and changes nothing else.
"""
from __future__ import annotations

import hashlib
import html
import io
import logging
import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import NamedTuple

import feedparser

from keitai import config
from keitai import words as messages
from keitai.platform import net
from keitai.platform.db.connection import db, execute, fetchall, fetchone, now

from keitai import privacy as audience
from keitai import diary as diaries

log = logging.getLogger("keitai.feeds")

#: Seconds for the whole fetch (connect, headers, body); a slow feed is an error, not a wait.
FETCH_DEADLINE = 20.0
#: Seconds any one network read or connect may take.
SOCKET_TIMEOUT = 10.0
MAX_FEED_BYTES = 2 * 1024 * 1024
#: A feed is fetched again this long after a good fetch; errors back off up to a day.
REFRESH_SECONDS = 30 * 60
MAX_BACKOFF_SECONDS = 24 * 3600
#: New items imported in one fetch (the first fetch of a URL brings only the newest few,
#: so a long-running blog does not flood the friends' feed); the rest are marked seen.
MAX_ITEMS_PER_FETCH = 20
FIRST_FETCH_ITEMS = 5
USER_AGENT = "keitai-feed-import/1.0"
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9,"
          " text/xml;q=0.9, */*;q=0.1")


class FeedError(net.FetchError):
    """A fetch or parse that failed; ``code`` is a key of messages.FEED_ERRORS (the fetch's
    codes, and ``not_feed``)."""


def error_message(stored: str | None) -> str | None:
    """The Japanese message for an error code stored on a feed."""
    if not stored:
        return None
    code, _, detail = stored.partition(":")
    template = messages.FEED_ERRORS.get(code, messages.FEED_ERRORS["unreachable"])
    return template.format(detail=detail)


# ---- the member's setting ----------------------------------------------------------------

@dataclass
class FeedSetting:
    url: str
    audience: str
    group_id: int | None
    last_fetch_at: int | None
    last_ok_at: int | None
    last_error: str | None
    imported_count: int

    @property
    def error(self) -> str | None:
        return error_message(self.last_error)


def setting_of(member_id: int) -> FeedSetting | None:
    row = fetchone(
        "SELECT url, audience, group_id, last_fetch_at, last_ok_at, last_error, imported_count"
        " FROM diary_feeds WHERE member_id = ?", (member_id,)
    )
    return FeedSetting(*row) if row else None


def save_setting(member_id: int, url: str, chosen: str, group_raw: str | None) -> list[str]:
    """Set (or with an empty URL, stop) a member's feed; returns errors (then nothing changes)."""
    if not url.strip():
        execute("DELETE FROM diary_feeds WHERE member_id = ?", (member_id,))
        return []
    checked = net.check_url(url)
    aud, group_id, errors = diaries.check_audience(member_id, chosen, group_raw)
    if checked is None:
        errors = [messages.FEED_URL_INVALID] + errors
    if errors:
        return errors
    with db.atomic():
        old = fetchone("SELECT url FROM diary_feeds WHERE member_id = ?", (member_id,))
        if old is None:
            execute(
                "INSERT INTO diary_feeds (member_id, url, audience, group_id, next_fetch_at, created_at)"
                " VALUES (?, ?, ?, ?, 0, ?)", (member_id, checked, aud, group_id, now()),
            )
        elif old[0] != checked:
            # A new address starts afresh: no validators, no errors, a first fetch's small import.
            execute(
                "UPDATE diary_feeds SET url = ?, audience = ?, group_id = ?, etag = NULL, last_modified = NULL,"
                " fetched_once = ?, next_fetch_at = 0, last_error = NULL, error_count = 0 WHERE member_id = ?",
                (checked, aud, group_id, False, member_id),
            )
        else:
            execute(
                "UPDATE diary_feeds SET audience = ?, group_id = ?, next_fetch_at = 0 WHERE member_id = ?",
                (aud, group_id, member_id),
            )
    return []


# ---- fetching ----------------------------------------------------------------------------

def fetch(url: str, etag: str | None = None, last_modified: str | None = None) -> net.Fetched:
    """GET a feed through the platform's guarded fetch; raises FeedError."""
    limits = net.Limits(FETCH_DEADLINE, SOCKET_TIMEOUT, MAX_FEED_BYTES, config.get().feed_allow_private)
    try:
        return net.fetch(url, limits, {"User-Agent": USER_AGENT, "Accept": ACCEPT}, etag, last_modified)
    except net.FetchError as exc:
        raise FeedError(exc.code, exc.detail) from None


# ---- items -------------------------------------------------------------------------------

class _TextOf(HTMLParser):
    """HTML to plain text: scripts, styles and embedded objects go, their content too."""

    DROP = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "head", "title"}
    BREAK = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
             "ul", "ol", "dl", "dt", "dd", "table", "section", "article", "figure", "figcaption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.DROP:
            self.dropping += 1
        elif tag in self.BREAK:
            self.parts.append("\n")
        elif tag == "img" and not self.dropping:
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f"[{alt}]")

    def handle_startendtag(self, tag, attrs):
        if tag not in self.DROP:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.DROP:
            self.dropping = max(self.dropping - 1, 0)
        elif tag in self.BREAK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")


def html_to_text(value: str, is_html: bool = True) -> str:
    """Plain text of a feed's HTML (or text) field: no tags, no scripts, tidy line breaks."""
    if is_html:
        parser = _TextOf()
        try:
            parser.feed(value)
            parser.close()
        except Exception:  # html.parser is lenient; anything it still chokes on is dropped
            return ""
        value = "".join(parser.parts)
    else:
        value = html.unescape(value)
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = [" ".join(line.split()) for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class Item(NamedTuple):
    key: str
    title: str
    body: str
    link: str | None


def _field_text(detail, fallback: str = "") -> str:
    """Text of a feedparser field whose detail says whether it is HTML."""
    if not detail:
        return fallback
    kind = (detail.get("type") or "text/html").lower()
    return html_to_text(detail.get("value") or "", is_html="html" in kind)


_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)


def parse(fetched: net.Fetched) -> list[Item]:
    """The items of a feed, oldest first; raises FeedError('not_feed') if it is not one."""
    if _ENTITY_DECLARATION.search(fetched.body or b""):
        raise FeedError("not_feed")  # entity tricks (billion laughs, external files): no real feed needs them
    headers = {"content-location": fetched.url}
    if fetched.content_type:
        headers["content-type"] = fetched.content_type
    try:
        parsed = feedparser.parse(io.BytesIO(fetched.body or b""), response_headers=headers)
    except Exception:
        raise FeedError("not_feed") from None
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not_feed")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        link = net.check_url(link) if isinstance(link, str) else None
        identity = entry.get("id") or link or (entry.get("title", "") + "\n" + entry.get("summary", ""))
        if not identity.strip():
            continue
        title = _field_text(entry.get("title_detail"), entry.get("title", ""))
        title = " ".join(title.split())
        if len(title) > diaries.TITLE_MAX:
            title = title[:diaries.TITLE_MAX - 1] + "…"
        content = entry.get("content") or []
        body = _field_text(content[0] if content else entry.get("summary_detail"), "")
        if len(body) > diaries.BODY_MAX:
            body = body[:diaries.BODY_MAX - 1] + "…"
        key = hashlib.sha256(identity.strip().encode("utf-8", "replace")).hexdigest()
        items.append(Item(key, title or messages.DIARY_UNTITLED, body, link))
    # Feeds list the newest first; import oldest first so entry ids follow the blog's order.
    # dict.get: feedparser's own get maps a missing date onto another with a warning.
    dated = [dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed") for entry in parsed.entries]
    if len(dated) == len(items) and all(dated):
        order = sorted(range(len(items)), key=lambda i: tuple(dated[i]))
        return [items[i] for i in order]
    return list(reversed(items))


# ---- importing ---------------------------------------------------------------------------

class Result(NamedTuple):
    member_id: int
    imported: int
    error: str | None  # stored error code, or None


def import_feed(member_id: int) -> Result:
    """Fetch one member's feed now and import its new items."""
    row = fetchone(
        "SELECT f.url, f.audience, f.group_id, f.etag, f.last_modified, f.fetched_once, f.error_count"
        " FROM diary_feeds f JOIN members m ON m.id = f.member_id WHERE f.member_id = ? AND "
        + audience.active_member_sql("m."),
        (member_id,),
    )
    if row is None:
        return Result(member_id, 0, None)
    url, aud, group_id, etag, last_modified, fetched_once, error_count = row
    started = now()
    try:
        fetched = fetch(url, etag, last_modified)
        items = parse(fetched) if fetched.body is not None else []
    except FeedError as exc:
        backoff = min(REFRESH_SECONDS * 2 ** min(error_count, 10), MAX_BACKOFF_SECONDS)
        execute(
            "UPDATE diary_feeds SET last_fetch_at = ?, last_error = ?, error_count = error_count + 1,"
            " next_fetch_at = ? WHERE member_id = ? AND url = ?",
            (started, exc.stored, started + backoff, member_id, url),
        )
        log.info("feed of member %s: %s", member_id, exc.stored)
        return Result(member_id, 0, exc.stored)
    if aud == audience.GROUP and group_id is None:
        aud = audience.PRIVATE  # the chosen group was deleted: show no one rather than everyone
    imported = _import_items(member_id, items, aud, group_id, first=not fetched_once)
    execute(
        "UPDATE diary_feeds SET last_fetch_at = ?, last_ok_at = ?, last_error = NULL, error_count = 0,"
        " next_fetch_at = ?, fetched_once = ?, imported_count = imported_count + ?,"
        " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) WHERE member_id = ? AND url = ?",
        (started, started, started + REFRESH_SECONDS, True, imported, fetched.etag, fetched.last_modified,
         member_id, url),
    )
    return Result(member_id, imported, None)


def _import_items(member_id: int, items: list[Item], aud: str, group_id: int | None, first: bool) -> int:
    if not items:
        return 0
    keys = [item.key for item in items]
    seen = set()
    for start in range(0, len(keys), 200):
        part = keys[start:start + 200]
        seen.update(r[0] for r in fetchall(
            f"SELECT item_key FROM diary_feed_items WHERE member_id = ? AND item_key IN ({', '.join('?' * len(part))})",
            (member_id, *part),
        ))
    new = [item for item in items if item.key not in seen]
    cap = FIRST_FETCH_ITEMS if first else MAX_ITEMS_PER_FETCH
    skipped, wanted = (new[:-cap], new[-cap:]) if len(new) > cap else ([], new)
    t = now()
    # Seen, never to be imported: a flood of old items stays out of friends' feeds.
    for start in range(0, len(skipped), 500):
        part = skipped[start:start + 500]
        execute(
            "INSERT INTO diary_feed_items (member_id, item_key, created_at) VALUES "
            + ", ".join("(?, ?, ?)" for _ in part) + " ON CONFLICT (member_id, item_key) DO NOTHING",
            [value for item in part for value in (member_id, item.key, t)],
        )
    imported = 0
    for item in wanted:
        with db.atomic():
            # Claim the item first: if another process imports the same feed, one of us wins.
            if not execute(
                "INSERT INTO diary_feed_items (member_id, item_key, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (member_id, item_key) DO NOTHING", (member_id, item.key, t),
            ).rowcount:
                continue
            draft = diaries.Draft(item.title, item.body or item.title, aud, group_id)
            diary_id = diaries.create_entry(member_id, draft, source_url=item.link)
            execute("UPDATE diary_feed_items SET diary_id = ? WHERE member_id = ? AND item_key = ?",
                    (diary_id, member_id, item.key))
        imported += 1
    return imported


def import_due(limit: int = 100) -> list[Result]:
    """Fetch and import the feeds that are due (up to ``limit``), each claimed first, so any
    number of processes can run this at once without fetching a feed twice."""
    t = now()
    due = fetchall(
        "SELECT f.member_id, f.next_fetch_at FROM diary_feeds f JOIN members m ON m.id = f.member_id"
        f" WHERE f.next_fetch_at <= ? AND {audience.active_member_sql('m.')} ORDER BY f.next_fetch_at LIMIT ?",
        (t, limit),
    )
    results = []
    for member_id, next_at in due:
        # Push it ahead for the time a fetch may take: the claim, and a fence if we crash.
        claimed = execute(
            "UPDATE diary_feeds SET next_fetch_at = ? WHERE member_id = ? AND next_fetch_at = ?",
            (t + int(FETCH_DEADLINE) * 3, member_id, next_at),
        ).rowcount
        if claimed:
            try:
                results.append(import_feed(member_id))
            except Exception:
                log.exception("importing the feed of member %s failed", member_id)
    return results


class FeedThread(threading.Thread):
    """Runs :func:`import_due` every ``interval`` seconds until stopped."""

    def __init__(self, interval: float):
        super().__init__(name="keitai-feed-import", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                import_due()
            except Exception:
                log.exception("feed import round failed")
            finally:
                db.close()  # this thread's connection; the next round opens a fresh one

    def stop(self) -> None:
        self.stopped.set()


def start_background(interval: float | None = None) -> FeedThread | None:
    """Start importing feeds inside this process (``run.py serve`` when settings.feed_interval > 0)."""
    interval = config.get().feed_interval if interval is None else interval
    if not interval or interval <= 0:
        return None
    thread = FeedThread(interval)
    thread.start()
    return thread
