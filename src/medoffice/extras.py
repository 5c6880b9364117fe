"""The optional extras: packages only the demo or the Redis task backend need.

``pyproject.toml`` lists them under ``[project.optional-dependencies]``: ``demo`` (Faker,
for the synthetic demo practice) and ``redis`` (RQ, redis-py and django-tasks-rq, for
``TASK_BACKEND=rq``). `make demo` and `make test` install both; a production install
without them runs everything else. The code that needs one imports it through
:func:`require`, at the moment it is needed, so a missing extra is one clear error
naming the extra and the command that installs it.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured

EXTRAS = {
    "demo": ("faker",),
    "redis": ("django_tasks_rq", "django_rq", "rq", "redis"),
}


class MissingExtra(ImproperlyConfigured):
    """An optional extra is not installed."""


def missing_extra_message(extra: str, purpose: str) -> str:
    return (
        f"{purpose} needs the optional “{extra}” extra, which is not installed: "
        f"run `uv sync --extra {extra}` (`make demo` and `make test` install it)."
    )


def installed(extra: str) -> bool:
    """Whether every package of ``extra`` can be imported."""
    for name in EXTRAS[extra]:
        try:
            if importlib.util.find_spec(name) is None:
                return False
        except ImportError:
            return False
    return True


def require(module: str, *, extra: str, purpose: str) -> ModuleType:
    """``import module``, or MissingExtra naming ``extra`` when it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(missing_extra_message(extra, purpose)) from exc
