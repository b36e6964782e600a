"""Demo credit records of one city (domain.md §10), built through credit.services.

Insured persons: one at 15 points this year (blacklisted, with measures), one at 10 points last year and
10 this year (blacklisted for two periods), one at 6 points (not listed), and the permanent list from the
judgments on the city's referrals (or, without one, a conviction recorded by hand as in the Lianyungang seed).
Practitioners: one at 9 points this year (payment qualification suspended) and one given 12 points in one
case (terminated, re-registration barred 3 years). Points are CreditPoint rows on the city's demo cases, as an
outcome decision records them. Idempotent: a city with credit records is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from casework.models import Case, CreditPoint, Subject
from credit import services
from credit.models import Blacklisting, Measure, PractitionerSanction
from organisation.models import Agency, Region, User
from organisation.roles import Role
from referrals.models import ReferralOutcome


def _in_year(today: datetime.date, days_back: int) -> datetime.date:
    """days_back days ago, but not before 1 January of today's year."""
    return max(today - datetime.timedelta(days=days_back), datetime.date(today.year, 1, 1))


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30)))


class _Scorer:
    def __init__(self, bureau: Agency, head: User):
        self.bureau, self.head = bureau, head
        self.cases = list(Case.objects.filter(agency=bureau).prefetch_related("subjects").order_by("opened_at", "pk"))
        self.next = 0

    def case_for(self, subject: Subject, day: datetime.date) -> Case:
        own = [c for c in self.cases if timezone.localdate(c.opened_at) <= day and subject in c.subjects.all()]
        if own:
            return own[-1]
        earlier = [c for c in self.cases if timezone.localdate(c.opened_at) <= day] or self.cases
        self.next += 1
        return earlier[self.next % len(earlier)]

    def score(self, subject: Subject, points: int, day: datetime.date, reason: str) -> None:
        CreditPoint.objects.create(
            case=self.case_for(subject, day),
            subject=subject,
            points=points,
            reason=reason,
            recorded_at=_at(day),
            recorded_by=self.head,
        )


def seed_credit(*, region: Region, today: datetime.date) -> None:
    """Build the city's demo credit records (see the module docstring)."""
    bureau = Agency.objects.filter(region=region, kind=Agency.Kind.BUREAU).first()
    head = User.objects.filter(agency=bureau, groups__role_group__role=Role.SECTION_HEAD).order_by("pk").first()
    if bureau is None or head is None or not Case.objects.filter(agency=bureau).exists():
        return
    region_ids = region.descendant_ids()
    if (
        Blacklisting.objects.in_regions(region_ids).exists()
        or PractitionerSanction.objects.in_regions(region_ids).exists()
    ):
        return
    scorer = _Scorer(bureau, head)
    with transaction.atomic():
        _permanent_list(bureau, head, region_ids, today)
        listed_insured = set(Blacklisting.objects.in_regions(region_ids).values_list("subject_id", flat=True))
        insured = list(
            Subject.objects.in_regions(region_ids)
            .of_kind(Subject.Kind.INSURED)
            .exclude(pk__in=listed_insured)
            .order_by("code")[:3]
        )
        doctors = list(Subject.objects.in_regions(region_ids).of_kind(Subject.Kind.PRACTITIONER).order_by("code")[:2])
        if len(insured) == 3:
            _insured(scorer, insured, today, head)
        if len(doctors) == 2:
            _practitioners(scorer, doctors, today)


def _permanent_list(bureau: Agency, head: User, region_ids, today: datetime.date) -> None:
    judgments = ReferralOutcome.objects.filter(
        kind=ReferralOutcome.Kind.JUDGMENT, referral__case__agency=bureau
    ).select_related("referral")
    for outcome in judgments:
        services.on_referral_outcome(outcome)
    if Blacklisting.objects.in_regions(region_ids).filter(permanent=True).exists():
        return
    person = Subject.objects.in_regions(region_ids).of_kind(Subject.Kind.INSURED).order_by("-code").first()
    if person is None:
        return
    services.conviction_record(
        subject=person,
        decided_on=today - datetime.timedelta(days=150),
        basis="人民法院刑事判决：篡改受伤原因骗取医保报销，以诈骗罪判处有期徒刑六个月，缓刑一年，并处罚金二万元",
        by=head,
    )


def _insured(scorer: _Scorer, people: list[Subject], today: datetime.date, head: User) -> None:
    fifteen, two_periods, six = people
    scorer.score(fifteen, 9, _in_year(today, 95), "冒用他人社保卡就医结算")
    scorer.score(fifteen, 6, _in_year(today, 35), "恶意超量重复配购药品")
    scorer.score(two_periods, 10, datetime.date(today.year - 1, 9, 15), "转借社保卡供他人就医")
    scorer.score(two_periods, 10, _in_year(today, 50), "与定点药店串通空刷社保卡")
    scorer.score(six, 6, _in_year(today, 20), "恶意超量配购药品")
    for person in people:
        services.credit_evaluate(person, today)
    listing = Blacklisting.objects.filter(subject=fifteen).first()
    if listing is None:
        return
    for kind, offset in (
        (Measure.Kind.RESTRICTED_PROVIDERS, 0),
        (Measure.Kind.PAY_FIRST, 0),
        (Measure.Kind.PUBLICATION, 3),
        (Measure.Kind.CREDIT_SHARING, 3),
    ):
        starts_on = min(listing.listed_on + datetime.timedelta(days=offset), today)
        services.measure_record(
            subject=fifteen,
            kind=kind,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=364) if kind != Measure.Kind.PUBLICATION else None,
            note="依据《连云港市医疗保险参保人员信用评价管理暂行办法》" if kind == Measure.Kind.PUBLICATION else "",
            by=head,
        )


def _practitioners(scorer: _Scorer, doctors: list[Subject], today: datetime.date) -> None:
    suspended, terminated = doctors
    scorer.score(suspended, 6, _in_year(today, 40), "为参保人虚开检查项目")
    scorer.score(suspended, 3, _in_year(today, 10), "超量开具药品")
    scorer.score(terminated, 12, _in_year(today, 70), "伪造病历协助骗取医保基金")
    for doctor in doctors:
        services.credit_evaluate(doctor, today)
