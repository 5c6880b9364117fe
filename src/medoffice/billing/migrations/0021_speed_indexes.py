"""Indexes for the slow pages: the revenue panel's current month and its cache's version
(ledger by date of effect; claims by first submission, creation and scrub; desk payments by
receipt and void), the denial report (claims adjudicated by month) and the credit-balance
report (the ledger by line, covering the balance; it replaces the line-and-party index,
its first two columns)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0020_statement_schedule"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claimtransition",
            index=models.Index(fields=["to_status", "at", "claim"], name="transition_status_at"),
        ),
        migrations.RemoveIndex(
            model_name="ledgerentry",
            name="ledger_line_party",
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["first_submitted_at"], name="claim_first_submitted"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["created_at"], name="claim_created"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["scrubbed_at"], name="claim_scrubbed"),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["charge_line", "party", "amount", "location"], name="ledger_line_balance"
            ),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["effective_date", "service_date", "kind", "party", "location", "amount"],
                name="ledger_effective",
            ),
        ),
        migrations.AddIndex(
            model_name="patientpayment",
            index=models.Index(fields=["received_at"], name="payment_received"),
        ),
        migrations.AddIndex(
            model_name="patientpayment",
            index=models.Index(fields=["voided_at"], name="payment_voided"),
        ),
    ]
