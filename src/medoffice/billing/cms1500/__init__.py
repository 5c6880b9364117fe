"""The CMS-1500 (02/12) paper claim, as a PDF made by WeasyPrint.

``render_cms1500(claims, printed_form=...)`` makes one page per claim (a claim with more
than six service lines goes on over further pages; box 28 says CONTINUED on every page but
the last, which carries the claim's total, as the NUCC manual asks). Every value comes from
the one crosswalk the 837P is written from (``x12.crosswalk.cms1500``/``cms1500_lines``),
formatted here the paper's way (NUCC 1500 Claim Form Reference Instruction Manual, 02/12):
upper case; dates MM DD YY in 24A and MM DD YYYY elsewhere; money as dollars | cents
without "$"; check boxes as X; a patient's or insured's name LAST SUFFIX, FIRST, M (the
middle initial) and a provider's FIRST M LAST; diagnoses A-L without the dot, pointers as
letters; no punctuation in addresses and a nine-digit ZIP code with its hyphen; the shaded
part of a box 24 line holds the supplemental information (N4 + the NDC, a space, the unit
qualifier and the quantity; ZZ + the description of a not-otherwise-classified code; three
spaces between two items). A value longer than its field is cut to the field (a name loses
its middle initial, then letters of the first name, before any of the last name).

Two versions: ``printed_form=True`` prints only the data, for the red pre-printed form;
``printed_form=False`` draws the form itself (box outlines, numbers and titles in the
form's red) under the same data, for plain paper.

Where things go: ``LAYOUT`` is the one table of data positions on the form's print grid
of 10 characters per inch and 6 lines per inch (66 lines of 85 columns on the 8.5 x 11
inch sheet; a line is 12 pt high and a column 7.2 pt wide), numbered from 1 as print
positions are: the line and column of each box's data as the 02/12 form's boxes lie on
that grid (the NUCC manual says what goes in each box; the positions are the form's own
grid, the ones printing software has long used for it). Each page's data is one block of
text, the grid itself (``page_text``), so every character sits on it. Column 1 starts
``LEFT`` from the paper's left edge and line 1 at ``TOP`` from its top edge (the form's
own frame runs from column 1 to column 79); a printer that puts the data off the red
boxes is put right by these two. ``FORM_BOXES`` is the drawing of the plain-paper form
on the same grid. The text is DejaVu Sans Mono at
10 pt spaced out to exactly 7.2 pt a character.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from medoffice.billing.cms1500.form import drawn_form, pt
from medoffice.billing.cms1500.layout import (
    COLUMN_PT,
    FONT_PT,
    INK,
    LAYOUT,
    LEFT,
    LETTER_SPACING_PT,
    LINE_PT,
    LINES_PER_PAGE,
    PAGE_HEIGHT_PT,
    PAGE_WIDTH_PT,
    TOP,
    Cms1500Error,
    Field,
)
from medoffice.billing.cms1500.values import (
    GRID_COLUMNS,
    GRID_LINES,
    claim_pages,
    money,
    page_text,
    person_name,
    provider_name,
)
from medoffice.x12.claims import Claim

__all__ = [
    "LAYOUT",
    "LEFT",
    "LINES_PER_PAGE",
    "PAGE_HEIGHT_PT",
    "PAGE_WIDTH_PT",
    "TOP",
    "Cms1500Error",
    "Field",
    "claim_pages",
    "cms1500_html",
    "money",
    "page_text",
    "person_name",
    "provider_name",
    "render_cms1500",
]


def cms1500_html(claims: Sequence[Claim], *, printed_form: bool) -> str:
    """The HTML the PDF is made from: one ``.page`` per page of every claim, in order."""
    from django.template.loader import render_to_string

    pages = [
        {
            "claim": claim.control_number,
            "number": number,
            "of": len(claim_pages_),
            "text": page_text(page),
        }
        for claim in claims
        for claim_pages_ in (claim_pages(claim),)
        for number, page in enumerate(claim_pages_, 1)
    ]
    return render_to_string(
        "billing/cms1500/claims.html",
        {
            "pages": pages,
            "form": None if printed_form else drawn_form(),
            "printed_form": printed_form,
            "title": "CMS-1500 claims"
            if len(claims) != 1
            else f"CMS-1500 claim {claims[0].control_number}",
            "font_size": FONT_PT,
            "letter_spacing": LETTER_SPACING_PT,
            "line_height": LINE_PT,
            "ink": INK,
            "data_style": f"left:{pt(LEFT)};top:{pt(TOP)};"
            f"width:{pt(GRID_COLUMNS * COLUMN_PT)};height:{pt(GRID_LINES * LINE_PT)}",
        },
    )


_render_lock = threading.Lock()
_renderer: Any = None


def _current_renderer() -> Any:
    global _renderer
    if _renderer is None:
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        _renderer = (FontConfiguration(), URLFetcher(allowed_protocols=frozenset()))
    return _renderer


def _form_html() -> str:
    """The drawn form alone: one page with no claim on it."""
    from django.template.loader import render_to_string

    return render_to_string(
        "billing/cms1500/claims.html",
        {
            "pages": [{"claim": "", "number": 1, "of": 1, "text": ""}],
            "form": drawn_form(),
            "printed_form": False,
            "title": "CMS-1500 form",
            "font_size": FONT_PT,
            "letter_spacing": LETTER_SPACING_PT,
            "line_height": LINE_PT,
            "ink": INK,
            "data_style": "",
        },
    )


_form_page: Any = None


def _drawn_form_page(font_config: Any, fetcher: Any) -> Any:
    """The drawn form laid out once per process (WeasyPrint's layout of its ~250 boxes is
    most of a plain-paper page's time); each plain-paper page paints it under its data."""
    global _form_page
    if _form_page is None:
        from weasyprint import HTML

        document = HTML(string=_form_html(), url_fetcher=fetcher).render(font_config=font_config)
        _form_page = document.pages[0]
    return _form_page


def _paint_over(page: Any, form: Any) -> None:
    """Make ``page`` paint ``form`` first, then its own content."""
    own = page.paint

    def paint(stream: Any, scale: float = 1) -> None:
        form.paint(stream, scale)
        own(stream, scale)

    page.paint = paint


def render_cms1500(claims: list[Claim], *, printed_form: bool) -> bytes:
    """The claims' CMS-1500 pages as one PDF: data only (``printed_form``) or with the form.

    Both versions lay out the same data-only pages; the plain-paper one paints the drawn
    form (laid out once per process) under each of them.
    """
    if not claims:
        raise Cms1500Error("no claim to print")
    html = cms1500_html(claims, printed_form=True)
    from weasyprint import HTML

    with _render_lock:
        font_config, fetcher = _current_renderer()
        document = HTML(string=html, url_fetcher=fetcher).render(font_config=font_config)
        if not printed_form:
            form = _drawn_form_page(font_config, fetcher)
            for page in document.pages:
                _paint_over(page, form)
        return bytes(document.write_pdf())
