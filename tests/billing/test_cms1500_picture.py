"""The CMS-1500 PDF looked at as a picture (pypdfium2 renders each page to pixels).

With SCREENSHOTS=1 the pages are saved as docs/screenshots/cms1500-*.png (docs/billing.md).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import ImageDraw

from medoffice.billing import cms1500
from medoffice.billing.cms1500 import LAYOUT, claim_pages, render_cms1500
from tests.billing.cms1500_pdf import (
    SCALE,
    count,
    field_texts,
    is_dark,
    is_red,
    page_images,
    save_screenshot,
)
from tests.x12 import builders as b

LONG = "Bartholomew-Vanderbilt-Worthington"


def long_names_claim():
    person = replace(
        b.SUBSCRIBER_PERSON,
        last_name=LONG,
        first_name="Maximiliana",
        middle_name="Q",
        address=b.Address(f"{LONG} Boulevard Apartment 1234", LONG, "MA", "010603456"),
    )
    billing = replace(b.BILLING, last_name=f"{LONG} Family Medicine Associates")
    facility = replace(b.FACILITY, last_name=f"{LONG} Ambulatory Surgical Center")
    referring = replace(b.REFERRING, last_name=LONG, first_name="Christopher")
    return b.claim(
        subscriber=replace(b.SUBSCRIBER, person=person, plan_name=f"{LONG} Gold Plus Premier"),
        billing_provider=billing,
        facility=facility,
        referring=referring,
    )


@pytest.fixture(scope="module")
def plain():
    return page_images(render_cms1500([b.every_box_claim()], printed_form=False))


@pytest.fixture(scope="module")
def printed():
    return page_images(render_cms1500([b.every_box_claim()], printed_form=True))


def test_the_plain_paper_form_has_red_ink_on_its_box_lines(plain):
    left, top, right, _ = LAYOUT["1a"].rect()
    line_above_1a = (left, top - 12 - 1.5, right, top - 12 + 1.5)  # top edge of box 1a
    assert count(plain[0], line_above_1a, is_red) > 0.5 * (right - left) * SCALE
    title = (cms1500.LEFT, 4 * 12, cms1500.LEFT + 200, 5.2 * 12 + 14)
    assert count(plain[0], title, is_red) > 500


def test_the_plain_paper_form_has_black_text_in_box_1a(plain):
    assert count(plain[0], LAYOUT["1a"].rect(), is_dark) > 100


def test_the_printed_form_version_has_no_red_at_all(printed):
    whole = (0, 0, cms1500.PAGE_WIDTH_PT, cms1500.PAGE_HEIGHT_PT)
    assert count(printed[0], whole, is_red) == 0


def test_the_printed_form_version_has_ink_exactly_where_box_1a_goes(printed):
    left, top, right, bottom = LAYOUT["1a"].rect()
    assert count(printed[0], (left, top, right, bottom), is_dark) > 100
    above = (left, top - 12, right, top)
    below = (left, bottom, right, bottom + 12)
    assert count(printed[0], above, is_dark) == 0
    assert count(printed[0], below, is_dark) == 0


def ink_outside_fields(image, page: dict[str, str]) -> int:
    """Dark pixels left once every filled field's rectangle (plus a pixel) is painted white."""
    blank = image.copy()
    draw = ImageDraw.Draw(blank)
    for key in page:
        left, top, right, bottom = LAYOUT[key].rect()
        draw.rectangle(
            (left * SCALE - 1, top * SCALE - 1, right * SCALE + 1, bottom * SCALE + 1),
            fill="white",
        )
    whole = (0, 0, cms1500.PAGE_WIDTH_PT, cms1500.PAGE_HEIGHT_PT)
    return count(blank, whole, is_dark)


def test_printed_text_stays_inside_its_fields(printed):
    assert ink_outside_fields(printed[0], claim_pages(b.every_box_claim())[0]) == 0


def test_very_long_names_are_cut_to_their_box_and_leave_the_next_box_empty():
    claim = long_names_claim()
    pdf = render_cms1500([claim], printed_form=True)
    image = page_images(pdf)[0]
    assert ink_outside_fields(image, claim_pages(claim)[0]) == 0
    box_2_right = LAYOUT["2"].rect()[2]
    gap_before_box_3 = (box_2_right, LAYOUT["2"].rect()[1], LAYOUT["3-mm"].rect()[0], 9 * 12 + 12)
    assert count(image, gap_before_box_3, is_dark) == 0
    texts = field_texts(pdf)[0]
    assert texts["2"] == "BARTHOLOMEW-VANDERBILT-WORTH"
    assert len(texts["33-name"]) == LAYOUT["33-name"].width


def test_a_claim_with_seven_lines_prints_two_pages():
    lines = tuple(b.office_visit() for _ in range(7))
    pdf = render_cms1500([b.claim(lines=lines)], printed_form=True)
    texts = field_texts(pdf)
    assert len(texts) == 2
    assert texts[0]["28-continued"] == "CONTINUED"
    assert texts[1]["28-dollars"] == "875"


def test_a_batch_prints_one_page_per_claim_in_order():
    pdf = render_cms1500([b.claim(), b.dependent_claim(), b.full_claim()], printed_form=False)
    assert [page["26"] for page in field_texts(pdf)] == ["PCN1001", "PCN1001", "PCN2002"]


def test_screenshots_of_both_versions(plain, printed):
    """Saves the pictures of docs/billing.md when SCREENSHOTS=1; otherwise checks their size."""
    save_screenshot(plain[0], "cms1500-plain")
    save_screenshot(printed[0], "cms1500-printed")
    assert plain[0].size == printed[0].size == (round(612 * SCALE), round(792 * SCALE))
