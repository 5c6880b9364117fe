"""The kinds of message the apps send through messaging, registered by those apps.

Messaging knows no appointment, statement or recall: an app that sends a kind of message
registers it here (in its ``AppConfig.ready``) with

- ``placeholders``: the names its templates may use, each with what it means (the
  template page lists them; a template using another name is refused);
- ``defaults``: the default texts, ``{(channel, language): (subject, body)}``, created
  when missing (``services.ensure_defaults``);
- ``sample_values``: made-up values for the template page's preview, by language;
- ``still_wanted``: given a queued message and "now", why it must not go out any more
  (the visit was cancelled…) or "" — checked just before sending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MessageKindSpec:
    kind: str
    placeholders: dict[str, str]
    defaults: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    sample_values: Callable[[str], dict[str, str]] | None = None
    still_wanted: Callable[[Any, dt.datetime], str] | None = None


_registry: dict[str, MessageKindSpec] = {}


def register_kind(*specs: MessageKindSpec) -> None:
    for spec in specs:
        _registry.setdefault(spec.kind, spec)


def spec_for(kind: str) -> MessageKindSpec | None:
    return _registry.get(kind)


def all_placeholders() -> dict[str, str]:
    """Every registered kind's placeholders, in registration order."""
    names: dict[str, str] = {}
    for spec in _registry.values():
        for name, meaning in spec.placeholders.items():
            names.setdefault(name, meaning)
    return names


def default_texts() -> Iterator[tuple[tuple[str, str, str], tuple[str, str]]]:
    """``((kind, channel, language), (subject, body))`` for every registered default."""
    for spec in _registry.values():
        for (channel, language), text in spec.defaults.items():
            yield (spec.kind, channel, language), text


def sample_values(kind: str, language: str) -> dict[str, str]:
    spec = _registry.get(kind)
    return spec.sample_values(language) if spec and spec.sample_values else {}


def why_not_any_more(message: Any, now: dt.datetime) -> str:
    """Why a queued message must not go out any more, or "" (its kind's check)."""
    spec = _registry.get(message.kind)
    return spec.still_wanted(message, now) if spec and spec.still_wanted else ""
