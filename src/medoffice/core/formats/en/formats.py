"""The practice's date and time formats (Django format module, ``FORMAT_MODULE_PATH``).

The one place they are written: Django's own rendering of a date (``{{ value }}``, a
list page's cell) and the core filters and helpers (``medoffice.core.formats``) read
them from here. docs/architecture.md (UI conventions) shows them.
"""

DATE_FORMAT = "m/d/Y"  # 12/01/2026
TIME_FORMAT = "g:i A"  # 2:30 PM
DATETIME_FORMAT = "m/d/Y g:i A"  # 12/01/2026 2:30 PM
WEEKDAY_DATE_FORMAT = "D m/d/Y"  # Tue 12/01/2026: a day's heading (day view, columns)
YEAR_MONTH_FORMAT = "F Y"  # December 2026: a month (statement runs, monthly figures)
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
