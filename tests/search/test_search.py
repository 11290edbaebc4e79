"""Search: readings, normalisation, short queries, audiences and blocks, the index kept in
step with its sources (the pages: test_search_pages.py)."""
from __future__ import annotations

import pytest

from keitai.platform.db.connection import db, execute, fetchall, is_sqlite, scalar
from keitai import privacy as audience
from keitai.friends import rules as friends
from keitai.search import planner, query as query_rules, rules as search, sources
from keitai.platform.db.paging import Page
from keitai.platform.text import grams
from keitai.words import Refused


def found(viewer: int, query: str, kind: str = search.MEMBER) -> list:
    """What ``viewer`` finds: titles for members, ref ids otherwise; the count must agree."""
    page, total = search.search(viewer, kind, query, limit=50)
    assert total == len(page.items), (query, total, len(page.items))
    assert search.count(viewer, kind, query) == total
    return sorted(h.title if kind == search.MEMBER else h.ref_id for h in page.items)


def block(blocker: int, blocked: int) -> None:
    execute("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)", (blocker, blocked))


# --- readings and normalisation ------------------------------------------------------------

def test_a_name_is_found_by_kanji_kana_half_width_kana_and_romaji(make_member):
    make_member("山田太郎")
    make_member("佐藤花子")
    me = make_member("みる人")
    for query in ("山田", "やまだ", "ヤマダ", "ﾔﾏﾀﾞ", "yamada", "YAMADA", "Ｙａｍａｄａ", "やまだたろう",
                  "yamada taro", "tarou", "ﾀﾛｳ", "山田 たろう"):
        assert found(me, query) == ["山田太郎"], query
    for query in ("さとう", "satou", "sato", "hanako", "佐藤"):
        assert found(me, query) == ["佐藤花子"], query
    assert found(me, "yamada hanako") == []


def test_titles_get_readings_and_long_vowels_may_be_left_out(make_member):
    owner = make_member()
    search.index(search.DIARY, 1, owner, "東京ラーメン", "並んで食べた。")
    search.index(search.COMMUNITY, 7, owner, "しんじ研究会", "集まろう")
    for query in ("東京", "とうきょう", "トウキョウ", "toukyou", "tokyo", "ラーメン", "らーめん", "ﾗｰﾒﾝ",
                  "raamen", "ramen", "tokyo ramen"):
        assert found(owner, query, search.DIARY) == [1], query
    for query in ("shinji", "sinzi", "ｼﾝｼﾞ", "けんきゅう"):
        assert found(owner, query, search.COMMUNITY) == [7], query
    assert found(owner, "ramen", search.COMMUNITY) == []  # tabs keep to their kind


def test_body_text_matches_in_any_script_width_or_case(make_member):
    owner = make_member()
    search.index(search.DIARY, 1, owner, "", "ＰＨＰの勉強会のあと、カフェでコーヒー。ｽﾉｰﾎﾞｰﾄﾞの話も。")
    for query in ("php", "PHP", "ｐｈｐ", "かふぇ", "ｺｰﾋｰ", "コーヒー", "スノーボード", "すのーぼーど", "勉強会"):
        assert found(owner, query, search.DIARY) == [1], query
    for query in ("紅茶", "phpx", "すのーぼーどの話も。x"):
        assert found(owner, query, search.DIARY) == [], query


def test_queries_are_folded_the_way_documents_are():
    assert search.words("  ヤマダ　ﾀﾛｳ  ") == ["やまだ", "たろう"]
    assert search.words("ＹＡＭＡＤＡ yamada") == ["yamada"]
    assert search.words("やま やまだ") == ["やまだ"]  # a word inside another adds nothing
    assert search.words("ね\u200bこ") == ["ねこ"]  # invisible characters cannot be typed on purpose
    assert search.fold("", "", "ね\u200dこ\ufe0f") == "\n\nねこ"  # nor be found
    assert search.words(" \u3000 ") == []
    assert search.reading("山田太郎").split() == ["やまだたろう", "yamadatarou", "yamadataro"]
    assert search.reading("") == ""


