"""The demo-only and Redis-only packages are optional extras; the core runs without them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXTRA_MODULES = ("faker", "rq", "redis", "django_tasks_rq", "django_rq", "rq_scheduler")

# Makes the extras' packages unimportable, as in an install without the extras.
_WITHOUT_EXTRAS = f"""
import importlib.abc, sys

class _NoExtras(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {EXTRA_MODULES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, _NoExtras())
"""


def _run_without_extras(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        **{k: v for k, v in os.environ.items() if k != "TASK_BACKEND"},
        "MEDOFFICE_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "medoffice.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDOFFICE_VAR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS + textwrap.dedent(code)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_the_core_starts_and_checks_without_the_extras(tmp_path):
    result = _run_without_extras(
        tmp_path,
        """
        import django
        django.setup()
        from django.core.management import call_command
        import medoffice.urls, medoffice.core.tasks, medoffice.core.demo.practice
        import medoffice.core.management.commands.worker
        call_command("check")
        for name in ("faker", "rq", "django_tasks_rq"):
            assert name not in sys.modules, name
        print("started")
        """,
    )

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_the_rq_backend_without_the_redis_extra_is_a_clear_error(tmp_path):
    result = _run_without_extras(tmp_path, "import django\ndjango.setup()\n", TASK_BACKEND="rq")

    assert result.returncode != 0
    assert "TASK_BACKEND=rq needs the optional “redis” extra" in result.stderr
    assert "uv sync --extra redis" in result.stderr


def test_the_demo_data_without_the_demo_extra_is_a_clear_error(tmp_path):
    result = _run_without_extras(
        tmp_path,
        """
        import django
        django.setup()
        from django.core.management import CommandError, call_command
        try:
            call_command("demo_data")
        except CommandError as exc:
            print(exc)
        """,
    )

    assert result.returncode == 0, result.stderr
    assert "The demo practice needs the optional “demo” extra" in result.stdout


@pytest.mark.parametrize(
    ("extra", "packages"),
    [("demo", {"faker"}), ("redis", {"django-tasks-rq", "rq", "redis"})],
)
def test_the_extras_hold_their_packages_and_the_core_does_not(extra, packages):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(specs):
        return {spec.split(">")[0].split("=")[0].split("[")[0].strip() for spec in specs}

    assert names(project["optional-dependencies"][extra]) == packages
    assert names(project["dependencies"]) & packages == set()


def test_make_demo_and_make_test_install_the_extras():
    makefile = (ROOT / "Makefile").read_text()

    assert "EXTRAS := --extra demo --extra redis" in makefile
    assert "sync --frozen --no-dev --inexact $(EXTRAS)" in makefile  # venv: make demo
    assert "sync --frozen $(EXTRAS)" in makefile  # venv-dev: make test
