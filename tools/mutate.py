#!/usr/bin/env python3
"""Break the site's rules on purpose, one at a time, and see whether the suite notices.

    python3 tools/mutate.py                 # every mutation in tools/mutations.toml
    python3 tools/mutate.py --only blocks,csrf   # those whose name contains "blocks" or "csrf"
    python3 tools/mutate.py --list          # the list, without running anything
    python3 tools/mutate.py --full          # each against the whole suite (hours), not its tests

Each mutation is one small, realistic change to a rule (a condition dropped, a direction
forgotten, a bound off by one) with the tests that guard that rule.  The tool copies the
repository's tracked files to a scratch folder, applies the mutation there (the working
tree is never touched), runs those tests with this Python and counts the mutation as caught
when they fail.  A mutation whose text is no longer in its file is reported as stale: the
code moved and the list must follow it.  The score is caught / (caught + missed); the last
run's score and what it missed are in the README's promises table.

KEITAI_DATABASE_URL is passed on, so the same list runs against PostgreSQL.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "tools" / "mutations.toml"


def load(path: Path | None = None) -> list[dict]:
    mutations = tomllib.loads((path or LIST).read_text(encoding="utf-8"))["mutation"]
    names = [m["name"] for m in mutations]
    if len(names) != len(set(names)):
        raise SystemExit("tools/mutations.toml: two mutations share a name")
    return mutations


def tracked_copy(target: Path) -> None:
    """The repository's tracked files (what a clone has), copied to ``target``."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)


def apply(tree: Path, mutation: dict) -> bool:
    """Make the change in ``tree``; False when its text is not (exactly once) in the file."""
    path = tree / mutation["file"]
    text = path.read_text(encoding="utf-8")
    if text.count(mutation["find"]) != 1:
        return False
    path.write_text(text.replace(mutation["find"], mutation["replace"]), encoding="utf-8")
    return True


def run_tests(tree: Path, tests: list[str], log: Path) -> int:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with log.open("wb") as out:
        return subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                              cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the mutations whose name contains this (or any of a,b,c)")
    parser.add_argument("--list", action="store_true", help="print the mutations and stop")
    parser.add_argument("--full", action="store_true", help="run the whole suite for each mutation")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and the logs")
    args = parser.parse_args(argv)

    wanted = args.only.split(",")
    mutations = [m for m in load() if any(w in m["name"] for w in wanted)]
    if args.list:
        for m in mutations:
            print(f"{m['name']}: {m['rule']} ({m['file']})")
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="keitai-mutate-"))
    results: list[tuple[dict, str, float]] = []
    try:
        for m in mutations:
            tree = scratch / "tree"
            shutil.rmtree(tree, ignore_errors=True)
            tracked_copy(tree)
            began = time.monotonic()
            if not apply(tree, m):
                verdict = "stale"
            else:
                tests = ["tests"] if args.full else m["tests"]
                code = run_tests(tree, tests, scratch / f"{m['name']}.log")
                verdict = "caught" if code == 1 else "missed" if code == 0 else f"error ({code})"
            seconds = time.monotonic() - began
            results.append((m, verdict, seconds))
            print(f"{verdict:8} {seconds:6.0f} s  {m['name']}: {m['rule']}", flush=True)
    finally:
        if args.keep:
            print(f"logs in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    caught = sum(1 for _m, v, _s in results if v == "caught")
    missed = [m["name"] for m, v, _s in results if v == "missed"]
    other = [f"{m['name']} ({v})" for m, v, _s in results if v not in ("caught", "missed")]
    judged = caught + len(missed)
    print(f"\ncaught {caught} of {judged} ({100 * caught / judged:.0f} %)" if judged else "\nnothing judged")
    if missed:
        print("missed: " + ", ".join(missed))
    if other:
        print("not judged: " + ", ".join(other))
    return 0 if not missed and not other else 1


if __name__ == "__main__":
    sys.exit(main())
