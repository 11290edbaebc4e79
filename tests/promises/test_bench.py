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


def test_errors_are_reported_by_kind_with_the_status_codes_a_replay_saw(tmp_path):
    import http.server
    import threading

    class Answers(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            code = {"/ok": 200, "/gone": 404, "/broken": 500, "/moved": 303}[self.path.split("?")[0]]
            self.send_response(code)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        requests = tmp_path / "requests.txt"
        requests.write_text("GET\t/ok\tUser-Agent: x\t\nGET\t/broken?sid=a\t\t\nGET\t/gone\t\t\n"
                            "GET\t/broken\tCookie: sid=b\t\nGET\t/moved\t\t\n", encoding="utf-8")
        codes = bench.replay_codes(f"http://127.0.0.1:{server.server_port}", requests)
    finally:
        server.shutdown()
    assert codes == {"500": 2, "404": 1}  # a redirect is an answer, not an error
    runs = [dict(connect=0, read=0, write=0, status=3, timeout=0, errors=3, codes=codes),
            dict(connect=1, read=0, write=0, status=0, timeout=2, errors=3)]
    assert bench.errors_by_kind(runs) == "6 (connect 1; status 3: 404 x1, 500 x2 in a replay; timeout 2)"
    assert bench.errors_by_kind([dict(connect=0, read=0, write=0, status=0, timeout=0, errors=0)]) == "0"
