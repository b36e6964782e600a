"""Ledger totals the user may see: per case, per subject, per region."""

from casework.models import Case
from ledgers.models import Obligation
from organisation.models import Region, User


def obligations_visible_to(user: User):
    return Obligation.objects.filter(case__in=Case.objects.visible_to(user).values("pk"))


def ledger_totals(*, user: User, case=None, subject=None, region: Region | None = None) -> dict:
    """{ledger: {"due", "paid", "balance"}} over the obligations the user can see, narrowed as asked."""
    obligations = obligations_visible_to(user)
    if case is not None:
        obligations = obligations.filter(case=case)
    if subject is not None:
        obligations = obligations.filter(subject=subject)
    if region is not None:
        obligations = obligations.filter(agency__region__in=region.descendant_ids())
    return obligations.totals_by_ledger()
