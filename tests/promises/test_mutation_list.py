"""tools/mutations.toml stays in step with the code: each mutation's text is in its file exactly
once, so `tools/mutate.py` can still break that rule (code that moved needs its line updated)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import mutate  # noqa: E402


@pytest.mark.parametrize("mutation", mutate.load(), ids=lambda m: m["name"])
def test_each_mutation_still_finds_its_rule(mutation):
    text = (ROOT / mutation["file"]).read_text(encoding="utf-8")
    assert text.count(mutation["find"]) == 1, f"{mutation['file']} no longer holds this rule's text once"
    assert mutation["find"] != mutation["replace"]
    assert all((ROOT / t.split("::")[0]).exists() for t in mutation["tests"]), mutation["tests"]
