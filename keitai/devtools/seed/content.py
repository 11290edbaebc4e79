"""What members write: diaries and comments, communities and topics, footprints, messages."""
from __future__ import annotations

import math
import random
from typing import Iterator

from keitai.platform.db.connection import execute

from keitai.diary import rules as diaries_module
from keitai.devtools.seed.site import Context, YEAR, bulk_insert, reserve_ids, skewed_authors, spread_times
from keitai.devtools.seed.text import (COMMENTS, COMMUNITY_NAMES, DIARY_TITLES, EMOJI, MESSAGE_SUBJECTS, PREFECTURES,
                                       REPLIES, TOPIC_REPLIES, TOPIC_TITLES, paragraph, weighted)


def seed_diaries(ctx: Context) -> int:
    """Diary entries (audiences mixed, some to a friend list) and comments by those who may
    read them; comment_count, last_comment_at and the author's unread comments agree with
    the comments as if each had been added through :func:`keitai.diary.rules.add_comment`.
    Entries have no photos (no image files are made), so photo_count is 0."""
    rng, sizes = ctx.rng, ctx.sizes
    authors = skewed_authors(ctx, sizes.count("diaries"))
    audience_of = weighted(rng, ("everyone", "friends_of_friends", "friends", "private"), (50, 15, 30, 5))
    entries = []  # (created_at, author, audience, group id, group members)
    for author in authors:
        chosen, group_id, readers = audience_of(), None, None
        groups = ctx.groups_of.get(author)
        if groups and rng.random() < 0.15:  # members with friend lists write some entries to one
            chosen = "group"
            group_id, readers = rng.choice(groups)
        created = ctx.now - int((ctx.now - ctx.joined[author]) * rng.random() ** 2)  # more recent than not
        entries.append((created, author, chosen, group_id, readers))
    entries.sort(key=lambda e: e[0])  # ids in time order: lists are newest first by id
    ctx.diary_ids = reserve_ids("diaries", len(entries))
    first_diary = ctx.diary_ids.start
    # Comments per entry: most get none or a few, popular ones dozens; never on private entries.
    open_entries = [i for i, e in enumerate(entries) if e[2] != "private"]
    per_entry = [0] * len(entries)
    for i in (rng.choices(open_entries, cum_weights=list(_cumulative(rng, len(open_entries))), k=sizes.count("comments"))
              if open_entries else ()):
        per_entry[i] += 1
    first_comment = reserve_ids("diary_comments", sum(per_entry)).start
    comments: list[tuple] = []
    diaries: list[tuple] = []
    next_comment = first_comment
    for i, (created, author, chosen, group_id, readers) in enumerate(entries):
        diary_id = first_diary + i
        count = per_entry[i]
        seen, unread, last_at = 0, 0, None
        if count:
            pool = readers if chosen == "group" else ctx.friends_of(author)
            pool = [p for p in pool if p not in ctx.pending] or [author]
            times = spread_times(rng, min(created + 60, ctx.now), min(ctx.now, created + 30 * 86400), count)
            for t in times:
                writer = author if rng.random() < 0.3 else rng.choice(pool)
                own = writer == author
                body = rng.choice(REPLIES if own else COMMENTS)
                if rng.random() < 0.3:
                    body += rng.choice(EMOJI)
                comments.append((next_comment, diary_id, ctx.member_id(writer), body, t))
                if own:  # writing on one's own entry marks its comments seen
                    seen, unread = next_comment, 0
                else:
                    unread += 1
                next_comment += 1
            last_at = times[-1]
            # Authors read their comments, except on the newest few days' entries now and then.
            if unread and (last_at < ctx.now - 3 * 86400 or rng.random() < 0.5):
                seen, unread = next_comment - 1, 0
        title = rng.choice(DIARY_TITLES) + (rng.choice(EMOJI) if rng.random() < 0.3 else "")
        body = paragraph(rng, rng.randint(1, 6))
        diaries.append((diary_id, ctx.member_id(author), title, body, chosen, group_id, 0, count, unread, seen,
                        last_at, created, created))
    columns = ("id", "author_id", "title", "body", "audience", "group_id", "photo_count", "comment_count",
               "unread_comments", "seen_comment_id", "last_comment_at", "created_at", "updated_at")
    made = bulk_insert("diaries", columns, diaries, ctx.progress, len(diaries))
    del diaries
    bulk_insert("diary_comments", ("id", "diary_id", "author_id", "body", "created_at"), comments, ctx.progress,
                len(comments))
    execute(diaries_module.REFRESH_ALL_NEWEST)
    return made


def _cumulative(rng: random.Random, count: int, sigma: float = 1.5) -> Iterator[float]:
    """Cumulative log-normal weights: a few items draw most of the picks."""
    total = 0.0
    for _ in range(count):
        total += rng.lognormvariate(0, sigma)
        yield total


