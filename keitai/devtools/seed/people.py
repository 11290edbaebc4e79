"""Members and what binds them: friendships (a long-tailed graph), requests, friend lists, blocks."""
from __future__ import annotations

import math
import random
import time
from typing import Iterator

from keitai.platform.db.connection import execute, is_sqlite

from keitai.accounts import rules as accounts
from keitai.devtools.seed.site import Context, MAIL_DOMAINS, SEED_PASSWORD, YEAR, bulk_insert, reserve_ids
from keitai.devtools.seed.text import (AUDIENCES, FAMILY, GIVEN_KANJI, GROUP_NAMES, HOBBIES, JOBS, PREFECTURES,
                                       PREFECTURE_WEIGHTS, REQUEST_MESSAGES, nickname, paragraph, weighted)


def seed_members(ctx: Context) -> int:
    """Members: carrier mail addresses, Japanese nicknames and profiles, mixed audiences."""
    rng, n = ctx.rng, ctx.n
    ctx.first_id = reserve_ids("members", n).start
    password_hash = accounts.hash_password(SEED_PASSWORD)  # once: argon2 per member would dominate
    domain = weighted(rng, tuple(d for d, _ in MAIL_DOMAINS), tuple(w for _, w in MAIL_DOMAINS))
    prefecture = weighted(rng, PREFECTURES, PREFECTURE_WEIGHTS)
    field_audience = weighted(rng, AUDIENCES, (70, 12, 15, 3))
    start = ctx.now - 5 * YEAR
    ctx.joined = [min(start + (5 * YEAR * i) // max(n, 1) + rng.randrange(3600), ctx.now) for i in range(n)]

    def rows() -> Iterator[tuple]:
        for i in range(n):
            member_id = ctx.member_id(i)
            roll = rng.random()
            status = "active" if roll < 0.985 else "pending" if roll < 0.997 else "suspended"
            if status == "pending":
                ctx.pending.add(i)
            elif status == "active":
                ctx.active.append(i)
            age = rng.randint(18, 60) if rng.random() < 0.9 else rng.randint(18, 25)
            birthday = f"{time.gmtime(ctx.now).tm_year - age}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            hobbies = "・".join(rng.sample(HOBBIES, rng.randint(0, 3)))
            pref = prefecture()
            about = ""
            if rng.random() < 0.8:
                about = f"はじめまして！{pref}在住の{rng.choice(JOBS)}です。" + paragraph(rng, rng.randint(0, 3))
            real_name = rng.choice(FAMILY) + " " + rng.choice(GIVEN_KANJI) if rng.random() < 0.3 else ""
            last_login = ctx.now - int(rng.expovariate(1 / (5 * 86400))) if status == "active" else None
            yield (
                member_id, nickname(rng), f"s{member_id}@{domain()}", password_hash, status, False, birthday,
                rng.choice(("female", "male", "female", "male", "")), pref, hobbies, about, real_name,
                rng.choice(("private", "private", "friends", "everyone")),  # birthday
                rng.choice(("friends", "everyone", "everyone", "private")),  # age
                field_audience(), field_audience(), field_audience(), field_audience(),
                "private" if rng.random() < 0.9 else "friends",  # real name
                field_audience(), field_audience(),  # photo, friends list
                ctx.joined[i], max(last_login, ctx.joined[i]) if last_login else None,
            )

    columns = (
        "id", "nickname", "mail", "password_hash", "status", "is_admin", "birthday", "gender", "prefecture",
        "hobbies", "about", "real_name", "aud_birthday", "aud_age", "aud_gender", "aud_prefecture", "aud_hobbies",
        "aud_about", "aud_real_name", "aud_photo", "aud_friends", "created_at", "last_login_at",
    )
    return bulk_insert("members", columns, rows(), ctx.progress, n)


def friend_degrees(rng: random.Random, n: int, median: int, hubs: float) -> list[int]:
    """How many friends each member is meant to have: log-normal around ``median``, plus hubs."""
    if n < 2:
        return [0] * n
    mu = math.log(max(median, 1))
    cap = n - 1
    degrees = [min(int(rng.lognormvariate(mu, 0.8)) + 1, cap) for _ in range(n)]
    if n >= 1000:
        for hub in rng.sample(range(n), max(1, int(n * hubs))):
            degrees[hub] = min(rng.randint(1000, 5000), n // 4)
    return degrees


def friend_pairs(rng: random.Random, degrees: list[int]) -> set[int]:
    """Friendships as ``lo * n + hi`` over member indexes, near the wanted degrees.

    Half of each member's friends come from their own circle (members who joined about
    the same time, as classmates or colleagues would), the rest from anywhere; hubs'
    friends come from anywhere.  Pairs are matched like a configuration model; the few
    self-pairs and repeats are dropped.
    """
    n = len(degrees)
    local: list[int] = []
    anywhere: list[int] = []
    for member, degree in enumerate(degrees):
        near = degree // 2 if degree < 1000 else 0
        local.extend([member] * near)
        anywhere.extend([member] * (degree - near))
    circle = 4096  # stubs per circle: about 200 members
    for start in range(0, len(local), circle):
        chunk = local[start:start + circle]
        rng.shuffle(chunk)
        local[start:start + circle] = chunk
    rng.shuffle(anywhere)
    pairs: set[int] = set()
    for stubs in (local, anywhere):
        it = iter(stubs)
        for a, b in zip(it, it):
            if a != b:
                pairs.add(a * n + b if a < b else b * n + a)
    return pairs


def seed_friendships(ctx: Context) -> int:
    """Friendships (two rows each, in key order for fast inserts), then friend_count."""
    rng, n = ctx.rng, ctx.n
    started = time.monotonic()
    degrees = friend_degrees(rng, n, ctx.sizes.friends, ctx.sizes.hubs)
    for i in ctx.pending:  # an unverified member has made no friends yet
        degrees[i] = 0
    ctx.pairs = friend_pairs(rng, degrees)
    directed = []
    for key in ctx.pairs:
        a, b = divmod(key, n)
        directed.append(key)
        directed.append(b * n + a)
    directed.sort()
    ctx.progress(f"  friend graph: {len(ctx.pairs):,} friendships in {time.monotonic() - started:.1f} s")
    joined, first, t_now = ctx.joined, ctx.first_id, ctx.now

    def rows() -> Iterator[tuple]:
        for key in directed:
            a, b = divmod(key, n)
            lo, hi = (a, b) if a < b else (b, a)
            since = max(joined[a], joined[b])
            # The same time for both directions, spread between the later join and now.
            spread = ((lo * 2654435761 + hi * 40503) % 1_000_003) / 1_000_003
            yield first + a, first + b, since + int((t_now - since) * spread)

    made = bulk_insert("friendships", ("member_id", "friend_id", "created_at"), rows(), ctx.progress, len(directed))
    last = first + n - 1
    if is_sqlite():
        execute(
            "UPDATE members SET friend_count = (SELECT COUNT(*) FROM friendships f WHERE f.member_id = members.id)"
            " WHERE id BETWEEN ? AND ?", (first, last))
    else:
        execute(
            "UPDATE members m SET friend_count = c.n FROM (SELECT member_id, COUNT(*) AS n FROM friendships"
            " WHERE member_id BETWEEN ? AND ? GROUP BY member_id) c WHERE m.id = c.member_id", (first, last))
    return made


def _strangers(ctx: Context, count: int) -> Iterator[tuple[int, int]]:
    """``count`` distinct (a, b) member indexes who are not friends and not the same."""
    seen: set[tuple[int, int]] = set()
    rng, n = ctx.rng, ctx.n
    if n < 2:
        return
    attempts = 0
    while len(seen) < count and attempts < count * 5:
        attempts += 1
        a, b = rng.randrange(n), rng.randrange(n)
        if a == b or (a, b) in seen or (b, a) in seen or ctx.are_friends(a, b):
            continue
        seen.add((a, b))
        yield a, b


def seed_friend_requests(ctx: Context) -> int:
    """Pending friend requests, mostly recent, some with a message."""
    rng = ctx.rng

    def rows() -> Iterator[tuple]:
        for a, b in _strangers(ctx, int(ctx.n * ctx.sizes.requests)):
            since = max(ctx.joined[a], ctx.joined[b], ctx.now - 60 * 86400)
            yield ctx.member_id(a), ctx.member_id(b), rng.choice(REQUEST_MESSAGES), rng.randint(since, ctx.now)

    return bulk_insert("friend_requests", ("from_id", "to_id", "message", "created_at"), rows(), ctx.progress)


def seed_friend_groups(ctx: Context) -> int:
    """Friend lists (親友, 会社, ...) of some members, each holding some of their friends."""
    rng, n = ctx.rng, ctx.n
    owners = set(rng.sample(range(n), int(n * ctx.sizes.groups))) if n else set()
    friends_of: dict[int, list[int]] = {o: [] for o in owners}
    for key in ctx.pairs:
        a, b = divmod(key, n)
        if a in friends_of:
            friends_of[a].append(b)
        if b in friends_of:
            friends_of[b].append(a)
    planned = []  # (owner, name, created_at, chosen friends), numbered from 0 until ids are reserved
    for owner in sorted(owners):
        mine = friends_of[owner]
        if not mine:
            continue
        for name in rng.sample(GROUP_NAMES, rng.randint(1, 3)):
            created = rng.randint(ctx.joined[owner], ctx.now)
            chosen = rng.sample(mine, max(1, min(len(mine), int(len(mine) * rng.uniform(0.05, 0.4)))))
            planned.append((owner, name, created, chosen))
    first = reserve_ids("friend_groups", len(planned)).start
    groups, members = [], []
    for group_id, (owner, name, created, chosen) in enumerate(planned, first):
        groups.append((group_id, ctx.member_id(owner), name, created))
        members.extend((group_id, ctx.member_id(friend)) for friend in chosen)
        ctx.groups_of.setdefault(owner, []).append((group_id, chosen))
    made = bulk_insert("friend_groups", ("id", "owner_id", "name", "created_at"), groups, ctx.progress)
    bulk_insert("friend_group_members", ("group_id", "member_id"), members, ctx.progress)
    return made


def seed_blocks(ctx: Context) -> int:
    """A few members have blocked someone (never a friend: blocking ends a friendship)."""
    rng = ctx.rng

    def rows() -> Iterator[tuple]:
        for a, b in _strangers(ctx, int(ctx.n * ctx.sizes.blocks)):
            ctx.blocked.add((a, b))
            yield ctx.member_id(a), ctx.member_id(b), rng.randint(max(ctx.joined[a], ctx.joined[b]), ctx.now)

    return bulk_insert("blocks", ("blocker_id", "blocked_id", "created_at"), rows(), ctx.progress)


