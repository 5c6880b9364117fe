"""The ledger's entries carry their line's date of service (denormalised, for the A/R
aging), filled from the visit for the entries already there; and the aging's index."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_service_date(apps, schema_editor):
    LedgerEntry = apps.get_model("billing", "LedgerEntry")
    ChargeLine = apps.get_model("billing", "ChargeLine")
    # The historical manager is a plain one: the model's append-only queryset is not used.
    LedgerEntry._base_manager.using(schema_editor.connection.alias).filter(
        service_date__isnull=True
    ).update(
        service_date=Subquery(
            ChargeLine._base_manager.filter(pk=OuterRef("charge_line_id")).values(
                "encounter__date_of_service"
            )[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0014_statements"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="service_date",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill_service_date, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="ledgerentry",
            name="service_date",
            field=models.DateField(),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["payer", "patient", "service_date", "effective_date", "location", "amount"],
                name="ledger_aging",
            ),
        ),
    ]
