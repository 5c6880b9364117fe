"""Reading a CMS-1500 PDF back: the text in a field's place, and the page as a picture."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from medoffice.billing.cms1500 import LAYOUT, PAGE_HEIGHT_PT

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCALE = 2.0  # 144 dpi: a 7.2 pt column is 14.4 pixels


def field_texts(pdf: bytes) -> list[dict[str, str]]:
    """For each page, the text inside every ``LAYOUT`` field's rectangle (empty fields left out)."""
    document = pdfium.PdfDocument(pdf)
    pages: list[dict[str, str]] = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            found: dict[str, str] = {}
            for key, field in LAYOUT.items():
                left, top, right, bottom = field.rect()
                text = textpage.get_text_bounded(
                    left=left + 0.5,
                    bottom=PAGE_HEIGHT_PT - bottom + 0.5,
                    right=right - 0.5,
                    top=PAGE_HEIGHT_PT - top - 0.5,
                )
                text = " ".join(text.split())
                if text:
                    found[key] = text
            textpage.close()
            page.close()
            pages.append(found)
    finally:
        document.close()
    return pages


def page_images(pdf: bytes, scale: float = SCALE) -> list[Any]:
    """Every page rendered to a PIL image (RGB)."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            images.append(page.render(scale=scale).to_pil().convert("RGB"))
            page.close()
        return images
    finally:
        document.close()


def pixels(rect: tuple[float, float, float, float], scale: float = SCALE) -> tuple[int, ...]:
    """A rectangle in points (left, top, right, bottom) as a PIL crop box in pixels."""
    left, top, right, bottom = rect
    return (
        round(left * scale),
        round(top * scale),
        round(right * scale),
        round(bottom * scale),
    )


def is_red(rgb: tuple[int, int, int]) -> bool:
    """The form's red ink, anti-aliased lines included (pink, not grey)."""
    r, g, b = rgb
    return r > 150 and r - g > 50 and r - b > 50


def is_dark(rgb: tuple[int, int, int]) -> bool:
    """Black text (and its grey anti-aliased edge), not red."""
    r, g, b = rgb
    return r < 110 and g < 110 and b < 110


def count(image: Any, rect: tuple[float, float, float, float], test: Any) -> int:
    """How many pixels inside ``rect`` (points) pass ``test``."""
    colours = image.crop(pixels(rect)).getcolors(maxcolors=1 << 24)
    return sum(n for n, rgb in colours if test(rgb))


def save_screenshot(image: Any, name: str) -> None:
    """Writes docs/screenshots/<name>.png when SCREENSHOTS=1 (as the browser tests do)."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    width, height = image.size
    smaller = image.resize((width * 3 // 4, height * 3 // 4))  # 108 dpi is enough to read
    smaller.quantize(colors=64).save(SCREENSHOT_DIR / f"{name}.png", optimize=True)
