"""Hostile input, on every form and every route: never a 500, refusals change nothing,
script written by a member never runs on anyone's page.

Nothing here names a feature.  Forms are found by crawling the site as a member (PC and
docomo i-mode 1.0, signed in and signed out), submitting each form once with plausible
text and crawling again, so a comment form under a new diary is found too.  Routes come
from ``app.routes``.  A feature is covered as soon as it is merged and linked.

Each form then gets hypothesis-generated submissions: random bytes in CP932 and UTF-8
bodies, overlong fields, control characters, UTF-8-encoded lone surrogates, every
carrier's emoji bytes, script and SQL injection, odd body encodings, duplicated and
unknown fields, forged subscriber headers from outside the gateways; each with a valid,
missing, forged, anonymous or another member's CSRF token and with the member's own,
another member's, a forged or no sid.  ``KEITAI_FUZZ_EXAMPLES=500`` runs a deeper,
randomised search (the default is small, fixed and fast).
"""
from __future__ import annotations

import email
import email.policy
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import DOCOMO_1, GATEWAY_IP, OUTSIDE_IP, PC
from keitai import config
from keitai.platform import device as devices
from keitai.platform.db import connection as base
from keitai.platform.mail import queue
from keitai.friends import rules as friends
from keitai.platform.text import emoji_table
from keitai.platform.web import sessions
from sitewalk import (FormSpec, cheap_passwords, crawl, fill, fingerprint, forms_of, quick_member,  # noqa: F401
                      route_rules, start_session, text_cells_containing, without_sid)

DEEP_EXAMPLES = int(os.environ.get("KEITAI_FUZZ_EXAMPLES") or 0)
EXAMPLES = DEEP_EXAMPLES or 20

#: Forms whose plausible submission would undo the world the crawl stands on; they are
#: still fuzzed (each example is rolled back), just not used to discover further pages.
DESTRUCTIVE = re.compile(r"logout|delete|remove|withdraw|leave|quit|block|unfriend|cancel|reject|deny|"
                         r"suspend|ban|report|password|mail", re.I)

INJECTIONS = (
    '<script>alert("k1")</script>',
    '"><img src=x onerror=alert(2)>',
    "' onmouseover='alert(3)' x='",
    '" onmouseover="alert(4)" x="',
    "javascript:alert(5)",
    "http://evil.example/\"><script>alert(6)</script>",
    "<iframe src=//evil.example>",
    "</form><form action=//evil.example/steal>",
    "<!--page--><!--/page-->",
    "{{ 7*7 }}{% if 1 %}x{% endif %}",
    "' OR '1'='1' --",
    "'; DROP TABLE members; --",
    "%s%n%x%d",
    "＜script＞alert(7)＜／script＞",
)
#: Ways to say "another site" to a redirect: each must land on this site.
REDIRECTS = ("//evil.example/", "http://evil.example/", "https:evil.example", "/\\evil.example", "\\\\evil.example",
             "/%2F%2Fevil.example", "\t//evil.example", " //evil.example", "///evil.example", "http:/\\evil.example",
             "/out?url=http://evil.example/", "javascript:alert(8)", "//evil.example@localhost/",
             "%2F%2Fevil.example", "/.//evil.example", "https://localhost.evil.example/")
#: Fields and parameters that name where to go next.
REDIRECT_NAMES = re.compile(r"next|url|return|back|redirect|continue|goto|to$", re.I)
#: Any of these in a page means member input reached it unescaped.
RAW = ("<script>alert(", "<img src=x onerror", "' onmouseover='alert(", '" onmouseover="alert(',
       "<iframe src=//evil", "<form action=//evil", 'href="javascript:', "href='javascript:")

