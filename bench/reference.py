"""The two reference servers the benchmark measures every page against.

``hello``   a bare bottle app answering "hello": what waitress and bottle cost.
``render``  bottle + jinja2 rendering a handset page of a given size from data in
            memory and encoding it to CP932, as keitai's handset pages go out: what
            rendering costs, with no database.

Both are served exactly as ``run.py serve`` serves the site (one bound socket,
pinned worker processes, the same threads), so the ratios compare like with like::

    python bench/reference.py render --bytes 3000 --port 8091 --workers 2 --threads 4
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A handset page like keitai's: title, a list of items with links and dates, a menu.
PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><title>ﾎｰﾑ</title></head>
<body>
{{ me }}さんのﾎｰﾑ<br>
<hr>
{% for item in items %}
<a href="/diary/{{ item.id }}?sid={{ sid }}">{{ item.title }}</a>({{ item.nickname }}){{ item.when }}<br>
{% endfor %}
<hr>
<a href="/?sid={{ sid }}" accesskey="0">[0]ﾎｰﾑ</a> <a href="/member/1?sid={{ sid }}" accesskey="9">[9]ﾌﾟﾛﾌｨｰﾙ</a><br>
</body></html>
"""
HANDSET_UA = "DoCoMo/1.0/N505i/c20/TB/W20H10"
TITLES = ("今日は渋谷でラーメン🍜", "週末のキャンプ", "久しぶりに実家へ", "新しいカフェ☕", "雨の日曜日☔")
NICKNAMES = ("さくら", "たろう", "ゆき☆", "けん", "まなみ♪")


def hello_app():
    import bottle

    app = bottle.Bottle()

    @app.get("/")
    def hello():
        return "hello"

    return app


def render_app(size: int):
    """A bottle app whose one page renders to about ``size`` bytes of CP932."""
    import bottle
    import jinja2

    from keitai.platform import device
    from keitai.platform import text

    # keitai's own output step: CP932 with the carrier's emoji, as a docomo handset gets it.
    docomo = device.detect({"HTTP_USER_AGENT": HANDSET_UA, "REMOTE_ADDR": "127.0.0.1"})

    def encode(html: str) -> bytes:
        return text.encode_output(html, docomo)

    template = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(PAGE)

    def items(count: int) -> list[dict]:
        return [
            {"id": 1000 + i, "title": TITLES[i % 5], "nickname": NICKNAMES[i % 5], "when": f"11/{1 + i % 28} 20:{i % 60:02d}"}
            for i in range(count)
        ]

    sid = "Xq3vB7nLr2Kp9WdT5mZ8cY1hJ4sF6gA0"
    one = len(encode(template.render(me="さくら", sid=sid, items=items(1))))
    two = len(encode(template.render(me="さくら", sid=sid, items=items(2))))
    count = max(0, round((size - one) / max(two - one, 1)) + 1)
    data = items(count)
    app = bottle.Bottle()

    @app.get("/")
    def page():
        bottle.response.content_type = "text/html; charset=Shift_JIS"
        bottle.response.set_header("Cache-Control", "no-cache, no-store, must-revalidate, private")
        return encode(template.render(me="さくら", sid=sid, items=data))

    return app


def main(argv: list[str] | None = None) -> int:
    from keitai.commands import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=("hello", "render"))
    parser.add_argument("--bytes", type=int, default=3000, help="render: the page size to match")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    make = hello_app if args.app == "hello" else (lambda: render_app(args.bytes))
    workers = args.workers or len(serve.cores())
    sockets = serve.bind(args.host, args.port, workers)
    host, port = sockets[0].getsockname()[:2]
    print(f"reference {args.app} on http://{host}:{port}/ ({workers} worker(s) x {args.threads} threads)", flush=True)
    return serve.serve_workers(make, sockets, workers=workers, threads=args.threads, ident="reference")


if __name__ == "__main__":
    sys.exit(main())
