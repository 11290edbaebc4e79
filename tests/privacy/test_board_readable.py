"""A community's board (topics, events, polls) is read by the same members whether the rule is
asked in Python (``Standing.can_read``) or in SQL (``privacy.board_readable_sql``, which search
uses): every member for a board open to all, its members only for a members-only one."""
from __future__ import annotations

import pytest

from keitai import communities
from keitai.platform.db.connection import scalar
from keitai.privacy import board_readable_sql


@pytest.mark.parametrize("policy, reader, expected", [
    ("everyone", "owner", True), ("everyone", "member", True), ("everyone", "outsider", True),
    ("members", "owner", True), ("members", "member", True), ("members", "outsider", False),
])
def test_python_and_sql_agree_on_who_reads_a_board(make_member, policy, reader, expected):
    people = {"owner": make_member("さくら"), "member": make_member("たろう"), "outsider": make_member("ゆき")}
    community_id = communities.create_community(people["owner"], "猫好き", "animals", read_policy=policy)
    communities.join(communities.standing(community_id, people["member"]))
    viewer = people[reader]
    assert communities.standing(community_id, viewer).can_read is expected
    assert bool(scalar(f"SELECT {board_readable_sql('?')}", (community_id, viewer))) is expected