CONTROLS = ("\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f")
SURROGATES = (b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xb2\x80a", b"x\xed\xa0\xbd\xed\xb8\x80")
OVERLONG = (300, 5_000, 100_001, 210_000)


def _emoji_bytes() -> list[bytes]:
    found = []
    for table in emoji_table.SJIS.values():
        codes = sorted(table.items())
        for pua, sjis in codes[:: max(1, len(codes) // 12)]:
            found.append(bytes((sjis >> 8, sjis & 0xFF)))  # the handset's Shift_JIS emoji
            found.append(chr(pua).encode("utf-8"))  # its private-use code point in UTF-8
    found += [b"\x1b$Gj\x0f", b"\x1b$E!#\x0f", b"\x1b$G", "\U0001F600\u200d\U0001F469".encode(), "\u2600\ufe0f".encode()]
    return found


EMOJI = _emoji_bytes()


def hostile(charset: str):
    """Strategy: the bytes of one field's value."""
    def enc(s: str) -> bytes:
        return s.encode(charset, "replace")

    words = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
    return st.one_of(
        words.map(enc),
        st.binary(max_size=40),
        st.sampled_from(INJECTIONS).map(enc),
        st.sampled_from(EMOJI),
        st.sampled_from(SURROGATES),
        st.tuples(words, st.sampled_from(CONTROLS)).map(lambda t: enc(t[0] + t[1] + t[0])),
        st.sampled_from(OVERLONG).map(lambda n: enc("あ" * n)),
        st.just(b""),
        st.just(b"99999999999999999999999"),
        st.just(b"-1"),
    )


EXTRA_NAMES = (b"next", b"to", b"before", b"pg", b"id", b"member_id", b"audience", b"group_id", b"url",
               b"msg", b"sid", b"csrf", b"guid", b"q")
SUBSCRIBER_HEADERS = ("X-DCMGUID", "X-UP-SUBNO", "X-JPHONE-UID")
FORGED_SIDS = ("forged", "long", "sql", "bad-bytes", "other", "none", "url-on-pc")


@dataclass
class World:
    me: int
    friend: int
    victim: int
    markers: tuple[str, ...]


def _community_with_an_event_and_a_poll(me: int, friend: int) -> None:
    """A community of mine, with a topic, an event and a poll the friend wrote (in injections):
    their pages and forms (comment, 参加, vote, new event, new poll) are found from the start."""
    import datetime

    from keitai import communities
    from keitai.events import rules as events
    from keitai.polls import rules as polls

    community_id = communities.create_community(me, "猫好き", "animals", INJECTIONS[2])
    communities.join(communities.standing(community_id, friend))
    standing = communities.standing(community_id, friend)
    communities.create_topic(standing, INJECTIONS[0], INJECTIONS[1])
    day = events.today() + datetime.timedelta(days=30)
    typed = f"{day.year}/{day.month}/{day.day}"
    checked, errors = events.check_event(events.Draft(INJECTIONS[0], typed, "19:00", INJECTIONS[1], "", INJECTIONS[3]))
    assert errors == []
    events.create_event(standing, checked)
    checked, errors = polls.check_poll(polls.Draft(INJECTIONS[0], (INJECTIONS[1], INJECTIONS[3]), typed))
    assert errors == []
    polls.create_poll(standing, checked)


def _album_with_a_photo_and_a_comment(me: int, friend: int) -> None:
    """An album of mine (titled, described and captioned in injections) with the friend's
    comment: its page, photo page and forms (comment, add photos, edit, cover) are found from the start."""
    from diary_helpers import FakeUpload, small_photo
    from keitai.albums import comments as album_comments
    from keitai.albums import rules as albums
    from keitai.photos import rules as photos

    album_id = albums.create_album(me, albums.Draft(INJECTIONS[0], INJECTIONS[1], "friends", None))
    albums.add_photos(album_id, me, [(photos.prepare(FakeUpload(small_photo())), INJECTIONS[3])] * 2)
    album_comments.add_comment(friend, album_id, INJECTIONS[2])


@pytest.fixture
def world(app, cheap_passwords):  # noqa: F811
    me = quick_member("さくら", "sakura@docomo.ne.jp", about="カフェ巡り https://example.com/sakura", hobbies="写真")
    # Member-written text already in the database: every page must escape it.
    friend = quick_member("たろう" + INJECTIONS[0], "taro@ezweb.ne.jp", about=" ".join(INJECTIONS),
                          hobbies=INJECTIONS[1], prefecture=INJECTIONS[3])
    victim = quick_member("ひみつ", "himitsu@softbank.ne.jp", hobbies="VICTIMhobbyX", about="VICTIMaboutX",
                          real_name="VICTIMrealX", aud_hobbies="private", aud_about="friends")
    friends.befriend(me, friend)
    friends.befriend(victim, friend)
    _community_with_an_event_and_a_poll(me, friend)
    _album_with_a_photo_and_a_comment(me, friend)
    return World(me, friend, victim, ("VICTIMhobbyX", "VICTIMaboutX", "VICTIMrealX"))


def _plausible(spec: FormSpec, n: int, charset: str, hostile: bool = True) -> list[tuple[bytes, bytes]]:
    """What a member might fill in (with an injection attempt in every text field when ``hostile``):
    boxes ticked, a choice made in every empty select, a birthday that makes an adult."""
    pairs = []
    for i, (name, kind, default) in enumerate(spec.fields):
        value = default
        if kind == "hidden" or kind == "submit":
            pass
        elif "mail" in name or kind == "email":
            value = f"fuzz{n}x{i}@docomo.ne.jp"
        elif "birth" in name or kind == "date":
            value = {"year": "1990", "month": "1", "day": "1"}.get(name.rpartition("_")[2], "1990-01-01")
        elif kind in ("text", "textarea", "search", "url", "tel", ""):
            value = f"テスト{n}-{i}"
            if hostile:
                value += f" {INJECTIONS[(n + i) % len(INJECTIONS)]} {INJECTIONS[(n + i + 1) % len(INJECTIONS)]}"
        elif kind == "password":
            value = "fuzz password 42"
        elif kind == "number":
            value = "1"
        elif kind in ("select", "radio") and not default:
            choices = [o for o in spec.options.get(name, []) if o]
            if "year" in name and "1990" in choices:
                value = "1990"
            elif choices:
                value = choices[0]
        pairs.append((name.encode(), value.encode(charset, "replace")))
    pairs += [(name.encode(), value.encode()) for name, value in spec.unchecked.items()]
    return pairs


def _urlencode(pairs) -> bytes:
    return b"&".join(quote_from_bytes(k, safe=b"").encode() + b"=" + quote_from_bytes(v, safe=b"").encode()
                     for k, v in pairs)


def _multipart(pairs, file_fields: frozenset[bytes] = frozenset()) -> tuple[bytes, str]:
    """A multipart body; the values of ``file_fields`` (a form's file inputs) go as uploaded files."""
    boundary = "----keitaifuzz" + secrets.token_hex(8)
    parts = []
    for k, v in pairs:
        file_part = b'; filename="fuzz.jpg"\r\nContent-Type: image/jpeg' if k in file_fields and v else b""
        parts.append(b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; name=\"" + k.replace(b'"', b"")
                     + b"\"" + file_part + b"\r\n\r\n" + v + b"\r\n")
    return b"".join(parts) + b"--" + boundary.encode() + b"--\r\n", f"multipart/form-data; boundary={boundary}"


def submit(client, spec: FormSpec, pairs, *, sid: str | None, cookie: str | None = None, style: str = "auto",
           headers: dict | None = None):
    """Send ``pairs`` (raw bytes) to the form's action as the browser would; any status is returned."""
    url = spec.action
    if sid is not None:
        url += ("&" if "?" in url else "?") + "sid=" + quote_from_bytes(sid.encode("latin-1", "replace"), safe=b"")
    headers = dict(headers or {})
    if cookie is not None:
        headers["Cookie"] = "; ".join(filter(None, (headers.get("Cookie"), f"sid={cookie}")))
    if spec.method == "GET":
        query = _urlencode(pairs).decode("ascii")
        if query:
            url += ("&" if "?" in url else "?") + query
        return client.get(url, headers=headers, status="*", expect_errors=True)
    if style == "auto":
        style = "multipart" if spec.multipart else "urlencoded"
    file_fields = frozenset(name.encode() for name, kind, _default in spec.fields if kind == "file")
    if style == "multipart":
        body, content_type = _multipart(pairs, file_fields)
    elif style == "raw":  # bytes as they are, as some handsets send them
        body, content_type = b"&".join(k + b"=" + v for k, v in pairs), "application/x-www-form-urlencoded"
    elif style == "mislabelled":
        body, content_type = _urlencode(pairs), "multipart/form-data"
    elif style == "cut-multipart":
        body, content_type = _multipart(pairs, file_fields)
        body = body[: len(body) // 2]
    else:
        body, content_type = _urlencode(pairs), "application/x-www-form-urlencoded"
    headers["Content-Type"] = content_type  # as a header, so webtest sends the bytes untouched
    return client.post(url, params=body, headers=headers, status="*", expect_errors=True)


class Member:
    """A member (or a visitor: ``member_id`` None) on one kind of device, as the fuzzer drives it."""

    def __init__(self, client, member_id: int | None):
        self.client = client
        self.member_id = member_id
        self.handset = "DoCoMo" in client.extra_environ["HTTP_USER_AGENT"]
        self.charset = "cp932" if self.handset else "utf-8"
        self.sid = start_session(client, member_id) if member_id is not None else None
        # A browser's pre-session (the sign-in forms' tokens are bound to it); a handset's device key.
        self.pre = None if self.handset else secrets.token_urlsafe(24)
        device = devices.detect(client.extra_environ, check_gateway=config.get().gateway_check)
        self.visitor = sessions.visitor_key(device, config.get().secret_key, self.pre)
        self.crawl_client()

    def crawl_client(self):
        """Make the client present this member's session (cookie or sid) for a crawl."""
        self.client.reset()
        if self.sid and not self.handset:
            self.client.set_cookie("sid", self.sid)
        self.client.sid = self.sid if self.handset else None
        if self.pre:
            self.client.set_cookie("pre", self.pre)

    def token(self) -> bytes:
        return sessions.csrf_token(config.get().secret_key, self.sid, visitor=self.visitor).encode()

    def send(self, spec: FormSpec, pairs, *, sid_mode: str = "own", other_sid: str | None = None, **kw):
        """Submit with this member's session presented as ``sid_mode`` says (never the cookie jar's)."""
        presented = {
            "own": self.sid, "other": other_sid, "forged": secrets.token_urlsafe(24), "long": "A" * 300,
            "sql": "' OR 1=1 --", "bad-bytes": "\xff\xfe", "none": None, "url-on-pc": self.sid,
        }[sid_mode]
        self.client.reset()
        if self.pre:
            kw["headers"] = {**(kw.get("headers") or {}), "Cookie": f"pre={self.pre}"}
        if self.handset or sid_mode == "url-on-pc":
            return submit(self.client, spec, pairs, sid=presented, **kw)
        return submit(self.client, spec, pairs, sid=None, cookie=presented, **kw)

    def effective_sid(self, sid_mode: str, other_sid: str | None) -> str | None:
        """The session the site will see for ``sid_mode`` (a PC reads only its cookie)."""
        if sid_mode == "own" or (sid_mode == "url-on-pc" and self.handset):
            return self.sid
        if sid_mode == "other":
            return other_sid
        return None


def discover(members: list[Member], rounds: int = 3) -> list[tuple[Member, FormSpec]]:
    """Every form the members can reach; plausible submissions open further pages."""
    found: dict[tuple, tuple[Member, FormSpec]] = {}
    n = 0
    for _round in range(rounds):
        new = []
        for member in members:
            member.crawl_client()
            for path, response in crawl(member.client, limit=200):
                assert response.status_int < 500, (path, response.status, response.errors)
                if response.status_int != 200 or "html" not in response.content_type:
                    continue
                for spec in forms_of(path, response):
                    key = (member.handset, member.member_id is None) + spec.key
                    if key not in found:
                        found[key] = (member, spec)
                        new.append((member, spec))
        if not new:
            break
        for member, spec in new:
            if member.member_id is None or DESTRUCTIVE.search(spec.action):
                continue
            n += 1
            response = member.send(spec, [(b"csrf", member.token())] + _plausible(spec, n, member.charset))
            assert response.status_int < 500, (spec.action, response.status, response.errors)
            assert_escaped(spec.action, response)
            member.crawl_client()
    return list(found.values())


def assert_escaped(where: str, response) -> None:
    """No member-written script in this response, and no redirect off the site."""
    charset = (response.charset or "utf-8").lower()
    body = response.body.decode("cp932" if charset in ("shift_jis", "cp932") else "utf-8", "replace")
    for raw in RAW:
        assert raw not in body, (where, raw)
    if 300 <= response.status_int < 400:
        location = urlsplit(response.headers.get("Location", ""))
        assert location.scheme in ("http", "https") and location.hostname == "localhost", (where, location)


def _members(client, world) -> list[Member]:
    return [Member(client(PC), world.me), Member(client(DOCOMO_1), world.me),
            Member(client(PC), None), Member(client(DOCOMO_1), None)]


def test_script_written_anywhere_never_reaches_a_page_unescaped(client, world):
    members = _members(client, world)
    forms = discover(members)
    assert any(spec.action.startswith("/login") for _m, spec in forms)
    # お気に入り's buttons (on a member's profile, a community's page; the list's own removals).
    for action in ("/favorites/member/", "/favorites/community/"):
        assert any(spec.action.startswith(action) for _m, spec in forms), action
    assert any(spec.action.endswith("/remove") and spec.action.startswith("/favorites/") for _m, spec in forms)
    readers = [Member(client(ua), who) for ua in (PC, DOCOMO_1) for who in (world.me, world.friend, world.victim)]
    pages = 0
    for reader in readers:
        for path, response in crawl(reader.client, limit=200):
            pages += 1
            assert_escaped(path, response)
    assert pages > 10


@pytest.mark.parametrize("who", ["member", "visitor"])
@pytest.mark.parametrize("ua", [PC, DOCOMO_1], ids=["pc", "docomo1"])
def test_every_form_refuses_hostile_input_without_a_500_and_refusals_change_nothing(client, world, ua, who):
    members = _members(client, world)
    forms = [(m, spec) for m, spec in discover(members)
             if (m.client.extra_environ["HTTP_USER_AGENT"] == ua) and ((m.member_id is None) == (who == "visitor"))]
    assert forms, "the crawl found no form"
    other = Member(client(ua), world.friend)
    secret = config.get().secret_key
    baseline = fingerprint()  # every example is rolled back to this
    for member, spec in forms:
        _fuzz(member, spec, other.sid, secret, baseline)


def _fuzz(member: Member, spec: FormSpec, other_sid: str, secret: str, baseline: dict) -> None:
    names = [name for name, _kind, _default in spec.fields]
    values = st.fixed_dictionaries({
        name: st.one_of(st.just(default.encode(member.charset, "replace")), hostile(member.charset))
        for name, _kind, default in spec.fields
    })
    own_token = member.token().decode()
    _catalog(member, spec, baseline)

    @hsettings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not DEEP_EXAMPLES,
               suppress_health_check=list(HealthCheck))
    @given(
        values=values,
        drop=st.sets(st.sampled_from(names)) if names else st.just(set()),
        extra=st.lists(st.tuples(st.one_of(st.sampled_from(EXTRA_NAMES), st.binary(max_size=6)),
                                 hostile(member.charset)), max_size=2),
        csrf=st.sampled_from(("valid", "valid", "missing", "forged", "anonymous", "stale", "other")),
        sid_mode=st.sampled_from(("own", "own") + FORGED_SIDS),
        style=st.sampled_from(("auto", "auto", "urlencoded", "multipart", "raw", "mislabelled", "cut-multipart")),
        subscriber=st.one_of(st.none(), st.tuples(st.sampled_from(SUBSCRIBER_HEADERS),
                                                  st.from_regex(r"[0-9A-Za-z_.]{1,20}", fullmatch=True))),
    )
    def check(values, drop, extra, csrf, sid_mode, style, subscriber):
        token = {
            "valid": own_token, "missing": None, "forged": secrets.token_hex(16),
            "anonymous": sessions.csrf_token(secret, None, visitor=member.visitor),
            "other": sessions.csrf_token(secret, other_sid),
            "stale": sessions.csrf_token(secret, None, at=base.now() - sessions.ANON_CSRF_SECONDS - 60,
                                         visitor=member.visitor),
        }[csrf]
        pairs = [(name.encode(), values[name]) for name in names if name not in drop] + list(extra)
        if token is not None and spec.method == "POST":
            pairs.insert(0, (b"csrf", token.encode()))
        headers = {subscriber[0]: subscriber[1]} if subscriber else None
        # The one token the site may accept for the session it sees: that session's own, or with
        # no session a visitor's fresh one (never another session's, a forged or a stale one).
        effective = member.effective_sid(sid_mode, other_sid)
        if effective is None:  # a visitor (or a dead sid): any fresh visitor's token, the member's own if a visitor
            accepted = {"anonymous"} | ({"valid"} if member.sid is None else set())
        else:
            accepted = {"valid"} if effective == member.sid else {"other"}
        authentic = spec.method == "GET" or (
            token is not None and not any(k == b"csrf" for k, _v in extra) and csrf in accepted)
        with base.db.atomic() as txn:
            response = member.send(spec, pairs, sid_mode=sid_mode, other_sid=other_sid, style=style, headers=headers)
            what = (spec.method, spec.action, sid_mode, csrf, style, response.status)
            assert response.status_int < 500, (what, response.errors, response.body[:2000])
            assert_escaped(spec.action, response)
            if not authentic:
                assert response.status_int in (400, 403, 413), what
            if response.status_int >= 400:
                assert fingerprint() == baseline, ("a refused request changed the database", what)
            txn.rollback()

    check()


def catalog(charset: str) -> list[bytes]:
    """One of each kind of hostile value, tried on every form before the random search."""
    def enc(text: str) -> bytes:
        return text.encode(charset, "replace")

    values = [b"\xff\xfe", b"\x82", b"\x80", b"abc\x81", b"\xe3\x81", *SURROGATES, b"", b"   ", b"-1",
              b"99999999999999999999999", b"0x10", b"1e400", b"NaN"]
    values += [enc(f"a{c}b") for c in CONTROLS]
    values += [enc("あ" * n) for n in OVERLONG]
    values += [enc(text) for text in INJECTIONS]
    values += EMOJI[::3]
    values += [enc(t) for t in ("\u3000全角空白\u3000", "\u202eRTL", "zero\u200bwidth", "\ufeffBOM", "e\u0301\u0301",
                                "𠮷野家", "ｶﾀｶﾅ", "〜～−", "①②Ⅲ㈱", "\\0'\"`;--")]
    return values


def _catalog(member: Member, spec: FormSpec, baseline: dict) -> None:
    """Every catalogue value in every field at once, with the member's own session and token;
    then every redirect payload in every field (hidden ones too) that names a destination."""
    tries = [(value, lambda name, kind: kind not in ("hidden", "submit"), []) for value in catalog(member.charset)]
    tries += [(target.encode(), lambda name, kind: bool(REDIRECT_NAMES.search(name)), [(b"next", target.encode())])
              for target in REDIRECTS]
    for value, takes, extra in tries:
        pairs = [(b"csrf", member.token())] if spec.method == "POST" else []
        pairs += [(name.encode(), value if takes(name, kind) else default.encode())
                  for name, kind, default in spec.fields] + extra
        with base.db.atomic() as txn:
            response = member.send(spec, pairs)
            what = (spec.method, spec.action, value[:40], response.status)
            assert response.status_int < 500, (what, response.errors, response.body[:2000])
            assert_escaped(spec.action, response)
            if response.status_int >= 400:
                assert fingerprint() == baseline, ("a refused request changed the database", what)
            txn.rollback()


# --- links sent by mail (invitations, address verification): they work once ---------------------

MAIL_URL = re.compile(r"https?://[^\s/]+(/[^\s<>\"'）」]*)")


def outbox_paths(directory: str) -> list[str]:
    """The site's addresses in every mail sent so far (paths, without sid)."""
    queue.deliver_due()  # as a serve worker's sender would
    paths = set()
    for file in sorted(Path(directory).glob("*.eml")):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        body = message.get_body(("plain",))
        for path in MAIL_URL.findall(body.get_content() if body else ""):
            if not path.startswith("/out"):
                paths.add(without_sid(path))
    return sorted(paths)


def test_links_from_mail_work_once_and_replays_change_nothing(client, world, settings):
    members = _members(client, world)
    forms = discover(members)
    for n, (member, spec) in enumerate(forms):  # last, as they may change the member: a new address
        if member.member_id and spec.method == "POST" and re.search(r"mail", spec.action) and not re.search(
                r"logout|delete|withdraw", spec.action):
            member.send(spec, [(b"csrf", member.token())] + _plausible(spec, 900 + n, member.charset, hostile=False))
    paths = outbox_paths(settings.outbox_dir)
    replayed = 0
    for n, path in enumerate(paths):
        for opener in (Member(client(PC), None), Member(client(DOCOMO_1), None), Member(client(PC), world.me)):
            first = opener.send(FormSpec("", path, "GET", False), [])
            assert first.status_int < 500, (path, first.errors)
            before = fingerprint()
            again = opener.send(FormSpec("", path, "GET", False), [])
            assert again.status_int < 500, (path, again.errors)
            assert fingerprint() == before, ("opening a mail link a second time changed something", path)
            if again.status_int != 200:
                continue
            for spec in forms_of(path, again):
                if spec.method != "POST":
                    continue
                filled = _plausible(spec, n, opener.charset, hostile=False)
                unsent = fingerprint()
                done = opener.send(spec, [(b"csrf", opener.token())] + filled)
                assert done.status_int < 500, (spec.action, done.errors)
                after = fingerprint()
                if after == unsent:  # refused (or a page that changes nothing): no replay to test
                    continue
                replay = opener.send(spec, [(b"csrf", opener.token())] + filled)
                assert replay.status_int < 500, (spec.action, replay.errors)
                assert_escaped(spec.action, replay)
                assert fingerprint() == after, ("a replayed link changed something", spec.action, replay.status)
                replayed += 1
    if any(p.count("/") >= 2 for p in paths):  # links with a token in them
        assert replayed, (f"no form behind the links in mail {paths} accepted plausible values: "
                          "teach _plausible what they need, so the replay is tested")


# --- every route, with other members' ids, ids that do not exist, and garbage --------------------

QUERY_NAMES = ("before", "after", "pg", "page", "to", "q", "id", "next", "url", "msg", "year", "month", "group",
               "audience", "sort")
QUERY_VALUES = ("999999999999999999999999", "-1", "0", "abc", "%3Cscript%3E", "%82", "%ff%fe", "", "1e9",
                "%E3%81%82" * 200)


def test_every_route_with_foreign_missing_huge_and_garbage_ids_never_fails(client, world, app):
    me_pc = Member(client(PC), world.me)
    me_phone = Member(client(DOCOMO_1, ip=GATEWAY_IP["docomo"]), world.me)
    visitor = client(PC)
    forged_gateway = client(DOCOMO_1, ip=OUTSIDE_IP, headers={"X-DCMGUID": "FORGED01"})
    ints = [str(world.victim), str(world.me), "0", "999999999999999999", "99999999999999999999", "-1", "abc", "%EF%BC%91"]
    other = ["x", "a" * 300, "%E3%81%82", "..%2F..%2Fetc%2Fpasswd", "%00", "%3Cscript%3E", "%82%A0"]
    values = {"int": ints, "re": other, "path": other + ["a/b/c"], "float": ["1.5", "-0", "1e400"]}
    before = text_cells_containing(world.markers)
    assert len(before) == 3
    requests = 0
    hostile_queries = ["&".join(f"{n}={v}" for n in QUERY_NAMES) for v in QUERY_VALUES] + [
        f"next={quote(t, safe='')}&url={quote(t, safe='')}" for t in REDIRECTS]
    for method, rule in route_rules(app):
        for i, path in enumerate(fill(rule, values, other)):
            if method == "GET":
                # Every filled path plainly; the first also with every hostile query.
                for query in [""] + (hostile_queries if i == 0 else []):
                    for who in (me_pc, me_phone):
                        response = who.send(FormSpec("", path + ("?" + query if query else ""), "GET", False), [])
                        requests += 1
                        assert response.status_int < 500, (who.handset, path, query, response.errors)
                        assert_escaped(f"{path}?{query}", response)
                for anonymous in (visitor, forged_gateway):
                    for query in ("", f"next={quote(REDIRECTS[0], safe='')}"):
                        # webtest cannot match a cookie (the visitor's pre-session) to a path that
                        # is not UTF-8: each visit is a first one.
                        anonymous.reset()
                        response = anonymous.get(path + ("?" + query if query else ""), status="*", expect_errors=True)
                        assert response.status_int < 500, (path, response.errors)
                        assert_escaped(path, response)
            elif method == "POST":
                for who in (me_pc, me_phone):
                    fields = [(b"csrf", who.token())] + [(n.encode(), v.encode()) for n, v in (
                        ("body", "書き換え"), ("title", "書き換え"), ("text", "書き換え"), ("confirm", "1"),
                        ("to", str(world.victim)), ("member_id", str(world.victim)), ("audience", "everyone"))]
                    with base.db.atomic() as txn:
                        response = who.send(FormSpec("", path, "POST", False), fields)
                        requests += 1
                        assert response.status_int < 500, (path, response.errors, response.body[:2000])
                        assert_escaped(path, response)
                        assert text_cells_containing(world.markers) == before, ("changed another member's data", path)
                        txn.rollback()
    assert requests > 20
