"""The README's two commands on any Python: ``run.py`` runs where the dependencies are,
and a Python without them (a distribution's own python3) is sent to .venv.

Each test runs a copy of run.py and setup.cfg in a temporary folder, so the folder's .venv
is the test's own.  Making a .venv with pip and installing into it takes a minute and the
package index: that part is run by .ci/run, which starts from a fresh clone.
"""
from __future__ import annotations

import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT = """\
import shutil, sys

def test_report():
    print(f"PREFIX={sys.prefix}")
    print(f"PATH_PYTHON={shutil.which('python')}")
"""


@pytest.fixture
def project(tmp_path):
    """run.py, setup.cfg and one test that says which Python runs it."""
    for name in ("run.py", "setup.cfg"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_report.py").write_text(REPORT)
    return tmp_path


def run_py(project, *args, python=(sys.executable,), env=None):
    return subprocess.run([*python, str(project / "run.py"), *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)


def reported(done) -> dict[str, str]:
    """What tests/test_report.py printed: PREFIX (sys.prefix) and PATH_PYTHON."""
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if line.startswith(("PREFIX=", "PATH_PYTHON=")))


def test_a_python_with_the_dependencies_runs_the_tests_itself(project):
    done = run_py(project, "test", "-s", "tests/test_report.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert reported(done)["PREFIX"] == sys.prefix
    assert "1 passed" in done.stdout
    assert not (project / ".venv").exists()


def test_a_python_without_them_runs_the_tests_in_the_projects_venv(project):
    # The project's .venv, made ready beforehand: a virtual environment that sees this one's
    # packages.  -S keeps every site-packages folder from the starting Python.
    venv.create(project / ".venv", with_pip=False)
    packages = next((project / ".venv" / "lib").glob("python3*/site-packages"))
    (packages / "dependencies.pth").write_text(site.getsitepackages()[0] + "\n")

    done = run_py(project, "test", "-s", "tests/test_report.py", python=(sys.executable, "-S"))
    assert done.returncode == 0, done.stdout + done.stderr
    where = reported(done)
    assert where["PREFIX"] == str(project / ".venv")
    # Tests that start run.py or python in a subprocess get the same environment.
    assert where["PATH_PYTHON"] == str(project / ".venv" / "bin" / "python")


def test_a_python_that_cannot_make_a_venv_is_told_which_package_to_install(project, tmp_path_factory):
    # Debian and Ubuntu ship ensurepip (what python3 -m venv needs for pip) in python3-venv.
    no_ensurepip = tmp_path_factory.mktemp("no_ensurepip")
    (no_ensurepip / "ensurepip.py").write_text("raise ImportError('not installed')\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(no_ensurepip)}

    done = run_py(project, "demo", python=(sys.executable, "-S"), env=env)
    assert done.returncode != 0
    assert "sudo apt-get install python3-venv" in done.stderr
    assert not (project / ".venv").exists()


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Two commands", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    demo, test = [line.split("#")[0].strip() for line in block.splitlines()]
    assert (demo, test) == ("python3 run.py demo", "python3 run.py test")
    ci = [line.split("#")[0].strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.endswith("# the README's test command")]
    assert ci == [test, test]  # on SQLite, then on PostgreSQL