def _community_name(rng: random.Random, category: str) -> str:
    name = rng.choice(COMMUNITY_NAMES.get(category) or COMMUNITY_NAMES["life"])
    return name.format(pref=rng.choice(PREFECTURES))


def seed_communities(ctx: Context) -> int:
    """Communities whose sizes fall off like a power law, from ``big_community`` members down to
    one; topics (more in bigger ones) with numbered comments.  member_count, topic_count,
    comment_count (the last number) and last_activity_at agree with the rows."""
    rng, sizes = ctx.rng, ctx.sizes
    count = sizes.count("communities") if ctx.active else 0
    if not count:
        return 0
    active = ctx.active
    big = max(1, min(sizes.count("big_community"), len(active)))
    # Zipf-like, steep enough that the last one has a single member (its owner).
    steep = math.log(big) / math.log(count) if count > 1 else 1.0
    member_counts = [max(1, round(big / (rank + 1) ** steep)) for rank in range(count)]
    ctx.community_ids = reserve_ids("communities", count)
    first_community = ctx.community_ids.start
    categories = tuple(COMMUNITY_NAMES)
    # Creation order: shuffled, so the biggest is not always the oldest.
    order = list(range(count))
    rng.shuffle(order)
    created_of = sorted(spread_times(rng, ctx.now - 5 * YEAR, ctx.now - 86400, count))
    memberships: list[list[int]] = []
    communities, members_rows = [], []
    for rank, slot in enumerate(order):
        community_id = first_community + slot
        who = rng.sample(active, member_counts[rank])
        owner = who[0]
        created = max(created_of[slot], ctx.joined[owner])
        memberships.append(who)
        subadmins = set(who[1:1 + (rng.randint(0, 3) if len(who) > 20 else 0)])
        for member in who:
            since = max(created, ctx.joined[member])
            joined = created if member == owner else rng.randint(since, max(since, ctx.now))
            members_rows.append((community_id, ctx.member_id(member),
                                 "subadmin" if member in subadmins else "member", joined))
        category = rng.choice(categories)
        description = f"{_community_name(rng, category)}のコミュです。" + paragraph(rng, rng.randint(0, 2))
        communities.append([community_id, _community_name(rng, category), category, description,
                            "approval" if rng.random() < 0.1 else "open",
                            "members" if rng.random() < 0.05 else "everyone", "members",
                            ctx.member_id(owner), len(who), 0, created, created])
    communities.sort(key=lambda c: c[0])
    members_rows.sort(key=lambda r: (r[0], r[1]))  # primary key order: fast inserts
    # Topics: spread over communities by size (bigger, busier boards), then comments.
    weights = [member_counts[rank] ** 0.8 for rank in range(count)]
    topic_rows, comment_rows = [], []
    topic_places = rng.choices(range(count), weights=weights, k=sizes.count("topics"))
    topics_total = len(topic_places)
    per_topic = [0] * topics_total
    for t in (rng.choices(range(topics_total), cum_weights=list(_cumulative(rng, topics_total, 1.0)),
                          k=sizes.count("topic_comments")) if topics_total else ()):
        per_topic[t] += 1
    first_topic = reserve_ids("community_topics", topics_total).start
    first_comment = reserve_ids("community_comments", sum(min(n, 1000) for n in per_topic)).start
    raw = []
    for t, rank in enumerate(topic_places):
        slot = order[rank]
        community = communities[slot]
        start = community[10]
        raw.append((rng.randint(start, max(start, ctx.now - 3600)), rank, min(per_topic[t], 1000)))
    raw.sort()
    comment_id = first_comment
    for t, (created, rank, comments) in enumerate(raw):
        topic_id = first_topic + t
        community = communities[order[rank]]
        who = memberships[rank]
        author = rng.choice(who)
        times = spread_times(rng, min(created + 60, ctx.now), min(ctx.now, created + 60 * 86400), comments)
        for number, at in enumerate(times, 1):
            deleted = rng.random() < 0.01
            body = "" if deleted else rng.choice(TOPIC_REPLIES) + (rng.choice(EMOJI) if rng.random() < 0.3 else "")
            comment_rows.append((comment_id, topic_id, number, ctx.member_id(rng.choice(who)), body, deleted, at))
            comment_id += 1
        last = times[-1] if times else created
        closed = rng.random() < 0.03
        topic_rows.append((topic_id, community[0], ctx.member_id(author), rng.choice(TOPIC_TITLES),
                           paragraph(rng, rng.randint(1, 3)), comments, closed, False, created, last))
        community[9] += 1
        community[11] = max(community[11], last)
    columns = ("id", "name", "category", "description", "join_policy", "read_policy", "topic_policy", "owner_id",
               "member_count", "topic_count", "created_at", "last_activity_at")
    made = bulk_insert("communities", columns, (tuple(c) for c in communities), ctx.progress, count)
    bulk_insert("community_members", ("community_id", "member_id", "role", "joined_at"), members_rows,
                ctx.progress, len(members_rows))
    del members_rows
    bulk_insert("community_topics", ("id", "community_id", "author_id", "title", "body", "comment_count", "closed",
                                     "deleted", "created_at", "last_activity_at"), topic_rows, ctx.progress,
                len(topic_rows))
    bulk_insert("community_comments", ("id", "topic_id", "number", "author_id", "body", "deleted", "created_at"),
                comment_rows, ctx.progress, len(comment_rows))
    return made


