"""The ledger's daily totals for the A/R aging (``billing.models.ledger_totals``), filled
from the entries already there: every entry up to the last is folded in and the mark set
to it (the same two grouped statements ``billing.services.ledger_totals.fold`` runs,
written out here so the migration does not change when the service does)."""

import django.db.models.deletion
from django.db import migrations, models

FOLD = (
    "INSERT INTO {table} ({key_column}, location_id, service_date, effective_date, cents) "
    "SELECT {key}, location_id, service_date, effective_date, "
    "CAST(ROUND(SUM(amount) * 100) AS BIGINT) FROM billing_ledgerentry "
    "WHERE id <= %s {only} GROUP BY {key}, location_id, service_date, effective_date "
    "HAVING CAST(ROUND(SUM(amount) * 100) AS BIGINT) <> 0"
)


def fill_totals(apps, schema_editor):
    connection = schema_editor.connection
    LedgerEntry = apps.get_model("billing", "LedgerEntry")
    LedgerTotalsMark = apps.get_model("billing", "LedgerTotalsMark")
    last = LedgerEntry._base_manager.using(connection.alias).aggregate(last=models.Max("pk"))[
        "last"
    ]
    if last is not None:
        with connection.cursor() as cursor:
            # fixed table names; the id is a parameter
            cursor.execute(
                FOLD.format(
                    table="billing_payerdaytotal",
                    key_column="payer_key",
                    key="COALESCE(payer_id, 0)",
                    only="",
                ),
                [last],
            )
            cursor.execute(
                FOLD.format(
                    table="billing_patientdaytotal",
                    key_column="patient_id",
                    key="patient_id",
                    only="AND payer_id IS NULL",
                ),
                [last],
            )
    LedgerTotalsMark._base_manager.using(connection.alias).create(pk=1, last_entry_id=last or 0)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0017_era_pages_and_reversed_adjudications'),
        ('core', '0002_audit_append_only'),
        ('patients', '0005_merged_into_without_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerTotalsMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_entry_id', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='PatientDayTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('service_date', models.DateField()),
                ('effective_date', models.DateField()),
                ('cents', models.BigIntegerField()),
                ('location', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.location')),
                ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient')),
            ],
            options={
                'indexes': [models.Index(fields=['patient', 'effective_date', 'location', 'service_date', 'cents'], name='patient_day_total_aging')],
                'constraints': [models.UniqueConstraint(fields=('patient', 'location', 'service_date', 'effective_date'), name='patient_day_total_key')],
            },
        ),
        migrations.CreateModel(
            name='PayerDayTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('payer_key', models.BigIntegerField(help_text="The payer's id; 0: the patients' share.")),
                ('service_date', models.DateField()),
                ('effective_date', models.DateField()),
                ('cents', models.BigIntegerField()),
                ('location', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.location')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('payer_key', 'location', 'service_date', 'effective_date'), name='payer_day_total_key')],
            },
        ),
        migrations.RunPython(fill_totals, migrations.RunPython.noop, elidable=False),
    ]
