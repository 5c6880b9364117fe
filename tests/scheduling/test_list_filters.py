"""The scheduling lists' filter forms as the front desk sees them."""

from __future__ import annotations

from medoffice.core.roles import Role


def test_the_waitlist_type_filter_offers_any_type_first(client_for):
    page = client_for(Role.FRONT_DESK).get("/schedule/waitlist/").content.decode()
    assert '<option value="" selected>Any</option>' in page