def test_overlong_and_wordy_queries_are_refused_with_a_message():
    with pytest.raises(Refused, match="100文字") as refused:
        search.check_query("あ" * 101)
    assert refused.value.code == "search.too_long"
    with pytest.raises(Refused, match="5つ") as refused:
        search.check_query("い ろ は に ほ へ")
    assert refused.value.code == "search.too_many_words"
    assert search.check_query("い ろ は に ほ") == ["い", "ろ", "は", "に", "ほ"]


# --- short queries -------------------------------------------------------------------------

def test_one_and_two_character_words_search_the_whole_text(make_member):
    owner = make_member()
    search.index(search.DIARY, 1, owner, "", "今日は京都へ旅行に行きました。猫がいた")
    search.index(search.DIARY, 2, owner, "", "行旅という言葉を知った")  # 旅 and 行, but not 旅行
    search.index(search.DIARY, 3, owner, "猫の日", "犬と散歩")
    search.index(search.DIARY, 4, owner, "", "C#と100%天然、a_b")
    search.index(search.DIARY, 5, owner, "", "ラーメン\U0001F35C\ufe0f")
    assert found(owner, "猫", search.DIARY) == [1, 3]
    assert found(owner, "旅行", search.DIARY) == [1]
    assert found(owner, "行旅", search.DIARY) == [2]
    assert found(owner, "いた", search.DIARY) == [1]  # at the very end of the text
    assert found(owner, "犬", search.DIARY) == [3]
    assert found(owner, "京都 猫", search.DIARY) == [1]
    assert found(owner, "京都へ旅行 猫", search.DIARY) == [1]  # a long word and a short one
    assert found(owner, "旅行 散歩", search.DIARY) == []
    assert found(owner, "c#", search.DIARY) == [4]
    assert found(owner, "0%", search.DIARY) == [4]
    assert found(owner, "a_b", search.DIARY) == [4]
    assert found(owner, "1_0", search.DIARY) == []  # LIKE wildcards are plain characters here
    assert found(owner, "%", search.DIARY) == [4]
    assert found(owner, "_", search.DIARY) == [4]
    assert found(owner, '"', search.DIARY) == []
    assert found(owner, "\U0001F35C", search.DIARY) == [5]  # an emoji is a character like any other


def test_a_pair_of_characters_is_looked_up_as_a_pair(make_member):
    """Two-character words are found by the pair itself, not by its two characters: a pair
    in no document finds nothing however many documents hold both characters."""
    owner = make_member()
    for n in range(1, 31):
        search.index(search.DIARY, n, owner, "", f"けさ{n}時にんじんを買った")  # け and ん, never けん
    search.index(search.DIARY, 40, owner, "", "けんかした")
    search.index(search.DIARY, 41, owner, "", "けん たろう")  # a pair across a space is no pair
    assert found(owner, "けん", search.DIARY) == [40, 41]
    assert found(owner, "んた", search.DIARY) == []
    assert found(owner, "にん", search.DIARY) == list(range(1, 31))
    assert found(owner, "けんか にん", search.DIARY) == []  # a long and a short word: the grams of both
    assert found(owner, "けんか した", search.DIARY) == [40]
    assert found(owner, "んじんを買 けさ", search.DIARY) == list(range(1, 31))
    # The index answers the pair itself, not its two characters and then the text.
    if is_sqlite():
        pairs = scalar("SELECT COUNT(*) FROM search_grams WHERE search_grams MATCH ?", ('"けん"',))
    else:
        pairs = scalar("SELECT COUNT(*) FROM search_docs WHERE search_grams(folded) @@ CAST(? AS tsquery)", ("'けん'",))
    assert pairs == 2
    # The grams a query asks for: its pairs (a lone character for a one-character word).
    assert grams.word_grams("け") == {"け"} and grams.word_grams("けんか") == {"けん", "んか"}
    assert grams.grams("けん たろう") == {"け", "ん", "た", "ろ", "う", "けん", "たろ", "ろう"}


def test_grams_are_quoted_for_the_full_text_syntax(make_member):
    owner = make_member()
    search.index(search.DIARY, 1, owner, "", "it's a\\b: *x* & y|z !w (v) or and -n ^m")
    search.index(search.DIARY, 2, owner, "", "nothing special")
    for query in ("'", "t'", "'s", "\\", "a\\", ":", "*", "x*", "&", "|", "!", "(v", "or", "-n", "^", "^m"):
        assert found(owner, query, search.DIARY) == [1], query
    assert found(owner, "':", search.DIARY) == []


