"""Pharmacy credit evaluation: record deductions, repair them (信用修复), grade, flag three poor years.

Every write locks all evaluation rows of the pharmacy (few: one a year), so the score, the grade and
the poor-years flag, which depends on neighbouring years, are recomputed from a consistent state.
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Case, Subject
from casework.penalty_rules import add_months
from organisation.models import Region, User
from ratings.models import Deduction, Evaluation, GradeBand, Indicator, RatingScheme
from ratings.rules import DEFAULT_POOR_YEARS_FOR_TERMINATION, TOTAL_POINTS, Band, default_bands, grade_for

# Evaluations start with the scheme's first years in use; earlier years are refused as typing errors.
FIRST_YEAR = 2000


def scheme_for(region: Region) -> tuple[list[Band], int]:
    """The grade bands and the run of poor years that ends the agreement, for pharmacies of region: the
    region's own scheme, else the nearest one above, else the defaults."""
    for node in region.ancestors_and_self():
        scheme = RatingScheme.objects.filter(region=node).first()
        if scheme is not None:
            bands = [
                Band(b.grade, b.min_score, b.poor, b.inspection_frequency, b.consequence)
                for b in GradeBand.objects.filter(scheme=scheme)
            ]
            if bands:
                return bands, scheme.poor_years_for_termination
    return default_bands(), DEFAULT_POOR_YEARS_FOR_TERMINATION


