"""Telephone numbers: core's helpers (``core/phones.py``), which the practice's page uses too."""

from medoffice.core.phones import REGION, national, to_e164

__all__ = ["REGION", "national", "to_e164"]
