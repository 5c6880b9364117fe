"""Checks on uploaded files (the kind is read from the file's first bytes, not its name),
and serving a stored file back: audited, inline, never sniffed or cached."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

from medoffice.core.audit import record_event
from medoffice.core.models import AuditAction, User
from medoffice.patients.error_codes import PatientErrorCode

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# content type → (label, test on the first bytes)
_KINDS: dict[str, tuple[str, Any]] = {
    "application/pdf": ("PDF", lambda head: head.startswith(b"%PDF-")),
    "image/png": ("PNG", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/jpeg": ("JPEG", lambda head: head.startswith(b"\xff\xd8\xff")),
    "image/heic": (
        "HEIC",
        lambda head: head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1"},
    ),
    "image/tiff": ("TIFF", lambda head: head[:4] in {b"II*\x00", b"MM\x00*"}),
}
DOCUMENT_TYPES = tuple(_KINDS)
IMAGE_TYPES = ("image/png", "image/jpeg", "image/heic")


def max_upload_bytes() -> int:
    return int(getattr(settings, "PATIENT_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(upload: Any) -> str | None:
    """The content type the file's first bytes show, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (_label, test) in _KINDS.items():
        if test(head):
            return content_type
    return None


def check_upload(upload: Any, *, field: str, allowed: tuple[str, ...] = DOCUMENT_TYPES) -> str:
    """The file's content type; ValidationError naming ``field`` when too big or not allowed."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    f"The file “{upload.name}” is {upload.size / 1048576:.1f} MB; "
                    f"the largest allowed is {limit / 1048576:.0f} MB.",
                    code=PatientErrorCode.FILE_TOO_LARGE,
                )
            }
        )
    if upload.size == 0:
        raise ValidationError(
            {
                field: ValidationError(
                    f"The file “{upload.name}” is empty.", code=PatientErrorCode.FILE_EMPTY
                )
            }
        )
    content_type = sniff(upload)
    if content_type not in allowed:
        labels = ", ".join(_KINDS[t][0] for t in allowed)
        raise ValidationError(
            {
                field: ValidationError(
                    f"The file “{upload.name}” is not a {labels} file "
                    "(its content was checked, not only its name).",
                    code=PatientErrorCode.FILE_TYPE_NOT_ALLOWED,
                )
            }
        )
    return content_type


def download_name(stem: str, stored: Any) -> str:
    """``stem`` with the stored file's extension ("bin" when it has none)."""
    extension = stored.name.rsplit(".", 1)[-1] if stored and "." in stored.name else "bin"
    return f"{stem}.{extension}"


def file_response(
    stored: Any,
    *,
    user: User,
    obj: Any,
    patient_id: int,
    category: str,
    name: str,
    content_type: str = "",
    api: bool = False,
) -> FileResponse:
    """The stored file inline as ``name``, its READ audited; 404 when there is none.

    ``content_type`` empty: the one Django guesses from ``name``. ``api``: the audit
    detail says the download went through the API.
    """
    if not stored:
        raise Http404("No such file.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    record_event(
        AuditAction.READ,
        user=user,
        obj=obj,
        patient_id=patient_id,
        data_category=category,
        detail=f"downloaded {name} (API)" if api else f"downloaded {name}",
    )
    response = FileResponse(handle, as_attachment=False, filename=name)
    if content_type:
        response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