# --- audiences and blocks ------------------------------------------------------------------

@pytest.fixture
def circle(make_member):
    """An owner, two friends (one on the owner's friend list), a friend of a friend, a stranger."""
    people = {name: make_member(name) for name in ("owner", "listed", "friend", "fof", "stranger")}
    friends.befriend(people["owner"], people["listed"])
    friends.befriend(people["owner"], people["friend"])
    friends.befriend(people["friend"], people["fof"])
    group = scalar("INSERT INTO friend_groups (owner_id, name, created_at) VALUES (?, '親友', 0) RETURNING id",
                   (people["owner"],))
    execute("INSERT INTO friend_group_members (group_id, member_id) VALUES (?, ?)", (group, people["listed"]))
    people["group"] = group
    return people


@pytest.mark.parametrize("query", ["秘密", "秘密の日記"])  # the grams index and the trigram index
def test_results_and_counts_keep_to_each_entrys_audience(circle, query):
    owner = circle["owner"]
    for ref_id, aud in enumerate(audience.ITEM_AUDIENCES, 1):
        search.index(search.DIARY, ref_id, owner, f"{aud}の秘密の日記", "本文", aud,
                     circle["group"] if aud == audience.GROUP else None)
    expected = {
        "owner": [1, 2, 3, 4, 5],
        "listed": [1, 2, 3, 4],
        "friend": [1, 2, 3],
        "fof": [1, 2],
        "stranger": [1],
    }
    for who, ids in expected.items():
        assert found(circle[who], query, search.DIARY) == ids, who
        # The rule in SQL agrees with the rule for one item.
        assert ids == [i for i, aud in enumerate(audience.ITEM_AUDIENCES, 1)
                       if audience.can_see(circle[who], owner, aud, circle["group"])]
    assert search.search(None, search.DIARY, query) == (Page([], None), 0)  # signed out: nothing


@pytest.mark.parametrize("direction", ["owner blocks", "owner is blocked"])
def test_a_block_hides_results_and_counts_both_ways(circle, direction):
    owner, stranger, friend = circle["owner"], circle["stranger"], circle["friend"]
    search.index(search.DIARY, 1, owner, "ブロック前の日記", "猫")
    search.index(search.DIARY, 2, stranger, "相手の日記", "猫")
    block(owner, stranger) if direction == "owner blocks" else block(stranger, owner)
    assert found(stranger, "猫", search.DIARY) == [2]
    assert found(owner, "猫", search.DIARY) == [1]
    assert found(friend, "猫", search.DIARY) == [1, 2]
    assert found(stranger, "owner") == []
    assert found(owner, "stranger") == []
    assert found(friend, "owner") == ["owner"] and found(friend, "stranger") == ["stranger"]


def test_profile_text_is_found_only_by_those_who_may_see_the_field(make_member):
    member = make_member("つりびと", about="キャンプ好きです", hobbies="渓流釣り", real_name="鈴木一郎",
                         prefecture="大阪府", aud_hobbies="friends", aud_real_name="friends_of_friends",
                         aud_prefecture="private")
    friend, fof, stranger = make_member("友人"), make_member("友人の友人"), make_member("他人")
    friends.befriend(member, friend)
    friends.befriend(friend, fof)
    sees = {
        stranger: {"キャンプ"},
        fof: {"キャンプ", "すずき", "鈴木", "suzuki ichiro"},
        friend: {"キャンプ", "すずき", "鈴木", "suzuki ichiro", "釣り"},
        member: {"キャンプ", "すずき", "鈴木", "suzuki ichiro", "釣り"},  # private fields are not indexed at all
    }
    for viewer, visible in sees.items():
        for query in ("キャンプ", "すずき", "鈴木", "suzuki ichiro", "釣り", "大阪"):
            assert found(viewer, query) == (["つりびと"] if query in visible else []), (viewer, query)
    # Words may come from fields of different audiences; one result per member however many
    # of their documents match; the real name is never the title.
    assert found(friend, "つりびと 一郎 釣り") == ["つりびと"]
    assert found(fof, "つりびと 一郎 釣り") == []
    page, total = search.search(friend, search.MEMBER, "き")  # キャンプ好き, 鈴木 (すずき), 釣り
    assert [(h.title, total) for h in page.items] == [("つりびと", 1)]
    # What a stranger is shown comes from what a stranger may see.
    (hit,) = search.search(stranger, search.MEMBER, "キャンプ")[0].items
    assert "キャンプ" in "".join(hit.snippet) and "釣り" not in "".join(hit.snippet)


