"""Credit rules applied (domain.md §10), and what the bureau does with the results.

credit_evaluate() derives listings and sanctions from the points (casework.CreditPoint), the refund
obligations (ledgers) and the judgments reported on referrals. It is idempotent: every listing and
sanction is keyed by its cause, so running it again, or after a removal, changes nothing. The other
apps call it through three hooks:
- on_credit_points_recorded(case) — after an outcome decision records points (workflows.outcome);
- on_referral_outcome(outcome) — after a receiving agency reports an outcome (referrals.services);
- daily_run(today) — the scheduled run, for fund losses not refunded by their due date (workflows.reminders).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import AlreadyDecided, InvalidInput
from casework.models import Case, CreditPoint, Subject
from casework.penalty_rules import add_months
from casework.suspensions import suspension_end
from credit import rules
from credit.access import may_manage
from credit.models import Blacklisting, Measure, PractitionerSanction
from ledgers.models import Ledger, Obligation
from organisation.models import User

Reason = Blacklisting.Reason


@dataclass
class Evaluation:
    """What one evaluation changed: listings made, sanctions made or lengthened."""

    listed: list[Blacklisting] = field(default_factory=list)
    sanctions: list[PractitionerSanction] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.listed or self.sanctions)


def entry_day(point: CreditPoint) -> datetime.date:
    return timezone.localdate(point.recorded_at)


def _points_until(subject: Subject, today: datetime.date) -> list[CreditPoint]:
    """The subject's points recorded on or before today, oldest first."""
    end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))
    return list(
        CreditPoint.objects.filter(subject=subject, recorded_at__lt=end)
        .select_related("case")
        .order_by("recorded_at", "pk")
    )


def _crossing(points: list[CreditPoint], threshold: int) -> tuple[CreditPoint, int] | None:
    """The entry that brought the running total to threshold, and the total then."""
    total = 0
    for point in points:
        total += point.points
        if total >= threshold:
            return point, total
    return None


def credit_evaluate(subject: Subject, today: datetime.date | None = None) -> Evaluation:
    """Apply the rules of the subject's region to its record as of today; return what changed.

    Locks the subject row, so two evaluations of one subject run one after the other.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        subject = Subject.objects.select_for_update().select_related("region").get(pk=subject.pk)
        if subject.kind == Subject.Kind.INSURED:
            return _evaluate_insured(subject, today)
        if subject.kind == Subject.Kind.PRACTITIONER:
            return _evaluate_practitioner(subject, today)
    return Evaluation()


def _evaluate_insured(subject: Subject, today: datetime.date) -> Evaluation:
    rule = rules.rule_for(subject.region, rules.INSURED)
    result = Evaluation()
    by_period: dict[rules.Period, list[CreditPoint]] = defaultdict(list)
    for point in _points_until(subject, today):
        by_period[rules.period_of(entry_day(point), rule.period_months)].append(point)
    totals = {period.start: sum(p.points for p in points) for period, points in by_period.items()}
    listed_periods = set(
        Blacklisting.objects.filter(subject=subject, period_start__isnull=False).values_list("period_start", flat=True)
    )
    for period in sorted(by_period, key=lambda p: p.start):
        if period.start in listed_periods:
            continue
        if totals[period.start] >= rule.one_period_points:
            reason, threshold = Reason.POINTS_ONE_PERIOD, rule.one_period_points
        elif min(totals[period.start], totals.get(period.previous().start, 0)) >= rule.two_periods_points:
            reason, threshold = Reason.POINTS_TWO_PERIODS, rule.two_periods_points
        else:
            continue
        point, total = _crossing(by_period[period], threshold)
        result.listed.append(
            Blacklisting.objects.create(
                subject=subject,
                reason=reason,
                listed_on=entry_day(point),
                period_start=period.start,
                points=total,
                case=point.case,
                basis=rule.basis,
            )
        )
    result.listed.extend(_list_unrefunded(subject, today, rule))
    result.listed.extend(_list_convictions(subject, today, rule))
    return result


def _list_unrefunded(subject: Subject, today: datetime.date, rule: rules.InsuredRules) -> list[Blacklisting]:
    listed = Blacklisting.objects.filter(subject=subject, obligation=OuterRef("pk"))
    overdue = (
        Obligation.objects.filter(subject=subject, ledger=Ledger.FUND_REFUND)
        .overdue(today)
        .filter(~Exists(listed))
        .order_by("due_on", "pk")
    )
    return [
        Blacklisting.objects.create(
            subject=subject,
            reason=Reason.UNREFUNDED_LOSS,
            listed_on=obligation.due_on + datetime.timedelta(days=1),
            obligation=obligation,
            case_id=obligation.case_id,
            basis=rule.basis,
        )
        for obligation in overdue
    ]


def _list_convictions(subject: Subject, today: datetime.date, rule: rules.InsuredRules) -> list[Blacklisting]:
    """A judgment reported on a referral of a case of the subject's is a conviction: the permanent list."""
    from referrals.models import ReferralOutcome

    listed = Blacklisting.objects.filter(subject=subject, referral_outcome=OuterRef("pk"))
    judgments = (
        ReferralOutcome.objects.filter(
            kind=ReferralOutcome.Kind.JUDGMENT, referral__case__subjects=subject, decided_on__lte=today
        )
        .filter(~Exists(listed))
        .select_related("referral")
        .order_by("decided_on", "pk")
    )
    return [
        Blacklisting.objects.create(
            subject=subject,
            reason=Reason.CONVICTION,
            permanent=True,
            listed_on=judgment.decided_on,
            referral_outcome=judgment,
            case_id=judgment.referral.case_id,
            basis=rule.basis,
        )
        for judgment in judgments
    ]