def seed_footprints(ctx: Context) -> int:
    """Footprints of the last weeks: mostly friends and friends' friends visiting, some
    strangers; one row per (visitor, visited), never between members who blocked each other."""
    rng, n = ctx.rng, ctx.n
    wanted = min(ctx.sizes.count("footprints"), len(ctx.active) * max(len(ctx.active) - 1, 0))
    if not wanted:
        return 0
    visited_by = skewed_authors(ctx, wanted * 2, sigma=1.0)  # popular members get most visits
    keys: set[int] = set()
    active = ctx.active
    for visited in visited_by:
        if len(keys) >= wanted:
            break
        friends = ctx.friends_of(visited)
        roll = rng.random()
        if friends and roll < 0.6:
            visitor = rng.choice(friends)
        elif friends and roll < 0.8:
            near = ctx.friends_of(rng.choice(friends))
            visitor = rng.choice(near) if near else rng.choice(active)
        else:
            visitor = rng.choice(active)
        if visitor == visited or visitor in ctx.pending or ctx.blocked_between(visitor, visited):
            continue
        keys.add(visitor * n + visited)

    def rows() -> Iterator[tuple]:
        for key in sorted(keys):  # primary key order
            visitor, visited = divmod(key, n)
            at = ctx.now - int(rng.expovariate(1 / (7 * 86400)))
            at = max(at, ctx.joined[visitor], ctx.joined[visited])
            yield ctx.member_id(visitor), ctx.member_id(visited), at, at, 1 + int(rng.expovariate(1 / 2))

    return bulk_insert("footprints", ("visitor_id", "visited_id", "visited_at", "counted_at", "visits"), rows(),
                       ctx.progress, len(keys))


def seed_messages(ctx: Context) -> int:
    """Conversations between members (mostly friends): a first message and replies, each
    reply pointing at the one before and at the thread's first; all but the newest
    messages read, some deleted by one side."""
    rng = ctx.rng
    wanted = ctx.sizes.count("messages")
    if not wanted or len(ctx.active) < 2:
        return 0
    senders = skewed_authors(ctx, wanted, sigma=1.0)
    planned = []  # (time, conversation, position, sender, recipient)
    conversation = 0
    made = 0
    for sender in senders:
        if made >= wanted:
            break
        friends = ctx.friends_of(sender)
        recipient = rng.choice(friends) if friends and rng.random() < 0.85 else rng.choice(ctx.active)
        if recipient == sender or recipient in ctx.pending or ctx.blocked_between(sender, recipient):
            continue
        length = min(1 + int(rng.expovariate(1 / 1.5)), wanted - made)
        start = max(ctx.joined[sender], ctx.joined[recipient])
        t = ctx.now - int((ctx.now - start) * rng.random() ** 3)
        for position in range(length):
            planned.append((t, conversation, position, sender, recipient))
            sender, recipient = recipient, sender
            t += int(rng.expovariate(1 / 7200)) + 60
        conversation += 1
        made += length
    planned.sort()
    first_id = reserve_ids("messages", len(planned)).start
    ids: dict[tuple[int, int], int] = {}
    for offset, (_t, conv, position, _s, _r) in enumerate(planned):
        ids[(conv, position)] = first_id + offset
    last_of = {}
    for _t, conv, position, _s, _r in planned:
        last_of[conv] = max(last_of.get(conv, 0), position)

    def rows() -> Iterator[tuple]:
        for offset, (t, conv, position, sender, recipient) in enumerate(planned):
            t = min(t, ctx.now)
            replied = position < last_of[conv]  # a reply came: the message was read
            unread = not replied and t > ctx.now - 14 * 86400 and rng.random() < 0.4
            read_at = None if unread else min(ctx.now, t + int(rng.expovariate(1 / 3600)))
            subject = rng.choice(MESSAGE_SUBJECTS)
            if position:
                subject = "Re: " + subject
            body = paragraph(rng, rng.randint(1, 3))
            yield (first_id + offset, ctx.member_id(sender), ctx.member_id(recipient), subject, body,
                   ids[(conv, position - 1)] if position else None, ids[(conv, 0)] if position else None,
                   t, read_at, rng.random() < 0.03, read_at is not None and rng.random() < 0.05)

    done = bulk_insert("messages", ("id", "sender_id", "recipient_id", "subject", "body", "reply_to_id", "thread_id",
                                    "created_at", "read_at", "sender_deleted", "recipient_deleted"),
                       rows(), ctx.progress, len(planned))
    return done