def test_a_viewer_is_shown_the_narrowest_profile_document_they_may_see(make_member):
    """A member's documents hold their audience level's text and every wider one's; a viewer
    is shown one of them, the narrowest they may see, so what a friend finds and is shown
    includes the friends-only text, and a member is one result whichever parts match."""
    member = make_member("やまびと", about="キャンプが好き", real_name="山田一郎", hobbies="キャンプ道具集め",
                         aud_real_name="friends_of_friends", aud_hobbies="friends")
    friend, fof, stranger = make_member("友人"), make_member("友人の友人"), make_member("他人")
    friends.befriend(member, friend)
    friends.befriend(friend, fof)
    parts = "SELECT part, narrower FROM search_docs WHERE kind = 'member' AND ref_id = ? ORDER BY id"
    assert fetchall(parts, (member,)) == [("everyone", "friends_of_friends"), ("friends_of_friends", "friends"),
                                          ("friends", None)]
    for viewer, sees_hobbies in ((stranger, False), (fof, False), (friend, True), (member, True)):
        page, total = search.search(viewer, search.MEMBER, "キャンプ")
        (hit,) = page.items
        assert total == 1 and hit.title == "やまびと"
        assert ("道具" in "".join(hit.snippet)) == sees_hobbies, viewer
        assert search.count(viewer, search.MEMBER, "やまだ") == (0 if viewer == stranger else 1)

    execute("UPDATE members SET aud_hobbies = 'private' WHERE id = ?", (member,))
    search.index_member(member)
    assert fetchall(parts, (member,)) == [("everyone", "friends_of_friends"), ("friends_of_friends", None)]
    (hit,) = search.search(friend, search.MEMBER, "キャンプ")[0].items
    assert "道具" not in "".join(hit.snippet)
    execute("UPDATE members SET aud_real_name = 'everyone' WHERE id = ?", (member,))
    search.index_member(member)
    assert fetchall(parts, (member,)) == [("everyone", None)]
    assert found(stranger, "やまだ") == ["やまびと"]


def test_the_migration_names_each_member_documents_next_narrower_one(make_member, migrated):
    """0054 fills ``narrower`` for documents written before it as search.index_member does."""
    from keitai.platform.db import migrations

    audiences = ("everyone", "friends_of_friends", "friends", "private")
    for n, (real_name, hobbies) in enumerate((a, b) for a in audiences for b in audiences):
        make_member(f"人{n}", real_name="本名", hobbies="趣味", about="紹介", aud_real_name=real_name,
                    aud_hobbies=hobbies)
    written = fetchall("SELECT id, narrower FROM search_docs ORDER BY id")
    assert {n for _id, n in written} == {None, "friends", "friends_of_friends"}
    execute("UPDATE search_docs SET narrower = NULL")

    class Refill(migrations.Migrator):
        """The migration's statements but the one adding the column (it is there)."""

        def sql(self, statement: str, params: tuple = ()) -> None:
            if not statement.startswith("ALTER TABLE"):
                super().sql(statement, params)

    (path,) = [path for name, path in migrations.available() if name == "0054_search_narrower"]
    migrations._load("0054_search_narrower", path).up(Refill(db.obj))
    assert fetchall("SELECT id, narrower FROM search_docs ORDER BY id") == written


# --- the index kept in step ----------------------------------------------------------------

def assert_index_intact() -> None:
    if is_sqlite():  # the trigram index against its content table
        execute("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)")


def test_edits_and_deletes_are_followed(make_member):
    owner = make_member()
    search.index(search.DIARY, 1, owner, "旧い題", "古い本文です")
    search.index(search.DIARY, 1, owner, "新しい題", "書き直した本文です")
    assert found(owner, "古い", search.DIARY) == []
    assert found(owner, "旧", search.DIARY) == []
    assert found(owner, "書き直した", search.DIARY) == [1]
    assert scalar("SELECT COUNT(*) FROM search_docs") == 2  # the owner's member document and this one
    search.index(search.DIARY, 1, owner, "新しい題", "書き直した本文です", audience.PRIVATE)
    other = make_member()
    assert found(other, "書き直した", search.DIARY) == []
    search.remove(search.DIARY, 1)
    assert found(owner, "書き直した", search.DIARY) == []
    search.remove(search.DIARY, 1)  # twice is fine
    assert_index_intact()


