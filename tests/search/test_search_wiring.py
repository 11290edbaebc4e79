"""The search index follows what members write: diaries, communities and profiles are
found as soon as they are saved, follow their edits and audiences, and vanish when deleted."""
from __future__ import annotations

from conftest import DOCOMO_1, PC
from diary_helpers import write_entry
from keitai import communities
from keitai import diary as diaries
from keitai.friends import rules as friends
from keitai.profiles import rules as profiles
from keitai.search import rules as search


def titles(viewer: int, query: str, kind: str) -> list[str]:
    page, _total = search.search(viewer, kind, query)
    return [hit.title for hit in page.items]


def test_a_diary_is_found_by_those_who_may_read_it_and_follows_edits_and_deletion(make_member):
    author = make_member("さくら", "sakura@docomo.ne.jp")
    friend = make_member("たろう", "taro@ezweb.ne.jp")
    stranger = make_member("ゆき", "yuki@softbank.ne.jp")
    friends.befriend(author, friend)
    entry = write_entry(author, "京都の紅葉", audience="friends", body="嵐山できれいな紅葉を見ました。")
    assert titles(friend, "紅葉", search.DIARY) == ["京都の紅葉"]
    assert titles(stranger, "紅葉", search.DIARY) == []

    diaries.update_entry(entry, author, diaries.Draft("奈良の鹿", "鹿せんべいをあげました。", "everyone", None))
    assert titles(stranger, "紅葉", search.DIARY) == []
    assert titles(stranger, "鹿せんべい", search.DIARY) == ["奈良の鹿"]

    diaries.delete_entry(entry, author)
    assert titles(friend, "鹿せんべい", search.DIARY) == []


def test_a_community_is_found_by_name_and_reading_and_forgotten_when_deleted(make_member):
    owner = make_member("さくら", "sakura@docomo.ne.jp")
    other = make_member("たろう", "taro@ezweb.ne.jp")
    community = communities.create_community(owner, "猫好き集まれ", "animals", "うちの猫の写真を見せあいましょう。")
    assert titles(other, "猫好き", search.COMMUNITY) == ["猫好き集まれ"]
    assert titles(other, "ねこずき", search.COMMUNITY) == ["猫好き集まれ"]
    standing = communities.standing(community, owner)
    communities.edit_community(standing, "犬と猫の会", "animals", "犬も猫も。", "open", "everyone", "members")
    assert titles(other, "犬と猫", search.COMMUNITY) == ["犬と猫の会"]
    communities.delete_community(communities.standing(community, owner))
    assert titles(other, "犬と猫", search.COMMUNITY) == []


def test_profile_edits_reach_the_index(make_member):
    me = make_member("さくら", "sakura@docomo.ne.jp")
    other = make_member("たろう", "taro@ezweb.ne.jp")
    assert profiles.update(me, {"hobbies": "ボルダリング", "aud_hobbies": "everyone"}) == []
    assert titles(other, "ボルダリング", search.MEMBER) == ["さくら"]
    assert profiles.update(me, {"hobbies": "ボルダリング", "aud_hobbies": "private"}) == []
    assert titles(other, "ボルダリング", search.MEMBER) == []


def test_a_diary_written_on_a_handset_is_found_from_a_pc(client, make_member):
    sakura = make_member("さくら", "sakura@docomo.ne.jp")
    friends.befriend(sakura, make_member("たろう", "taro@ezweb.ne.jp"))
    phone = client(DOCOMO_1)
    phone.login("sakura@docomo.ne.jp")
    form_page = phone.page("/diary/new")
    assert phone.submit(form_page, title="初雪", body="今朝は初雪でした。").status_int == 303
    pc = client(PC)
    pc.login("taro@ezweb.ne.jp")
    page = pc.get("/search", {"q": "初雪", "kind": "diary"})
    assert "初雪" in page.text and "さくら" in page.text
