"""Parts other apps add to the patient record (dependency inverted: patients imports none
of them). An app registers a ``RecordPart`` from its ``AppConfig.ready()``: a name, the
template that draws it (given the part's data as ``data``), where it goes (``banner``: a
fact in the header banner; ``section``: a section below the record), the permission that
shows it and a function of (user, patient, the page's query parameters) returning its
data. The function reads through its app's selectors, scoped and audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from medoffice.core.models import User
    from medoffice.patients.models import Patient


@dataclass(frozen=True)
class RecordPart:
    name: str
    template: str
    data: Callable[[Any, Any, Mapping[str, str]], Any]
    place: Literal["banner", "section"]
    permission: str | None = None
    order: int = 100


_registry: dict[str, RecordPart] = {}


def register(*parts: RecordPart) -> None:
    for part in parts:
        _registry.setdefault(part.name, part)


def parts_for(
    user: User, patient: Patient, params: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """The parts this user may see, by place, in order, each with its data computed."""
    placed: dict[str, list[dict[str, Any]]] = {"banner": [], "section": []}
    for part in sorted(_registry.values(), key=lambda p: (p.order, p.name)):
        if part.permission is None or user.has_perm(part.permission):
            placed[part.place].append(
                {
                    "name": part.name,
                    "template": part.template,
                    "data": part.data(user, patient, params),
                }
            )
    return placed
