"""The JSON API under /api/v1/ (django-ninja). Each app contributes a router."""

from medoffice.api.base import api

__all__ = ["api"]
