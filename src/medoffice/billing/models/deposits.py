"""Insurance deposits, the billing options, and the provider account.

An ``InsuranceDeposit`` is money the bank received from a payer (a check deposited, an EFT
or ACH credit). Remittance payments (``EraPayment``, one ST/BPR/TRN) are matched to it by
their trace (TRN02) and amount (BPR02); one deposit may cover several payments of one payer.

``BillingOptions`` is the practice's one row of billing options ("hold posting until the
deposit is matched").

The provider account is the practice's own account with each payer (not a patient's
line): each PLB item of a posted payment is a ``ProviderAccountEntry`` linked to its
payment (and, for a forward-balance takeback naming a claim, to that claim).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from medoffice.core.querysets import RestrictedQuerySet
from medoffice.core.roles import Permission


class DepositMethod(models.TextChoices):
    CHECK = "check", "Check"
    EFT = "eft", "EFT"
    ACH = "ach", "ACH"


class DepositSource(models.TextChoices):
    ENTERED = "entered", "Entered by hand"
    BANK_FILE = "bank_file", "Bank file (CSV)"


class PracticeMoneyQuerySet(RestrictedQuerySet):
    """Practice-level money (no patient data): whoever sees the ledger sees it, whoever
    posts the ledger changes it; not limited by location."""

    permission_map = {
        "view": Permission.VIEW_LEDGER,
        "export": Permission.VIEW_LEDGER,
        "change": Permission.POST_LEDGER,
    }


class InsuranceDeposit(models.Model):
    deposit_date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    method = models.CharField(max_length=5, choices=DepositMethod.choices)
    reference = models.CharField(
        "bank reference or trace", max_length=50, blank=True, help_text="The EFT's trace (TRN02)."
    )
    check_number = models.CharField(max_length=30, blank=True)
    location = models.ForeignKey(
        "core.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(
        max_length=10, choices=DepositSource.choices, default=DepositSource.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField()

    objects = PracticeMoneyQuerySet.as_manager()

    class Meta:
        ordering = ["-deposit_date", "-pk"]
        indexes = [models.Index(fields=["reference"], name="deposit_reference")]

    def __str__(self) -> str:
        return f"Deposit {self.deposit_date} {self.amount}"

    @property
    def trace(self) -> str:
        """What a remittance's TRN02 is compared with: the trace, else the check number."""
        return self.reference or self.check_number


class BillingOptionsQuerySet(RestrictedQuerySet):
    permission_map = {"view": Permission.VIEW_LEDGER, "change": Permission.CHANGE_PRACTICE}


class BillingOptions(models.Model):
    """The practice's billing options: one row (pk 1)."""

    hold_posting_until_deposit = models.BooleanField(
        "hold posting until the deposit is matched",
        default=False,
        help_text="Remittances wait for their bank deposit before they post to the ledger.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    objects = BillingOptionsQuerySet.as_manager()

    class Meta:
        verbose_name = "billing options"
        verbose_name_plural = "billing options"

    def __str__(self) -> str:
        return "Billing options"


class ProviderAdjustmentKind(models.TextChoices):
    INTEREST = "interest", "Interest"
    TAKEBACK = "takeback", "Takeback"
    FORWARD_BALANCE = "forward", "Forward balance"
    OTHER = "other", "Other adjustment"


class ProviderAccountEntry(models.Model):
    """One PLB item posted to the practice's account with the payer. ``amount`` is what
    the item did to the practice's money: interest paid is positive, a takeback or a
    forward balance withheld negative (the PLB amount with its sign turned)."""

    payment = models.ForeignKey(
        "billing.EraPayment", on_delete=models.PROTECT, related_name="provider_entries"
    )
    provider_adjustment = models.OneToOneField(
        "billing.EraProviderAdjustment", on_delete=models.PROTECT, related_name="entry"
    )
    payer = models.ForeignKey(
        "patients.Payer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payer_name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=ProviderAdjustmentKind.choices)
    reason = models.CharField("PLB reason", max_length=2)
    reference = models.CharField(max_length=50, blank=True)
    claim = models.ForeignKey(
        "billing.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The claim a forward balance names (PLB03-2), when it is one of ours.",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    effective_date = models.DateField()
    posted_at = models.DateTimeField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PracticeMoneyQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date", "-pk"]
        verbose_name_plural = "provider account entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
