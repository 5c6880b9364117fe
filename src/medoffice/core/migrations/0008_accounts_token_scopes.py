"""API tokens get a scope (access and areas), a required expiry of at most a year, and a record
of whether they were made after a two-step check.

Existing tokens keep working as before: read and write, every area of the day, expiring one
year after this migration; they count as not made after a two-step check, so they cannot
read the audit log (docs/operations.md).
"""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

# The areas of api/base.py AREAS when this migration was written, as token slugs.
AREAS_OF_THE_DAY = [
    "practice",
    "users",
    "patients",
    "scheduling",
    "front-desk",
    "messaging",
    "reports",
    "audit",
]


def scope_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    a_year_from_now = timezone.now() + dt.timedelta(days=365)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=a_year_from_now)
    ApiToken.objects.filter(expires_at__gt=a_year_from_now).update(expires_at=a_year_from_now)
    ApiToken.objects.update(access="write", areas=AREAS_OF_THE_DAY)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_accounts_session_generation"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="access",
            field=models.CharField(
                choices=[("read", "Read only"), ("write", "Read and write")],
                default="read",
                max_length=5,
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="areas",
            field=models.JSONField(default=list, help_text="Slugs of the API areas it may use."),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="mfa_verified",
            field=models.BooleanField(
                default=False,
                help_text="Whether the session that made the token had passed the second step.",
                verbose_name="made after a two-step check",
            ),
        ),
        migrations.RunPython(scope_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
