"""The providers' rules: the billing provider (2010AA) and the others (2310A-C, 2420)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from medoffice.billing.scrubber.codes import ScrubCode as C
from medoffice.billing.scrubber.model import Severity
from medoffice.billing.scrubber.registry import Context, Hit, npi_ok, rule, tax_id_ok, zip_digits
from medoffice.x12.claims import Provider

E = Severity.ERROR

_PO_BOX = re.compile(
    r"\b(p\.?\s*o\.?\s*box|post\s+office\s+box|lock\s*box|pob)\b", re.IGNORECASE | re.ASCII
)
_DIGITS = re.compile(r"\d+\Z", re.ASCII)


def _named(provider: Provider) -> str:
    return " ".join(p for p in (provider.first_name, provider.last_name) if p) or "(no name)"


# --- billing provider -------------------------------------------------------------------------


@rule(
    C.BILLING_NPI_MISSING,
    E,
    "Enter the practice's (or the billing physician's) 10-digit NPI in the billing provider's "
    "settings; payers reject a claim without it.",
)
def billing_npi_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.claim.billing_provider.npi.strip():
        yield Hit("The billing provider has no NPI.", None, "billing_provider.npi")


@rule(
    C.BILLING_NPI_INVALID,
    E,
    "Check the billing provider's NPI against the NPPES registry: it is 10 digits starting "
    "with 1 or 2, and the last digit is a check digit, so a typo shows.",
)
def billing_npi_invalid(ctx: Context) -> Iterator[Hit]:
    npi = ctx.claim.billing_provider.npi.strip()
    if npi and not npi_ok(npi):
        yield Hit(
            f"The billing provider's NPI {npi!r} is not a valid NPI.", None, "billing_provider.npi"
        )


@rule(
    C.BILLING_TAX_ID_MISSING,
    E,
    "Enter the practice's EIN (or the sole provider's SSN) in the billing provider's settings.",
)
def billing_tax_id_missing(ctx: Context) -> Iterator[Hit]:
    if not ctx.claim.billing_provider.tax_id.strip():
        yield Hit("The billing provider has no tax ID.", None, "billing_provider.tax_id")


@rule(
    C.BILLING_TAX_ID_INVALID,
    E,
    "Correct the billing provider's tax ID: an EIN is 9 digits (NN-NNNNNNN) from the IRS "
    "letter; an SSN is 9 digits and is used only by a sole provider.",
)
def billing_tax_id_invalid(ctx: Context) -> Iterator[Hit]:
    provider = ctx.claim.billing_provider
    tax_id = provider.tax_id.strip()
    if not tax_id:
        return
    if not tax_id_ok(tax_id, provider.tax_id_is_ssn):
        kind = "SSN" if provider.tax_id_is_ssn else "EIN"
        yield Hit(
            f"The billing provider's tax ID {tax_id!r} is not a valid {kind}.",
            None,
            "billing_provider.tax_id",
        )


@rule(
    C.BILLING_ADDRESS_MISSING,
    E,
    "Enter the billing provider's street address, city, state and ZIP in the practice settings.",
)
def billing_address_missing(ctx: Context) -> Iterator[Hit]:
    address = ctx.claim.billing_provider.address
    if address is None or not (
        address.line1.strip() and address.city.strip() and address.state.strip()
    ):
        yield Hit(
            "The billing provider's address is missing or incomplete.",
            None,
            "billing_provider.address",
        )


@rule(
    C.BILLING_ADDRESS_PO_BOX,
    E,
    "The billing provider's address must be where the practice is (a street address); put a "
    "PO Box or lock box where payments go in the pay-to address instead.",
)
def billing_address_po_box(ctx: Context) -> Iterator[Hit]:
    address = ctx.claim.billing_provider.address
    if address is not None and (_PO_BOX.search(address.line1) or _PO_BOX.search(address.line2)):
        yield Hit(
            "The billing provider's address is a PO Box; the 837P requires a street address.",
            None,
            "billing_provider.address",
        )


@rule(
    C.BILLING_ZIP_INVALID,
    E,
    "Enter the billing provider's full ZIP+4 (9 digits); look it up on the USPS site if unsure.",
)
def billing_zip_invalid(ctx: Context) -> Iterator[Hit]:
    address = ctx.claim.billing_provider.address
    if address is None:
        return
    digits = zip_digits(address)
    if len(digits) != 9 or not _DIGITS.match(digits):
        yield Hit(
            f"The billing provider's ZIP {address.postal_code!r} is not 9 digits (ZIP+4).",
            None,
            "billing_provider.address.postal_code",
        )


# --- other providers --------------------------------------------------------------------------


def _rendering(ctx: Context) -> Iterator[tuple[Provider, int | None, str]]:
    if ctx.claim.rendering is not None:
        yield ctx.claim.rendering, None, "rendering.npi"
    for number, line in ctx.lines:
        if line.rendering is not None:
            yield line.rendering, number, f"lines[{number}].rendering.npi"


def _ordering(ctx: Context) -> Iterator[tuple[Provider, int | None, str]]:
    for number, line in ctx.lines:
        if line.ordering is not None:
            yield line.ordering, number, f"lines[{number}].ordering.npi"


def _where(number: int | None) -> str:
    return f"Line {number}: the" if number is not None else "The"


@rule(C.RENDERING_NPI_MISSING, E, "Enter the rendering provider's NPI in the provider's profile.")
def rendering_npi_missing(ctx: Context) -> Iterator[Hit]:
    for provider, number, field in _rendering(ctx):
        if not provider.npi.strip():
            yield Hit(
                f"{_where(number)} rendering provider {_named(provider)} has no NPI.", number, field
            )


@rule(
    C.RENDERING_NPI_INVALID,
    E,
    "Check the rendering provider's NPI against the NPPES registry and correct the profile.",
)
def rendering_npi_invalid(ctx: Context) -> Iterator[Hit]:
    for provider, number, field in _rendering(ctx):
        npi = provider.npi.strip()
        if npi and not npi_ok(npi):
            yield Hit(
                f"{_where(number)} rendering provider's NPI {npi!r} is not a valid NPI.",
                number,
                field,
            )


@rule(
    C.REFERRING_NPI_MISSING,
    E,
    "Ask the referring physician's office for their NPI (or look it up in NPPES) and enter it.",
)
def referring_npi_missing(ctx: Context) -> Iterator[Hit]:
    referring = ctx.claim.referring
    if referring is not None and not referring.npi.strip():
        yield Hit(f"The referring provider {_named(referring)} has no NPI.", None, "referring.npi")


@rule(C.REFERRING_NPI_INVALID, E, "Check the referring provider's NPI against the NPPES registry.")
def referring_npi_invalid(ctx: Context) -> Iterator[Hit]:
    referring = ctx.claim.referring
    if referring is not None and referring.npi.strip() and not npi_ok(referring.npi.strip()):
        yield Hit(
            f"The referring provider's NPI {referring.npi!r} is not a valid NPI.",
            None,
            "referring.npi",
        )


@rule(
    C.ORDERING_NPI_MISSING,
    E,
    "Enter the NPI of the physician who ordered the service (from the order or NPPES).",
)
def ordering_npi_missing(ctx: Context) -> Iterator[Hit]:
    for provider, number, field in _ordering(ctx):
        if not provider.npi.strip():
            yield Hit(
                f"{_where(number)} ordering provider {_named(provider)} has no NPI.", number, field
            )


@rule(C.ORDERING_NPI_INVALID, E, "Check the ordering provider's NPI against the NPPES registry.")
def ordering_npi_invalid(ctx: Context) -> Iterator[Hit]:
    for provider, number, field in _ordering(ctx):
        npi = provider.npi.strip()
        if npi and not npi_ok(npi):
            yield Hit(
                f"{_where(number)} ordering provider's NPI {npi!r} is not a valid NPI.",
                number,
                field,
            )


@rule(
    C.FACILITY_NPI_INVALID,
    E,
    "Check the service facility's NPI against the NPPES registry, or leave it empty if the "
    "facility has none.",
)
def facility_npi_invalid(ctx: Context) -> Iterator[Hit]:
    facility = ctx.claim.facility
    if facility is not None and facility.npi.strip() and not npi_ok(facility.npi.strip()):
        yield Hit(
            f"The service facility's NPI {facility.npi!r} is not a valid NPI.", None, "facility.npi"
        )


@rule(
    C.FACILITY_ADDRESS_MISSING,
    E,
    "Enter the service facility's street address, city, state and ZIP in the location's settings.",
)
def facility_address_missing(ctx: Context) -> Iterator[Hit]:
    facility = ctx.claim.facility
    if facility is not None and (facility.address is None or not facility.address.line1.strip()):
        yield Hit("The service facility has no address.", None, "facility.address")
