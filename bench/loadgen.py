"""A small closed-loop HTTP/1.1 load generator, for machines without wrk.

Same input as bench/load.lua (a file of ``METHOD<TAB>PATH<TAB>Header: v|Header: v<TAB>BODY``
lines, cycled through) and the same output (one ``JSON {...}`` line), so bench/run.py
reads either.  Each connection keeps one request in flight, as wrk does.  It is slower
than wrk and costs more CPU: prefer wrk (``apt-get install wrk``)::

    python bench/loadgen.py http://127.0.0.1:8080 requests.tsv --connections 32 --duration 10
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit


def load_requests(path: str, host: str) -> list[bytes]:
    requests = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                continue
            method, target, headers = parts[:3]
            body = parts[3].encode("ascii") if len(parts) > 3 and parts[3] else b""
            head = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
            head += [h for h in headers.split("|") if h]
            if body or method == "POST":
                head.append(f"Content-Length: {len(body)}")
            requests.append(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
    return requests


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, len(head) + len(body)


async def _connection(host: str, port: int, requests: list[bytes], start: int, until: float, stats: dict) -> None:
    index = start
    reader = writer = None
    while time.monotonic() < until:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            request = requests[index % len(requests)]
            index += 1
            began = time.perf_counter()
            writer.write(request)
            status, size = await asyncio.wait_for(_read_response(reader), timeout=5)
            stats["latencies"].append(time.perf_counter() - began)
            stats["bytes"] += size
            if status >= 400:
                stats["status"] += 1
        except asyncio.TimeoutError:
            stats["timeout"] += 1
            writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError):
            stats["read"] += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def run(url: str, requests: list[bytes], connections: int, duration: float) -> dict:
    parts = urlsplit(url)
    stats = {"latencies": [], "bytes": 0, "status": 0, "timeout": 0, "read": 0}
    began = time.monotonic()
    until = began + duration
    await asyncio.gather(*(
        _connection(parts.hostname, parts.port or 80, requests, i * len(requests) // max(connections, 1), until, stats)
        for i in range(connections)
    ))
    elapsed = time.monotonic() - began
    latencies = sorted(stats["latencies"])

    def pct(p: float) -> int:
        return int(latencies[min(int(len(latencies) * p / 100), len(latencies) - 1)] * 1e6) if latencies else 0

    return {
        "requests": len(latencies), "duration_us": int(elapsed * 1e6), "bytes": stats["bytes"],
        "connect": 0, "read": stats["read"], "write": 0, "status": stats["status"], "timeout": stats["timeout"],
        "p50_us": pct(50), "p90_us": pct(90), "p99_us": pct(99), "max_us": pct(100),
        "mean_us": sum(latencies) / len(latencies) * 1e6 if latencies else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("requests")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10)
    args = parser.parse_args()
    host = urlsplit(args.url).netloc
    result = asyncio.run(run(args.url, load_requests(args.requests, host), args.connections, args.duration))
    print("JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