def _evaluate_practitioner(subject: Subject, today: datetime.date) -> Evaluation:
    rule = rules.rule_for(subject.region, rules.PRACTITIONER)
    result = Evaluation()
    by_year: dict[int, list[CreditPoint]] = defaultdict(list)
    for point in _points_until(subject, today):
        by_year[entry_day(point).year].append(point)
    existing = {(s.year, s.kind): s for s in PractitionerSanction.objects.filter(subject=subject)}
    for year, points in sorted(by_year.items()):
        terminated = _crossing(points, rule.terminate_at)
        before = points[: points.index(terminated[0])] if terminated else points
        suspended = _crossing(before, rule.suspend_at)
        if suspended:
            total = sum(p.points for p in before)
            changed = _suspend(subject, year, suspended[0], total, rule, existing.get((year, "suspension")))
            if changed:
                result.sanctions.append(changed)
        if terminated and (year, "termination") not in existing:
            result.sanctions.append(_terminate(subject, year, points, terminated[0], rule))
    return result


def _suspend(subject, year, point, total, rule, existing) -> PractitionerSanction | None:
    """Suspend from the day the year's points reached the threshold; lengthen it when more points follow."""
    months = rule.months_for(total)
    if existing is None:
        starts_on = entry_day(point)
        return PractitionerSanction.objects.create(
            subject=subject,
            kind=PractitionerSanction.Kind.SUSPENSION,
            year=year,
            points=total,
            case=point.case,
            starts_on=starts_on,
            ends_on=suspension_end(starts_on, months),
            basis=rule.basis,
        )
    if total <= existing.points:
        return None
    existing.points, existing.ends_on = total, suspension_end(existing.starts_on, months)
    existing.save(update_fields=["points", "ends_on"])
    return existing