def test_members_are_indexed_on_sign_up_and_follow_edits_and_suspension(make_member):
    from keitai.accounts import rules as accounts

    me = make_member("わたし")
    member = make_member("はなこ", about="パン作り")
    pending = accounts.create_member("まち子", "machi@docomo.ne.jp", "pw-12345678", "1990-01-01").id
    assert found(me, "はなこ") == ["はなこ"]
    assert found(me, "まち子") == []  # not until the mail address is verified
    execute("UPDATE members SET status = 'active' WHERE id = ?", (pending,))
    search.index_member(pending)
    assert found(me, "machiko") == ["まち子"]

    execute("UPDATE members SET nickname = '花子', about = 'ケーキ作り', aud_about = 'friends' WHERE id = ?", (member,))
    search.index_member(member)
    assert found(me, "はなこ") == ["花子"]  # by the new name's reading
    assert found(me, "hanako") == ["花子"]
    assert found(me, "パン") == []
    assert found(me, "ケーキ") == []  # now for friends only
    friends.befriend(me, member)
    assert found(me, "ケーキ") == ["花子"]  # friendship is read at search time: no reindex needed

    search.index(search.DIARY, 1, member, "パン日記", "")
    execute("UPDATE members SET status = 'suspended' WHERE id = ?", (member,))
    search.index_member(member)
    assert found(me, "hanako") == []
    assert found(me, "パン日記", search.DIARY) == []
    assert scalar("SELECT COUNT(*) FROM search_docs WHERE ref_id = ? AND kind = 'member'", (member,)) == 0
    assert_index_intact()


DIARY_SOURCE = []


def diary_source():
    yield from DIARY_SOURCE


def test_reindex_rebuilds_every_kind_from_its_source(make_member, monkeypatch, capsys, migrated):
    owner = make_member("山田太郎")
    other = make_member("さくら")
    DIARY_SOURCE[:] = [search.Doc(search.DIARY, n, owner, f"日記{n}", "京都の旅行記", audience.EVERYONE)
                       for n in range(1, 6)]
    monkeypatch.setitem(sources.SOURCES, search.DIARY, diary_source)
    execute("UPDATE members SET nickname = '山本' WHERE id = ?", (owner,))  # changed behind the index's back
    search.index(search.DIARY, 99, owner, "もう無い日記", "京都")

    assert search.reindex(batch=2) == {search.MEMBER: 2, search.DIARY: 5, search.COMMUNITY: 0, search.TOPIC: 0}
    assert found(other, "やまもと") == ["山本"]
    assert found(other, "yamada") == []
    assert found(other, "京都", search.DIARY) == [1, 2, 3, 4, 5]
    assert_index_intact()

    import run

    monkeypatch.setenv("KEITAI_DATABASE_URL", migrated)
    assert run.main(["reindex", "--batch", "3"]) == 0
    out = capsys.readouterr().out
    assert "member: 2 documents" in out and "diary: 5 documents" in out
    assert "search index rebuilt" in out
    assert found(other, "京都", search.DIARY) == [1, 2, 3, 4, 5]


# --- pages of results ----------------------------------------------------------------------

def test_results_come_newest_first_a_page_at_a_time(make_member):
    owner = make_member()
    for n in range(1, 24):
        search.index(search.DIARY, n, owner, f"ページ{n}", "送り")
    seen, before = [], None
    for expected in (10, 10, 3):
        page, total = search.search(owner, search.DIARY, "送り", before=before)
        assert len(page.items) == expected and total == 23
        seen += [h.ref_id for h in page.items]
        before = page.next
    assert before is None
    assert seen == list(range(23, 0, -1))

    members = [make_member(f"山田{n}") for n in range(12)]
    first, total = search.search(owner, search.MEMBER, "やまだ")
    second, _ = search.search(owner, search.MEMBER, "やまだ", before=first.next)
    assert total == 12 and second.next is None
    assert [h.ref_id for h in first.items + second.items] == sorted(members, reverse=True)


