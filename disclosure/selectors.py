"""Reads of disclosures: the public list (published only) and a bureau's own list."""

from django.db.models import QuerySet

from disclosure.models import Disclosure
from organisation.models import Region


def public_disclosures(*, kind: str = "", region: Region | None = None) -> QuerySet:
    """Published disclosures, newest first; of one kind, and of bureaus of one region and those below it."""
    disclosures = Disclosure.objects.published().select_related("agency__region").public_order()
    if kind:
        disclosures = disclosures.filter(kind=kind)
    if region is not None:
        disclosures = disclosures.filter(agency__region__in=region.descendant_ids())
    return disclosures


def public_regions() -> QuerySet:
    """The regions whose bureaus have published something (the public page's region filter)."""
    return Region.objects.filter(agencies__disclosures__status=Disclosure.Status.PUBLISHED).distinct().order_by("code")


def bureau_disclosures(agency_id: int) -> QuerySet:
    return Disclosure.objects.of_agency(agency_id).select_related("case", "published_by")