def _terminate(subject, year, points, point, rule) -> PractitionerSanction:
    """Terminate from the day the year's points reached 12; the bar is longer when one case gave them all."""
    per_case: dict[int, int] = defaultdict(int)
    for entry in points:
        per_case[entry.case_id] += entry.points
    single_event = per_case[point.case_id] >= rule.terminate_at
    years = rule.rebar_single_event_years if single_event else rule.rebar_cumulative_years
    starts_on = entry_day(point)
    return PractitionerSanction.objects.create(
        subject=subject,
        kind=PractitionerSanction.Kind.TERMINATION,
        year=year,
        points=sum(p.points for p in points[: points.index(point) + 1]),
        case=point.case,
        starts_on=starts_on,
        single_event=single_event,
        reregistration_from=add_months(starts_on, 12 * years),
        basis=rule.basis,
    )


# Hooks for the other apps -------------------------------------------------------------------------


def on_credit_points_recorded(case: Case) -> Evaluation:
    """After an outcome decision recorded points in case: evaluate each subject scored. Call inside its transaction."""
    result = Evaluation()
    for subject in Subject.objects.filter(credit_points__case=case).distinct().order_by("pk"):
        changed = credit_evaluate(subject)
        result.listed += changed.listed
        result.sanctions += changed.sanctions
    return result


def on_referral_outcome(outcome) -> Evaluation:
    """After a receiving agency reported an outcome: a judgment puts the case's insured persons on the permanent
    list. Call inside the recording transaction."""
    from referrals.models import ReferralOutcome

    result = Evaluation()
    if outcome.kind != ReferralOutcome.Kind.JUDGMENT:
        return result
    insured = Subject.objects.filter(cases=outcome.referral.case_id, kind=Subject.Kind.INSURED).order_by("pk")
    for subject in insured:
        result.listed += credit_evaluate(subject, max(timezone.localdate(), outcome.decided_on)).listed
    return result


def daily_run(today: datetime.date | None = None) -> int:
    """The scheduled run: list insured persons whose fund refund fell overdue. Returns the number of listings."""
    today = today or timezone.localdate()
    listed = Blacklisting.objects.filter(obligation=OuterRef("pk"))
    subject_ids = (
        Obligation.objects.filter(ledger=Ledger.FUND_REFUND, subject__kind=Subject.Kind.INSURED)
        .overdue(today)
        .filter(~Exists(listed))
        .order_by()
        .values_list("subject_id", flat=True)
        .distinct()
    )
    count = 0
    for subject in Subject.objects.filter(pk__in=list(subject_ids)).order_by("pk"):
        count += len(credit_evaluate(subject, today).listed)
    return count


# Checks for the outcome form --------------------------------------------------------------------------


def check_points(subject: Subject, points: int, *, band: tuple[int, int] | None = None) -> None:
    """Refuse points one violation may not carry: a practitioner's lie in a band (1–3, 4–6, 7–9, 10–12), in
    `band` when the severity chose one; an insured person's up to the region's maximum."""
    if subject.kind == Subject.Kind.PRACTITIONER:
        rule = rules.rule_for(subject.region, rules.PRACTITIONER)
        found = rules.band_of(points, rule)
        bands = "、".join(f"{low}–{high}" for low, high in rule.bands)
        if found is None or (band is not None and found != tuple(band)):
            allowed = f"{band[0]}–{band[1]}" if band is not None and found is not None else bands
            raise InvalidInput(
                errors={
                    "credit": [
                        _("%(name)s: a practitioner's points for one violation lie in %(bands)s.")
                        % {"name": subject.name, "bands": allowed}
                    ]
                }
            )
        return
    maximum = rules.rule_for(subject.region, rules.INSURED).max_points_per_violation
    if subject.kind == Subject.Kind.INSURED and not 0 < points <= maximum:
        raise InvalidInput(
            errors={
                "credit": [
                    _("%(name)s: an insured person's points for one violation lie between 1 and %(max)d.")
                    % {"name": subject.name, "max": maximum}
                ]
            }
        )
    if points <= 0:
        raise InvalidInput(errors={"credit": [_("Credit points are a positive number.")]})


