"""Move the second factor out of django-otp's plain tables (ONC 170.315(d)(12)).

Each authenticator app (``otp_totp.TOTPDevice``, its key in plain hex) becomes a
``core.AuthenticatorApp`` with the same key, now encrypted, and the same state (confirmed,
drift, last code's step, throttling), so nobody has to set up their phone again. The old
rows are deleted.

Recovery codes (``otp_static``, kept as typed) cannot be turned into safe hashes: the old
codes have 10 digits, and a hash of 10 digits is reversed by trying them all. They are
deleted; each user makes new ones on the "Two-step log-in" page, which says they have
none (docs/operations.md). Sessions that passed the second step with an old device ask
for a code again.
"""

from django.db import migrations

TOTP_FIELDS = (
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
)


def forwards(apps, schema_editor):
    old = apps.get_model("otp_totp", "TOTPDevice")
    new = apps.get_model("core", "AuthenticatorApp")
    for device in old.objects.order_by("pk"):
        made = new.objects.create(**{name: getattr(device, name) for name in TOTP_FIELDS})
        new.objects.filter(pk=made.pk).update(created_at=device.created_at)
    old.objects.all().delete()
    apps.get_model("otp_static", "StaticDevice").objects.all().delete()


def backwards(apps, schema_editor):
    old = apps.get_model("otp_totp", "TOTPDevice")
    new = apps.get_model("core", "AuthenticatorApp")
    for device in new.objects.order_by("pk"):
        old.objects.create(**{name: getattr(device, name) for name in TOTP_FIELDS})
    new.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_second_factor_encrypted"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
