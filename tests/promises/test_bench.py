"""The benchmark's own parts that can be checked quickly (the benchmark itself is never run here)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import webtest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"keitai_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


reference = _load("reference")
bench = _load("run")


def test_render_reference_is_a_cp932_handset_page_of_the_asked_size():
    for size in (600, 3000):
        page = webtest.TestApp(reference.render_app(size)).get("/")
        assert page.headers["Content-Type"] == "text/html; charset=Shift_JIS"
        assert abs(len(page.body) - size) <= 100, (size, len(page.body))
        assert "さくらさんのﾎｰﾑ" in page.body.decode("cp932")


def test_scenarios_light_up_by_route_and_say_which_feature_is_missing():
    routes = bench.present_routes()
    assert "/" in routes and "/member/<>" in routes
    for scenario in bench.SCENARIOS:
        missing = [r for r in scenario.routes if r not in routes]
        assert scenario.name not in ("home", "profile") or not missing


def test_request_lines_carry_the_session_as_a_handset_or_a_pc_sends_it():
    phone = bench.Member(1, "s1@docomo.ne.jp", 2, "handset", sid="abc")
    pc = bench.Member(3, "s3@gmail.com", 4, "pc", sid="def")
    assert bench.build_profile(phone, "").line().startswith("GET\t/member/2?sid=abc\tUser-Agent: DoCoMo/")
    line = bench.build_home(pc, "").line()
    assert line.startswith("GET\t/\tUser-Agent: Mozilla/") and "|Cookie: sid=def\t" in line
    search = bench.build_search(phone, "")
    assert "sid=abc" in search.path and "%" in search.path  # the word in CP932, escaped