def test_batches_of_matches_skip_what_the_viewer_may_not_see(make_member, monkeypatch):
    monkeypatch.setattr(planner, "_FIRST_BATCH", 4)  # many small batches, members split across them
    owner, stranger, friend = make_member("書く人"), make_member("他人"), make_member("友人")
    friends.befriend(owner, friend)
    for n in range(1, 61):
        search.index(search.DIARY, n, owner, f"題{n}", "境界", audience.FRIENDS if n % 3 else audience.EVERYONE)
    pages, before = [], None
    while True:
        page, total = search.search(stranger, search.DIARY, "境界", before=before, limit=3)
        pages.append([h.ref_id for h in page.items])
        before = page.next
        if before is None:
            break
    assert total == 20 and sum(pages, []) == list(range(60, 0, -3))
    # Members with a document per audience level, each level matching: one hit per member.
    people = [make_member(f"境界人{n}", hobbies="境界の趣味", about="境界の話", aud_hobbies="friends",
                          aud_about="friends_of_friends") for n in range(7)]
    for person in people:
        friends.befriend(person, friend)
    page, total = search.search(friend, search.MEMBER, "境界", limit=50)
    assert [h.ref_id for h in page.items] == sorted(people, reverse=True) and total == 7
    first, _ = search.search(friend, search.MEMBER, "境界", limit=4)
    rest, _ = search.search(friend, search.MEMBER, "境界", limit=4, before=first.next)
    assert [h.ref_id for h in first.items + rest.items] == sorted(people, reverse=True)


@pytest.mark.parametrize("index_cost", [0, 10**9])  # PostgreSQL: always ask the indexes / always walk on
def test_older_matches_are_found_whichever_way_they_are_read(make_member, monkeypatch, index_cost):
    """PostgreSQL walks the newest documents, then either walks on or asks the indexes for the
    older matches (_postgres_matches); both ways give the same pages.  SQLite has one way."""
    monkeypatch.setattr(planner, "_WALK", 4)
    monkeypatch.setattr(planner, "_INDEX_COST", index_cost)
    asked = []
    if not is_sqlite():
        by_index = planner._postgres_by_index
        monkeypatch.setattr(planner, "_postgres_by_index", lambda *args: asked.append(args) or by_index(*args))
    owner, stranger = make_member(), make_member()
    for n in range(1, 81):
        search.index(search.DIARY, n, owner, "", "よく見る言葉" + ("と珍しい言葉" if n % 9 == 0 else ""),
                     audience.FRIENDS if n % 4 == 0 else audience.EVERYONE)
    for query, viewer, expected in (("言葉", owner, range(80, 0, -1)), ("言葉", stranger, [
            n for n in range(80, 0, -1) if n % 4]), ("珍しい", stranger, [81 - 9 * k for k in range(1, 9) if (81 - 9 * k) % 4]),
            ("珍 葉", owner, range(72, 0, -9)), ("無い言葉", owner, [])):
        pages, before = [], None
        while True:
            page, total = search.search(viewer, search.DIARY, query, before=before, limit=7)
            pages += [h.ref_id for h in page.items]
            before = page.next
            if before is None:
                break
        assert pages == list(expected) and total == len(pages), query
    assert bool(asked) == (index_cost == 0 and not is_sqlite())


def test_counts_stop_at_the_limit(make_member, monkeypatch):
    owner = make_member()
    monkeypatch.setattr(query_rules, "COUNT_LIMIT", 5)
    for n in range(1, 9):
        search.index(search.DIARY, n, owner, "", "上限")
    page, total = search.search(owner, search.DIARY, "上限", limit=3)
    assert (len(page.items), total) == (3, 6)


def test_snippets_show_the_match_in_the_original_text():
    assert search.snippet("今日はﾗｰﾒﾝを食べた", ["らーめん"]) == ("今日は", "ﾗｰﾒﾝ", "を食べた")
    before, match, after = search.snippet("あ" * 100 + "カフェ" + "い" * 100, ["かふぇ"], width=30)
    assert match == "カフェ" and before.startswith("…") and after.endswith("…")
    assert len(before) + len(match) + len(after) <= 32
    assert search.snippet("改行も\n\nまとめる", ["x"]) == ("改行も まとめる", "", "")
