from __future__ import annotations

from django import template

from medoffice.patients.phones import national

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """Show an E.164 number in the national format."""
    return national(value or "")
