#!/usr/bin/env python3
"""keitai's command line: ``python3 run.py COMMAND --help`` for each command.

Commands live in keitai/commands/, one module each; ``run.py test [PYTEST ARGS]`` runs the
test suite.  Started by a Python that lacks the project's dependencies (a distribution's
own python3, say, which refuses ``pip install``), run.py makes a virtual environment in
.venv, installs the project there and runs itself inside it.
"""
from __future__ import annotations

import argparse
import configparser
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MIN_PYTHON = (3, 11)
_REQUIREMENT = re.compile(r"([A-Za-z0-9._-]+)\s*(?:\[[^\]]*\])?\s*(.*)")
_SPEC = re.compile(r"(>=|<=|==|!=|<|>)\s*([0-9][0-9.]*)")
_COMPARE = {">=": tuple.__ge__, "<=": tuple.__le__, "==": tuple.__eq__, "!=": tuple.__ne__,
            "<": tuple.__lt__, ">": tuple.__gt__}


def main(argv: list[str] | None = None) -> int:
    from keitai import commands
    from keitai.platform.web import accesslog

    parser = argparse.ArgumentParser(
        prog="run.py", description="keitai: run and operate the site",
        epilog="run.py test [PYTEST ARGS] runs the test suite (pytest, with those arguments).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in commands.modules():
        doc = (module.__doc__ or "").strip()
        p = sub.add_parser(module.NAME, help=doc.splitlines()[0] if doc else "", description=doc)
        if hasattr(module, "add_arguments"):
            module.add_arguments(p)
        p.set_defaults(run=module.run)
    args = parser.parse_args(argv)
    accesslog.configure(commands.settings())  # log lines to stderr; access lines where KEITAI_ACCESS_LOG says
    return args.run(args) or 0


# --- the dependencies: standard library only below, it runs before they are there ---------

def requirements(extras: list[str]) -> list[str]:
    """setup.cfg's requirement lines: install_requires and those of ``extras``."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options"]["install_requires"].splitlines()
    for extra in extras:
        lines += config["options.extras_require"][extra].splitlines()
    return [line.strip() for line in lines if line.strip()]


def _release(version: str) -> tuple[int, ...]:
    match = re.match(r"[0-9]+(?:\.[0-9]+)*", version)
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


def _padded(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)), b + (0,) * (width - len(b))


def unmet(lines: list[str]) -> list[str]:
    """The requirement lines this Python does not satisfy (not installed, or another version)."""
    missing = []
    for line in lines:
        name, specs = _REQUIREMENT.fullmatch(line).groups()
        try:
            installed = _release(importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            missing.append(line)
            continue
        for op, version in _SPEC.findall(specs):
            if not _COMPARE[op](*_padded(installed, _release(version))):
                missing.append(line)
                break
    return missing


def _extras(argv: list[str]) -> list[str]:
    extras = ["test"] if argv[:1] == ["test"] else []
    if os.environ.get("KEITAI_DATABASE_URL", "").startswith("postgres"):
        extras.append("postgres")
    return extras


def _make_venv() -> None:
    print(f"run.py: making a virtual environment for keitai in {VENV}", file=sys.stderr)
    try:
        import ensurepip  # noqa: F401  (Debian and Ubuntu ship it in python3-venv, apart)
    except ImportError:
        sys.exit(f"run.py: this Python ({sys.executable}) cannot make a virtual environment with pip in it.\n"
                 f"On Debian or Ubuntu: sudo apt-get install python3-venv (or python3.{sys.version_info[1]}-venv),"
                 " then run this again.")
    made = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
    if made.returncode:
        sys.exit(f"run.py: python3 -m venv {VENV} failed (above). Delete {VENV} and run this again.")


def _install(extras: list[str]) -> None:
    target = "." + (f"[{','.join(extras)}]" if extras else "")
    print(f"run.py: installing keitai and its dependencies into {sys.prefix} (pip install -e '{target}')",
          file=sys.stderr)
    try:
        import pip  # noqa: F401
    except ImportError:
        sys.exit(f"run.py: the virtual environment in {sys.prefix} has no pip. Delete it and run this again.")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target]
    if subprocess.run(pip, cwd=ROOT).returncode:
        sys.exit("run.py: pip could not install keitai's dependencies (above).")


def ensure_dependencies(argv: list[str]) -> None:
    """Return once this Python has every dependency the command needs; else go where it will.

    A Python that has them all runs the command as it is (a virtual environment the operator
    made, or CI's).  Any other runs it in .venv, which is made and filled on first use.
    """
    if sys.version_info < MIN_PYTHON:
        wanted, this = ".".join(map(str, MIN_PYTHON)), sys.version.split()[0]
        sys.exit(f"run.py: keitai needs Python {wanted} or newer; this is {this}.")
    extras = _extras(argv)
    if not unmet(requirements(extras)):
        return
    if Path(sys.prefix).resolve() != VENV.resolve():
        python = VENV / "bin" / "python"
        if not python.exists():
            _make_venv()
        env = dict(os.environ, VIRTUAL_ENV=str(VENV), PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
        os.execve(python, [str(python), str(ROOT / "run.py"), *argv], env)
    _install(extras)
    importlib.invalidate_caches()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    ensure_dependencies(arguments)
    if arguments[:1] == ["test"]:
        os.execv(sys.executable, [sys.executable, "-m", "pytest", *arguments[1:]])
    sys.exit(main(arguments))
