"""Reads of the credit records: one subject's summary (its page and the API), the current lists of a region,
and the subjects listed within a period (statistics)."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import CreditPoint, Subject
from credit import rules
from credit.models import Blacklisting, Measure, PractitionerSanction
from credit.services import entry_day


def _rating(subject: Subject) -> dict | None:
    """The pharmacy credit evaluation (ratings app) when it is installed and has one for the subject."""
    try:
        from ratings.selectors import pharmacy_rating
    except ImportError:
        return None
    rating = pharmacy_rating(subject)
    return rating if isinstance(rating, dict) else None


def _period(subject: Subject, today: datetime.date) -> rules.Period:
    if subject.kind == Subject.Kind.INSURED:
        return rules.period_of(today, rules.rule_for(subject.region, rules.INSURED).period_months)
    return rules.period_of(today, 12)


def _practitioner_status(sanctions: list[PractitionerSanction], today: datetime.date) -> dict:
    for sanction in sanctions:
        if sanction.kind == PractitionerSanction.Kind.TERMINATION and sanction.starts_on <= today:
            return {
                "grade": "terminated",
                "status": _("Payment qualification terminated; may re-register from %(day)s")
                % {"day": sanction.reregistration_from.strftime("%Y-%m-%d")},
                "until": None,
                "reregistration_from": sanction.reregistration_from,
            }
    for sanction in sanctions:
        if sanction.kind == PractitionerSanction.Kind.SUSPENSION and sanction.starts_on <= today <= sanction.ends_on:
            return {
                "grade": "suspended",
                "status": _("Payment qualification suspended until %(day)s")
                % {"day": sanction.ends_on.strftime("%Y-%m-%d")},
                "until": sanction.ends_on,
                "reregistration_from": None,
            }
    return {"grade": "normal", "status": _("Normal"), "until": None, "reregistration_from": None}


def _entries(points: list[CreditPoint], listings: list[Blacklisting], sanctions: list[PractitionerSanction]):
    """The history, newest first: points and what they led to, each with its case where there is one."""

    def case_of(row):
        return (row.case_id, row.case.number) if row.case_id else (None, None)

    rows = []
    for point in points:
        rows.append((entry_day(point), "points", point.points, point.reason, *case_of(point)))
    for listing in listings:
        rows.append((listing.listed_on, "blacklisted", 0, listing.get_reason_display(), *case_of(listing)))
        if listing.removed_on:
            rows.append((listing.removed_on, "blacklist_removed", 0, listing.removal_reason, None, None))
    for sanction in sanctions:
        kind = "suspended" if sanction.kind == PractitionerSanction.Kind.SUSPENSION else "terminated"
        rows.append((sanction.starts_on, kind, 0, sanction.get_kind_display(), *case_of(sanction)))
    order = {"points": 0, "blacklisted": 1, "suspended": 1, "terminated": 2, "blacklist_removed": 3}
    rows.sort(key=lambda row: (row[0], order[row[1]]), reverse=True)
    return [
        {"date": day, "kind": kind, "points": n, "reason": reason, "case_id": case_id, "case": number}
        for day, kind, n, reason, case_id, number in rows
    ]


def credit_summary(subject: Subject, today: datetime.date | None = None) -> dict:
    """Points in the current period, grade or status, blacklist, measures and history of one subject."""
    today = today or timezone.localdate()
    period = _period(subject, today)
    points = list(CreditPoint.objects.filter(subject=subject).select_related("case").order_by("-recorded_at", "-pk"))
    current = sum(p.points for p in points if period.start <= entry_day(p) <= min(period.end, today))
    listings = list(
        Blacklisting.objects.filter(subject=subject, listed_on__lte=today)
        .select_related("case", "removed_by")
        .order_by("-listed_on", "-pk")
    )
    active = [listing for listing in listings if listing.removed_on is None or listing.removed_on > today]
    sanctions = list(
        PractitionerSanction.objects.filter(subject=subject, starts_on__lte=today)
        .select_related("case")
        .order_by("-starts_on", "-pk")
    )
    measures = list(Measure.objects.filter(subject=subject).order_by("-starts_on", "-pk"))
    summary = {
        "subject": subject,
        "kind": subject.kind,
        "points": current,
        "period": period.label,
        "period_start": period.start,
        "period_end": period.end,
        "blacklisted": bool(active),
        "permanent": any(listing.permanent for listing in active),
        "listings": listings,
        "active_listings": active,
        "measures": measures,
        "measures_in_force": [m for m in measures if m.in_force_on(today)],
        "sanctions": sanctions,
        "entries": _entries(points, listings, sanctions),
        "score": None,
        "until": None,
        "reregistration_from": None,
    }
    if subject.kind == Subject.Kind.PRACTITIONER:
        rule = rules.rule_for(subject.region, rules.PRACTITIONER)
        summary.update(_practitioner_status(sanctions, today), annual_points=rule.annual_points)
    elif subject.kind == Subject.Kind.INSURED:
        summary["grade"] = "blacklisted" if active else "normal"
        summary["status"] = (
            _("On the permanent blacklist") if summary["permanent"] else _("Blacklisted") if active else _("Normal")
        )
    else:
        rating = _rating(subject)
        summary["grade"] = rating.get("grade") if rating else None
        summary["score"] = rating.get("score") if rating else None
        summary["status"] = (
            _("Credit grade %(grade)s") % {"grade": summary["grade"]} if summary["grade"] else _("Not evaluated")
        )
    return summary


def current_blacklist(region_ids, today: datetime.date | None = None):
    """Insured persons of the regions on the blacklist today, the newest listing first."""
    today = today or timezone.localdate()
    return (
        Blacklisting.objects.in_regions(region_ids)
        .filter(listed_on__lte=today)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=today))
        .select_related("subject")
        .order_by("-listed_on", "-pk")
    )


def current_practitioner_sanctions(region_ids, today: datetime.date | None = None):
    """Practitioners of the regions suspended or terminated today, the newest first."""
    today = today or timezone.localdate()
    return (
        PractitionerSanction.objects.in_regions(region_ids)
        .in_force(today)
        .select_related("subject", "subject__institution")
        .order_by("-starts_on", "-pk")
    )


def blacklisted_subject_ids(region_ids, date_from: datetime.date | None, date_to: datetime.date | None) -> set[int]:
    """Subjects of the regions put on the blacklist within the period (for 附件2's 列入医保黑名单)."""
    return set(
        Blacklisting.objects.in_regions(region_ids)
        .listed_between(date_from, date_to)
        .values_list("subject_id", flat=True)
        .distinct()
    )
