"""The practice's date and time filters, built in to every template (settings.TEMPLATES).

``|as_date`` 12/01/2026, ``|as_time`` 2:30 PM, ``|as_datetime`` 12/01/2026 2:30 PM,
``|as_weekday_date`` Tue 12/01/2026, ``|as_month`` December 2026; aware date-times in the practice's time zone
(medoffice.core.formats). tests/core/test_date_formats.py fails for a template that
writes a format of its own.
"""

from __future__ import annotations

from django import template

from medoffice.core import formats

register = template.Library()

for _name in ("as_date", "as_time", "as_datetime", "as_weekday_date", "as_month"):
    register.filter(_name, getattr(formats, _name), expects_localtime=False)
