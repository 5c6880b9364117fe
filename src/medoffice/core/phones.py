"""Telephone numbers: validated and stored E.164 ("+14135550123"), shown in national format."""

from __future__ import annotations

import phonenumbers

REGION = "US"


def to_e164(text: str) -> str:
    """The number in E.164; ValueError with a message for the user when it is not a number."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise ValueError("Enter a telephone number such as (413) 555-0123.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("This is not a valid telephone number; check the area code and digits.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str) -> str:
    """ "+14135550123" → "(413) 555-0123"; anything that does not parse is shown as stored."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code != 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