def check_year(year: int, *, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        raise InvalidInput(errors={"year": [_("Choose an evaluation year up to the current one.")]})
    return year


def _check_pharmacy(subject: Subject) -> None:
    if subject.kind != Subject.Kind.PHARMACY:
        raise InvalidInput(errors={"subject": [_("Only designated retail pharmacies are rated.")]})


def _lock(subject: Subject) -> dict[int, Evaluation]:
    """Lock every evaluation row of the pharmacy; return them by year."""
    rows = Evaluation.objects.select_for_update().filter(subject=subject).order_by("year")
    return {evaluation.year: evaluation for evaluation in rows}


def evaluation_ensure(*, subject: Subject, year: int, today: datetime.date | None = None) -> Evaluation:
    """The pharmacy's evaluation of year, created at 1,000 points when missing."""
    _check_pharmacy(subject)
    check_year(year, today=today)
    bands, _years = scheme_for(subject.region)
    band = grade_for(TOTAL_POINTS, bands)
    Evaluation.objects.bulk_create(
        [Evaluation(subject=subject, year=year, score=TOTAL_POINTS, grade=band.grade, poor=band.poor)],
        ignore_conflicts=True,
    )
    return Evaluation.objects.get(subject=subject, year=year)


def _standing_points(evaluation: Evaluation, indicator: Indicator | None = None) -> int:
    deductions = Deduction.objects.filter(evaluation=evaluation).standing()
    if indicator is not None:
        deductions = deductions.filter(indicator=indicator)
    return deductions.aggregate(total=Sum("points"))["total"] or 0


def _regrade(subject: Subject, evaluations: dict[int, Evaluation], scheme: tuple[list[Band], int]) -> None:
    """Recompute score and grade of each locked evaluation, then the poor-years flags."""
    bands, poor_run = scheme
    now = timezone.now()
    for evaluation in evaluations.values():
        evaluation.score = max(0, TOTAL_POINTS - _standing_points(evaluation))
        band = grade_for(evaluation.score, bands)
        evaluation.grade, evaluation.poor = band.grade, band.poor
    for year, evaluation in evaluations.items():
        run = [year - back for back in range(poor_run - 1, -1, -1)]
        due = all(evaluations.get(y) is not None and evaluations[y].poor for y in run)
        evaluation.termination_due, evaluation.poor_years = due, run if due else []
        evaluation.updated_at = now
    Evaluation.objects.bulk_update(
        list(evaluations.values()), ["score", "grade", "poor", "termination_due", "poor_years", "updated_at"]
    )


def deduction_record(
    *,
    subject: Subject,
    year: int,
    indicator: Indicator,
    points: int,
    reason: str,
    occurred_on: datetime.date,
    by: User,
    case: Case | None = None,
    today: datetime.date | None = None,
) -> Deduction:
    """Deduct points from the pharmacy's evaluation of year under one indicator.

    Refuses more than the indicator's maximum (counting the year's unrepaired deductions under it), a date
    outside the year or in the future, an inactive indicator and a case that does not concern the pharmacy.
    Locks the pharmacy's evaluation rows.
    """
    today = today or timezone.localdate()
    _check_pharmacy(subject)
    check_year(year, today=today)
    errors: dict[str, list] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the deduction.")]
    if not indicator.active:
        errors["indicator"] = [_("This indicator is no longer in use.")]
    if not isinstance(points, int) or points < 1:
        errors["points"] = [_("Deduct at least one point.")]
    if occurred_on.year != year or occurred_on > today:
        errors["occurred_on"] = [_("The date must fall within the evaluation year and not after today.")]
    if case is not None and not case.subjects.filter(pk=subject.pk).exists():
        errors["case"] = [_("This case does not concern the pharmacy.")]
    if errors:
        raise InvalidInput(errors=errors)
    scheme = scheme_for(subject.region)
    with transaction.atomic():
        evaluation_ensure(subject=subject, year=year, today=today)
        evaluations = _lock(subject)
        evaluation = evaluations[year]
        left = indicator.max_deduction - _standing_points(evaluation, indicator)
        if points > left:
            raise InvalidInput(
                errors={
                    "points": [
                        _(
                            "At most %(left)d more points can be deducted under this indicator this year "
                            "(maximum %(maximum)d)."
                        )
                        % {"left": max(left, 0), "maximum": indicator.max_deduction}
                    ]
                }
            )
        deduction = Deduction.objects.create(
            evaluation=evaluation,
            indicator=indicator,
            points=points,
            reason=reason,
            occurred_on=occurred_on,
            case=case,
            repair_due=add_months(occurred_on, indicator.repair_months) if indicator.repairable else None,
            recorded_by=by,
        )
        _regrade(subject, evaluations, scheme)
    return deduction


def deduction_repair(
    *, deduction: Deduction, repaired_on: datetime.date, reason: str, by: User, today: datetime.date | None = None
) -> Deduction:
    """信用修复: restore a repairable deduction's points, dated within its repair period.

    Refuses a non-repairable deduction, a date before the deduction, after today or after the period
    (the message shows the last day). Locks the pharmacy's evaluation rows; a second repair gets AlreadyDecided.
    """
    today = today or timezone.localdate()
    subject = deduction.evaluation.subject
    reason = (reason or "").strip()
    if deduction.repair_due is None:
        message = _("This indicator cannot be repaired.")
        raise InvalidInput(message, errors={"repaired_on": [message]})
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [_("Describe the rectification and its evidence.")]
    if repaired_on > today:
        errors["repaired_on"] = [_("The repair date cannot be in the future.")]
    elif repaired_on < deduction.occurred_on:
        errors["repaired_on"] = [
            _("The repair cannot be dated before the deduction (%(day)s).")
            % {"day": date_format(deduction.occurred_on, "Y-m-d")}
        ]
    elif repaired_on > deduction.repair_due:
        errors["repaired_on"] = [
            _("The repair period ended on %(day)s.") % {"day": date_format(deduction.repair_due, "Y-m-d")}
        ]
    if errors:
        raise InvalidInput(errors=errors)
    scheme = scheme_for(subject.region)
    with transaction.atomic():
        evaluations = _lock(subject)
        deduction = Deduction.objects.select_related("evaluation").get(pk=deduction.pk)
        if deduction.repaired:
            raise AlreadyDecided(_("This deduction has already been repaired."))
        deduction.repaired_on, deduction.repair_reason = repaired_on, reason
        deduction.repaired_by, deduction.repaired_at = by, timezone.now()
        deduction.save(update_fields=["repaired_on", "repair_reason", "repaired_by", "repaired_at"])
        _regrade(subject, evaluations, scheme)
    return deduction


def evaluations_regrade(*, region: Region) -> int:
    """Regrade the evaluations of the pharmacies of region and below (after its bands changed)."""
    subjects = (
        Subject.objects.filter(
            kind=Subject.Kind.PHARMACY, region_id__in=region.descendant_ids(), rating_evaluations__isnull=False
        )
        .select_related("region")
        .distinct()
    )
    schemes: dict[int, tuple[list[Band], int]] = {}
    count = 0
    for subject in subjects:
        if subject.region_id not in schemes:
            schemes[subject.region_id] = scheme_for(subject.region)
        with transaction.atomic():
            evaluations = _lock(subject)
            _regrade(subject, evaluations, schemes[subject.region_id])
        count += len(evaluations)
    return count
