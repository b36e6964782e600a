"""Reads of the pharmacy credit evaluation: the list, the evaluation page and the rating other apps show."""

import datetime

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.utils import timezone

from casework.models import Case, Subject
from casework.selectors import subjects_for
from organisation.models import User
from ratings.models import Deduction, Evaluation, Indicator
from ratings.rules import TOTAL_POINTS, grade_for
from ratings.services import scheme_for


def pharmacy_rating(subject: Subject, year: int | None = None) -> dict | None:
    """The pharmacy's credit evaluation of year (default: the latest up to this year), or None when it has
    none (or the subject is not a pharmacy). For the credit API and other apps; no access check here."""
    if subject.kind != Subject.Kind.PHARMACY:
        return None
    evaluations = Evaluation.objects.filter(subject=subject)
    if year is None:
        evaluation = evaluations.filter(year__lte=timezone.localdate().year).order_by("-year").first()
    else:
        evaluation = evaluations.filter(year=year).first()
    if evaluation is None:
        return None
    bands, _run = scheme_for(subject.region)
    band = next((b for b in bands if b.grade == evaluation.grade), grade_for(evaluation.score, bands))
    deductions = (
        Deduction.objects.filter(evaluation=evaluation).select_related("indicator").order_by("occurred_on", "pk")
    )
    return {
        "score": evaluation.score,
        "grade": evaluation.grade,
        "period": str(evaluation.year),
        "consequence": band.consequence,
        "termination_due": evaluation.termination_due,
        "entries": [
            {
                "date": deduction.occurred_on.isoformat(),
                "indicator": str(deduction.indicator),
                "points": deduction.points,
                "reason": deduction.reason,
                "repaired": deduction.repaired,
            }
            for deduction in deductions
        ],
    }


def pharmacies_for(*, user: User) -> QuerySet:
    """Pharmacies whose ratings the user may read: bureau and handling-agency staff and auditors, of the
    pharmacy's region or a region above it."""
    return subjects_for(user=user).of_kind(Subject.Kind.PHARMACY)


def rating_list(*, user: User, year: int, today: datetime.date | None = None) -> QuerySet:
    """The user's pharmacies with their evaluation of year: `score`, `grade`, `poor`, `termination_due` (null
    when not evaluated) and `lapsed` (a repairable deduction left unrepaired past its period)."""
    today = today or timezone.localdate()
    lapsed = Deduction.objects.filter(evaluation__subject=OuterRef("pk"), evaluation__year=year).lapsed(today)
    return (
        pharmacies_for(user=user)
        .annotate(
            this_year=FilteredRelation("rating_evaluations", condition=Q(rating_evaluations__year=year)),
        )
        .annotate(
            evaluation_id=F("this_year__id"),
            score=F("this_year__score"),
            grade=F("this_year__grade"),
            poor=F("this_year__poor"),
            termination_due=F("this_year__termination_due"),
            lapsed=Exists(lapsed),
        )
        .select_related("region")
        .order_by("code")
    )


def filter_rating_list(queryset: QuerySet, *, grade: str = "", flag: str = "", query: str = "") -> QuerySet:
    if grade == "none":
        queryset = queryset.filter(evaluation_id__isnull=True)
    elif grade:
        queryset = queryset.filter(grade=grade)
    if flag == "poor":
        queryset = queryset.filter(poor=True)
    elif flag == "termination":
        queryset = queryset.filter(termination_due=True)
    elif flag == "lapsed":
        queryset = queryset.filter(lapsed=True)
    if query:
        queryset = queryset.filter(Q(name__contains=query) | Q(code__icontains=query))
    return queryset


def evaluation_detail(*, subject: Subject, year: int, today: datetime.date | None = None) -> dict:
    """What the evaluation page shows: the score by category, the deductions, the grade's consequence and
    the three years up to year."""
    today = today or timezone.localdate()
    bands, poor_run = scheme_for(subject.region)
    evaluation = Evaluation.objects.filter(subject=subject, year=year).first()
    deductions = (
        list(
            Deduction.objects.filter(evaluation=evaluation)
            .select_related("indicator", "recorded_by", "repaired_by", "case")
            .order_by("occurred_on", "pk")
        )
        if evaluation
        else []
    )
    for deduction in deductions:
        deduction.repair_open = deduction.can_repair(today)
    score = evaluation.score if evaluation else TOTAL_POINTS
    band = grade_for(score, bands)
    if evaluation is not None:
        band = next((b for b in bands if b.grade == evaluation.grade), band)
    history = {e.year: e for e in Evaluation.objects.filter(subject=subject, year__range=(year - 2, year))}
    return {
        "evaluation": evaluation,
        "score": score,
        "band": band,
        "bands": sorted(bands, key=lambda b: -b.min_score),
        "poor_run": poor_run,
        "deductions": deductions,
        "categories": category_breakdown(deductions),
        "history": [(y, history.get(y)) for y in range(year, year - 3, -1)],
    }


def category_breakdown(deductions: list[Deduction]) -> list[dict]:
    """Per category: the points available (its indicators' maxima), deducted (unrepaired) and kept."""
    maxima: dict[str, int] = {}
    for category, maximum in Indicator.objects.filter(active=True).values_list("category", "max_deduction"):
        maxima[category] = maxima.get(category, 0) + maximum
    rows = []
    for category, label in Indicator.Category.choices:
        deducted = sum(d.points for d in deductions if d.indicator.category == category and not d.repaired)
        repaired = sum(d.points for d in deductions if d.indicator.category == category and d.repaired)
        available = maxima.get(category, 0)
        rows.append(
            {
                "category": category,
                "label": label,
                "available": available,
                "deducted": deducted,
                "repaired": repaired,
                "kept": max(available - deducted, 0),
            }
        )
    return rows


def subject_cases(*, subject: Subject, user: User) -> QuerySet:
    """The cases concerning the pharmacy that the user may see (to link a deduction to)."""
    return Case.objects.visible_to(user).filter(subjects=subject).order_by("-opened_at", "-pk")
