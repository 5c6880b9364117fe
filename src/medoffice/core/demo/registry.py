"""The demo builders each app registers: `medoffice demo-data` runs them in order.

An app registers its builders in ``AppConfig.ready`` with ``register_builder``: a name,
the dotted path of a function ``builder(context, seed)`` (imported only when the demo is
built) and an order; a builder comes after the ones whose rows it reads. Core's practice
(locations, users) is built first and is the context every builder receives.

Orders in use: 10 scheduling's set-up, 20 patients, 30 scheduling's visits, 35 billing's
copays (continues the visits' random stream, handed over in the context), 36 billing's
reference (codes, NCCI edits, payers' profiles, fee schedules), 37 billing's charges and
claims, 38 billing's eligibility checks of the coming visits, 39 messaging's
reminder rules and templates, 40 scheduling's waitlist and recalls, 50 patients' emergency access, 90 core's
attention items (a locked account, the audit chain verified last).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DemoBuilder:
    name: str
    path: str
    order: int

    def load(self) -> Callable[[dict[str, Any], int], None]:
        return import_string(self.path)


_registry: dict[str, DemoBuilder] = {}


def register_builder(name: str, path: str, *, order: int) -> None:
    _registry.setdefault(name, DemoBuilder(name, path, order))


def builders(*, exclude: tuple[str, ...] = ()) -> list[Callable[[dict[str, Any], int], None]]:
    """The registered builders in order (those named in ``exclude`` left out)."""
    ordered = sorted(_registry.values(), key=lambda b: (b.order, b.name))
    return [b.load() for b in ordered if b.name not in exclude]
