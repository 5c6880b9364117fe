"""The ledger: every money movement on one service line, never changed once written.

A ``LedgerEntry`` moves ``amount`` on one charge line (``ChargeLine``, the visit's line,
which outlives its claims) for one responsible party: a payer (``party`` insurance,
``payer`` set) or the patient (``party`` patient, no payer).

Sign convention: a positive amount is more owed by the party on the line (a charge, the
receiving half of a transfer, money refunded to the patient); a negative amount is less
owed (a payment, an adjustment, a write-off, the giving half of a transfer). A party's
balance on a line is the sum of its entries; nothing stores a balance.

Entries are never updated or deleted. A correction is a new entry of kind reversal whose
``reverses`` names the entry it takes back, with the opposite amount; an entry is reversed
at most once (the database holds it). The receiving half of a transfer names the giving
half (``counterpart``); reversing one half reverses both.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from medoffice.billing.choices import LedgerKind, LedgerParty
from medoffice.core.money import format_money
from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class LedgerIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a ledger entry."""


class LedgerQuerySet(RestrictedQuerySet):
    location_field = "location_id"
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.POST_LEDGER}

    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerIsAppendOnly("Ledger entries are never changed; post a reversal.")

    def delete(self) -> NoReturn:
        raise LedgerIsAppendOnly("Ledger entries are never deleted; post a reversal.")


class LedgerEntry(models.Model):
    charge_line = models.ForeignKey(
        "billing.ChargeLine", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    # Denormalised from the line's visit, for the queries by patient and the location scope.
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("core.Location", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=LedgerKind.choices)
    party = models.CharField(max_length=9, choices=LedgerParty.choices)
    payer = models.ForeignKey(
        "patients.Payer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Positive: more owed; negative: less owed."
    )
    allows_credit = models.BooleanField(
        default=False,
        help_text="Posted knowingly past zero: the party's balance on the line may be a credit.",
    )
    claim = models.ForeignKey(
        "billing.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    counterpart = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counterpart_of",
        help_text="On the receiving half of a transfer: the giving half.",
    )
    # Where the money came from: a desk payment (and its refund), or a source the 835
    # posting names (source_kind "remittance", source_id its id).
    patient_payment = models.ForeignKey(
        "billing.PatientPayment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    payment_refund = models.ForeignKey(
        "billing.PaymentRefund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_kind = models.CharField(max_length=20, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    group_code = models.CharField("adjustment group", max_length=2, blank=True)
    reason_code = models.CharField("CARC", max_length=5, blank=True)
    remark_codes = models.CharField("RARCs", max_length=40, blank=True)
    note = models.CharField(max_length=200, blank=True)
    effective_date = models.DateField()
    # Denormalised from the line's visit (its date of service): the A/R aging counts from it.
    service_date = models.DateField()
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["effective_date", "pk"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["patient", "party", "effective_date"], name="ledger_patient"),
            models.Index(fields=["payer", "effective_date"], name="ledger_payer"),
            models.Index(fields=["party", "effective_date"], name="ledger_party"),
            # A line's balances, and the credit-balance report grouped by line: covering.
            models.Index(
                fields=["charge_line", "party", "amount", "location"], name="ledger_line_balance"
            ),
            # The revenue panel's current month (billing.selectors.revenue_kpis): covering.
            models.Index(
                fields=["effective_date", "service_date", "kind", "party", "location", "amount"],
                name="ledger_effective",
            ),
            # The aging (billing.selectors.aging): grouped by payer (none: the patient's
            # share), or by patient where there is no payer; covers the columns it reads.
            models.Index(
                fields=["payer", "patient", "service_date", "effective_date", "location", "amount"],
                name="ledger_aging",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=models.Q(party="insurance", payer__isnull=False)
                | models.Q(party="patient", payer__isnull=True),
                name="ledger_payer_matches_party",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="reversal", reverses__isnull=False)
                | (~models.Q(kind="reversal") & models.Q(reverses__isnull=True)),
                name="ledger_reversal_names_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_money(self.amount)} ({self.get_party_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerIsAppendOnly("Ledger entries are never changed; post a reversal.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerIsAppendOnly("Ledger entries are never deleted; post a reversal.")