# What the bureau records ----------------------------------------------------------------------------


def removable_from(listing: Blacklisting) -> datetime.date | None:
    """The first day the listing may be lifted; None for the permanent list."""
    if listing.permanent:
        return None
    rule = rules.rule_for(listing.subject.region, rules.INSURED)
    return add_months(listing.listed_on, rule.listing_min_months)


def blacklisting_remove(
    *, blacklisting: Blacklisting, by: User, reason: str, today: datetime.date | None = None
) -> Blacklisting:
    """Lift a listing when its rule allows it (never the permanent list); open measures end the same day.

    Locks the listing row.
    """
    today = today or timezone.localdate()
    if not may_manage(by, blacklisting.subject):
        raise PermissionDenied
    if not (reason or "").strip():
        raise InvalidInput(errors={"reason": [_("Give the reason for lifting the listing.")]})
    with transaction.atomic(), acting(by):
        listing = Blacklisting.objects.select_for_update().select_related("subject__region").get(pk=blacklisting.pk)
        if listing.removed_on is not None:
            raise AlreadyDecided(_("This listing has already been lifted."))
        if listing.permanent:
            raise InvalidInput(_("The permanent list is never lifted."))
        earliest = removable_from(listing)
        if today < earliest:
            raise InvalidInput(_("This listing may be lifted from %(day)s.") % {"day": earliest.strftime("%Y-%m-%d")})
        if listing.obligation_id and Obligation.objects.filter(pk=listing.obligation_id).open().exists():
            raise InvalidInput(_("The fund loss has not been refunded yet."))
        listing.removed_on, listing.removal_reason, listing.removed_by = today, reason.strip(), by
        listing.save(update_fields=["removed_on", "removal_reason", "removed_by"])
        running = listing.measures.filter(starts_on__lte=today)
        running.filter(ends_on__isnull=True).update(ends_on=today)
        running.filter(ends_on__gt=today).update(ends_on=today)
    return listing


def conviction_record(
    *, subject: Subject, decided_on: datetime.date, basis: str, by: User, case: Case | None = None
) -> Blacklisting:
    """Put an insured person on the permanent list for a judgment known outside the system's referrals."""
    if not may_manage(by, subject):
        raise PermissionDenied
    errors = {}
    if subject.kind != Subject.Kind.INSURED:
        errors["subject"] = [_("Only insured persons are put on the blacklist.")]
    if decided_on is None or decided_on > timezone.localdate():
        errors["decided_on"] = [_("Give the date of the judgment; it cannot be in the future.")]
    if not (basis or "").strip():
        errors["basis"] = [_("Name the judgment.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        return Blacklisting.objects.create(
            subject=subject,
            reason=Reason.CONVICTION,
            permanent=True,
            listed_on=decided_on,
            case=case,
            basis=basis.strip(),
            created_by=by,
        )


def measure_record(
    *,
    subject: Subject,
    kind: str,
    starts_on: datetime.date | None,
    by: User,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> Measure:
    """Record a measure against a person on the blacklist, tied to the listing in force."""
    if not may_manage(by, subject):
        raise PermissionDenied
    errors = {}
    if kind not in Measure.Kind.values:
        errors["kind"] = [_("Choose the measure.")]
    if starts_on is None:
        errors["starts_on"] = [_("Give the first day of the measure.")]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The measure cannot end before it starts.")]
    listing = Blacklisting.objects.active().filter(subject=subject).order_by("-permanent", "-listed_on").first()
    if listing is None:
        errors["kind"] = [_("Measures apply to a person on the blacklist.")]
    elif starts_on is not None and starts_on < listing.listed_on:
        errors["starts_on"] = [_("A measure starts on or after the listing.")]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic(), acting(by):
        return Measure.objects.create(
            subject=subject,
            blacklisting=listing,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            note=(note or "").strip(),
            recorded_by=by,
        )
