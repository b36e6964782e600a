"""附件2 (处理结果表) and 附件3 (违规行为表) of a region (统筹区, with its sub-regions) for a period.

Pure reads: every figure is one aggregate query (counts of distinct subjects grouped by kind, sums of
money), never a loop over cases. The result is a JSON-ready dict (counts as ints, money as strings with
two decimals; None where the system has no data for a cell, shown as "—"), frozen as is in the
issued documents.

What each cell counts (a case belongs to the region of its owning agency; cases of other regions are
never counted; the period is inclusive and applies to the date each outcome was decided or recorded):

附件2, institutions and pharmacies (家 = distinct subjects)
  约谈期限整改 / 通报批评   协议处理 actions decided in the period whose current measures include 约谈 or
                           限期整改 / 通报批评.
  暂停医保服务             suspensions recorded in the period (both tracks) of the services or a department.
  解除定点协议             terminations of the service agreement recorded in the period (both tracks).
  列入医保黑名单           credit.selectors.blacklisted_subject_ids(region_ids, from, to) when the credit app
                           provides it; otherwise None ("—").
  行政处罚                 penalties decided in the period.
  移交司法机关             the subjects of cases referred to the police (涉嫌犯罪) with the referral sent in
                           the period, whatever the police decide later.
  追回医保基金             money actually paid in the period on fund-refund (退回医保基金) obligations: the
                           form asks what was recovered (追回), not what was ordered. 违约金 and fines are
                           not recoveries and are left out.
  为患者追回资金           money paid in the period on obligations to return money to patients.
  其他处理情形             agreement measures 拒付 or 违约金, suspensions of responsible persons, and referrals
                           to other agencies (纪委监委, 卫健, 市场监管) sent in the period.
  合计（不重复数）          each subject once, whatever the number of its outcomes; money: fund + patients.
  Header                   institutions / pharmacies registered in the region; checked: subjects of cases
                           opened in the period; on site: of those, cases with an on-site inspection record
                           (现场检查笔录). Inspections (双随机, 飞行检查) are a later module.
附件2, insured persons (人)
  约谈                     not recorded by the system for insured persons: None ("—").
  暂停医保卡结算           suspensions of direct settlement recorded in the period.
  行政处罚 / 移交司法机关   as above.
  其他处理形式             credit points recorded in the period, blacklisting, referrals to other agencies.
  追回骗取医保基金         money paid in the period on fund-refund obligations of insured persons.
附件3
  violations (违规例数 = findings, one per recorded violation) of cases whose findings were submitted in the
  period (withdrawn cases excluded), by taxonomy item: 追回金额 = the amount found improper, 其中医保基金 = its
  fund part. The ledgers are kept per subject, not per item, so payments cannot be attributed to an item.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from agreements.models import AgreementMeasure
from casework.models import Case, CreditPoint, Evidence, Subject, Suspension, Violation, ViolationItem
from ledgers.models import Ledger, Payment
from organisation.models import Agency, Region
from penalties.models import Penalty
from referrals.models import Referral
from stats import liyang

PROVIDER_KINDS = (Subject.Kind.INSTITUTION.value, Subject.Kind.PHARMACY.value)
INSURED = Subject.Kind.INSURED.value
CENT = Decimal("0.01")
WAN = Decimal(10000)
ZERO = Decimal("0.00")

Measure = AgreementMeasure.Kind


def yuan(value) -> str:
    return str(Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP))


def wan(value) -> str:
    """Yuan to 万元 with two decimals, as the form asks."""
    return str((Decimal(value or 0) / WAN).quantize(CENT, rounding=ROUND_HALF_UP))


class Scope:
    """The region (with its sub-regions), its agencies and the period as aware datetimes."""

    def __init__(self, region: Region, date_from: datetime.date, date_to: datetime.date):
        self.region = region
        self.date_from = date_from
        self.date_to = date_to
        self.region_ids = sorted(region.descendant_ids())
        self.agency_ids = list(Agency.objects.filter(region_id__in=self.region_ids).values_list("pk", flat=True))
        self.start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))
        day_after = date_to + datetime.timedelta(days=1)
        self.end = timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))

    def moment(self, field: str) -> Q:
        """A datetime field within the period."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    def day(self, field: str) -> Q:
        """A date field within the period."""
        return Q(**{f"{field}__gte": self.date_from, f"{field}__lte": self.date_to})

    def cases(self, path: str = "case") -> Q:
        """Records of cases owned by an agency of the region."""
        return self.agencies(f"{path}__agency")

    def agencies(self, path: str) -> Q:
        """Records whose agency (at path) is of the region; no condition at all for a root region (a
        province without a parent holds every agency)."""
        if self.region.parent_id is None:
            return Q()
        return Q(**{f"{path}_id__in": self.agency_ids})

    def header(self) -> dict:
        return {
            "region": {"code": self.region.code, "name": self.region.name},
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
        }


# A part of a row: a queryset and the path of its subject id, e.g. (Penalty.objects.filter(...), "subject_id").
Part = tuple[QuerySet, str]


def distinct_subjects(parts: dict[str, list[Part]], combos: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """{key: {kind: distinct subjects}} for each key of parts and each combination of keys, in one query.

    The parts are evaluated once (a common table expression) and counted per key and per combination,
    so a subject with several outcomes counts once in a combination (不重复数).
    """
    selects, params = [], []
    for key, key_parts in parts.items():
        for queryset, path in key_parts:
            try:
                sql, part_params = (
                    queryset.order_by().annotate(stats_sid=F(path)).values_list("stats_sid").query.sql_with_params()
                )
            except EmptyResultSet:  # e.g. pk__in an empty set: the part adds nobody
                continue
            selects.append(f"SELECT '{key}' AS k, q.stats_sid AS sid FROM ({sql}) q")
            params.extend(part_params)
    if not selects:
        return {}
    table = connection.ops.quote_name(Subject._meta.db_table)
    # Each (key, subject) once, with the subject's kind; then counts per key and per combination.
    tagged = f"SELECT DISTINCT p.k, p.sid, s.kind FROM parts p JOIN {table} s ON s.id = p.sid"
    queries = ["SELECT k, kind, COUNT(*) FROM tagged GROUP BY k, kind"]
    for name, keys in combos.items():
        listed = ", ".join(f"'{key}'" for key in keys)
        queries.append(
            f"SELECT '{name}', kind, COUNT(*) FROM (SELECT DISTINCT sid, kind FROM tagged WHERE k IN ({listed})) d"
            " GROUP BY kind"
        )
    sql = f"WITH parts AS ({' UNION ALL '.join(selects)}), tagged AS ({tagged}) " + " UNION ALL ".join(queries)
    result: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, kind, count in cursor.fetchall():
            result.setdefault(key, {})[kind] = count
    return result


def _case_subjects():
    return Case.subjects.through.objects


class _Outcomes:
    """The querysets of each outcome of the region and period (not evaluated until counted)."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def measures(self, *kinds) -> Part:
        s = self.scope
        # The action's agency is the handling agency of the case's region (agreements.services).
        queryset = AgreementMeasure.objects.filter(
            s.agencies("action__agency"), s.day("action__decided_on"), kind__in=kinds, withdrawn_at__isnull=True
        )
        return queryset, "action__subject_id"

    def suspensions(self, *scopes) -> Part:
        s = self.scope
        return Suspension.objects.filter(s.cases(), s.moment("created_at"), scope__in=scopes), "subject_id"

    def penalties(self) -> Part:
        s = self.scope
        return Penalty.objects.filter(s.cases(), s.day("decided_on")), "subject_id"

    def referred(self, *, criminal: bool) -> Part:
        s = self.scope
        kind = Q(kind=Referral.Kind.CRIMINAL)
        # The sending agency is the case's own.
        sent = Referral.objects.filter(s.agencies("agency"), s.moment("sent_at")).filter(kind if criminal else ~kind)
        return _case_subjects().filter(case_id__in=sent.values("case_id")), "subject_id"

    def credit_points(self) -> Part:
        s = self.scope
        return CreditPoint.objects.filter(s.cases(), s.moment("recorded_at")), "subject_id"

    def payments(self, ledger: str) -> QuerySet:
        s = self.scope
        return Payment.objects.filter(s.cases("obligation__case"), s.day("paid_on"), obligation__ledger=ledger)

    def paid(self, ledger: str) -> Part:
        return self.payments(ledger), "obligation__subject_id"

    def paid_by_kind(self, ledger: str) -> dict[str, Decimal]:
        rows = self.payments(ledger).order_by().values_list("obligation__subject__kind").annotate(total=Sum("amount"))
        return {kind: total or ZERO for kind, total in rows}

    def blacklisted(self) -> Part | None:
        """Blacklisted subjects, from the credit app when it provides the selector; None otherwise."""
        try:
            from credit.selectors import blacklisted_subject_ids
        except ImportError:
            return None
        s = self.scope
        ids = blacklisted_subject_ids(s.region_ids, s.date_from, s.date_to)
        return Subject.objects.filter(pk__in=ids), "pk"

    def checked(self, *, on_site: bool) -> Part:
        s = self.scope
        cases = Case.objects.filter(s.moment("opened_at"), agency_id__in=s.agency_ids)
        if on_site:
            inspected = Evidence.objects.filter(case=OuterRef("pk"), kind=Evidence.Kind.INSPECTION_RECORD)
            cases = cases.filter(Exists(inspected))
        return _case_subjects().filter(case_id__in=cases.values("pk")), "subject_id"


def results_table(region: Region, date_from: datetime.date, date_to: datetime.date) -> dict:
    """附件2 of the region (and its sub-regions) for the period; see the module docstring for each cell."""
    scope = Scope(region, date_from, date_to)
    o = _Outcomes(scope)
    blacklisted = o.blacklisted()
    # Every outcome once, by key; "other" and the money rows serve both sections (split by kind).
    parts: dict[str, list[Part]] = {
        "interview_rectification": [o.measures(Measure.INTERVIEW, Measure.RECTIFICATION)],
        "criticism": [o.measures(Measure.CRITICISM)],
        "suspension": [o.suspensions(Suspension.Scope.SERVICES, Suspension.Scope.DEPARTMENT)],
        "termination": [o.suspensions(Suspension.Scope.TERMINATED)],
        "blacklist": [blacklisted] if blacklisted else [],
        "penalty": [o.penalties()],
        "judicial": [o.referred(criminal=True)],
        "fund_recovered": [o.paid(Ledger.FUND_REFUND)],
        "patient_recovered": [o.paid(Ledger.PATIENT_REFUND)],
        "other": [
            o.measures(Measure.REFUSAL, Measure.LIQUIDATED_DAMAGES),
            o.suspensions(Suspension.Scope.PERSONS),
            o.referred(criminal=False),
            o.credit_points(),
        ],
        "settlement_suspended": [o.suspensions(Suspension.Scope.DIRECT_SETTLEMENT)],
        "checked": [o.checked(on_site=False)],
        "checked_on_site": [o.checked(on_site=True)],
    }
    provider_keys = [key for key, _, _ in liyang.PROVIDER_ROWS]
    insured_keys = ["settlement_suspended", "penalty", "judicial", "other", "blacklist", "fund_recovered"]
    counts = distinct_subjects(
        parts,
        {"providers_total": provider_keys, "insured_total": insured_keys, "insured_other": ["other", "blacklist"]},
    )

    def count(key: str, kind: str) -> int:
        return counts.get(key, {}).get(kind, 0)

    fund = o.paid_by_kind(Ledger.FUND_REFUND)
    patients = o.paid_by_kind(Ledger.PATIENT_REFUND)

    rows = []
    for number, (key, label, unit) in enumerate(liyang.PROVIDER_ROWS, start=1):
        row = {"number": number, "key": key, "label": label, "unit": unit}
        for kind in PROVIDER_KINDS:
            if key == "fund_recovered":
                row[kind] = wan(fund.get(kind))
            elif key == "patient_recovered":
                row[kind] = wan(patients.get(kind))
            elif key == "blacklist" and blacklisted is None:
                row[kind] = None
            else:
                row[kind] = count(key, kind)
        rows.append(row)

    totals = {
        kind: {
            "subjects": count("providers_total", kind),
            "money": wan((fund.get(kind) or 0) + (patients.get(kind) or 0)),
        }
        for kind in PROVIDER_KINDS
    }
    registered = dict(
        Subject.objects.filter(region_id__in=scope.region_ids, kind__in=PROVIDER_KINDS)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    fund_total = sum((fund.get(kind) or ZERO for kind in PROVIDER_KINDS), ZERO)
    patients_total = sum((patients.get(kind) or ZERO for kind in PROVIDER_KINDS), ZERO)

    insured_rows = []
    for number, (key, label, unit) in enumerate(liyang.INSURED_ROWS, start=1):
        if key == "interview":
            value = None  # 约谈 of insured persons is not recorded by the system.
        elif key == "fund_recovered":
            value = wan(fund.get(INSURED))
        elif key == "other":
            value = count("insured_other", INSURED)
        else:
            value = count(key, INSURED)
        insured_rows.append({"number": number, "key": key, "label": label, "unit": unit, "value": value})
    insured_total = {"persons": count("insured_total", INSURED), "money": wan(fund.get(INSURED))}

    return {
        **scope.header(),
        "title": liyang.RESULTS_TITLE,
        "annex": liyang.RESULTS_ANNEX,
        "providers": {
            "section": liyang.PROVIDER_SECTION,
            "overview": {
                kind: {
                    "registered": registered.get(kind, 0),
                    "checked": count("checked", kind),
                    "checked_on_site": count("checked_on_site", kind),
                }
                for kind in PROVIDER_KINDS
            },
            "money": {
                "total": wan(fund_total + patients_total),
                "fund": wan(fund_total),
                "personal": wan(patients_total),
            },
            "rows": rows,
            "total": totals,
        },
        "insured": {"section": liyang.INSURED_SECTION, "rows": insured_rows, "total": insured_total},
    }


def violations_table(region: Region, date_from: datetime.date, date_to: datetime.date) -> dict:
    """附件3 of the region (and its sub-regions) for the period: findings by taxonomy item."""
    scope = Scope(region, date_from, date_to)
    found = (
        Violation.objects.filter(scope.cases(), scope.moment("case__investigation__findings_done_at"))
        .exclude(case__status=Case.Status.WITHDRAWN)
        .order_by()
        .values_list("item__subject_kind", "item__number")
        .annotate(n=Count("pk"), amount=Sum("amount"), fund=Sum("fund_loss"))
    )
    figures = {(kind, number): (n, amount, fund_loss) for kind, number, n, amount, fund_loss in found}
    items = ViolationItem.objects.values_list("subject_kind", "number", "name")
    item_names = {(kind, number): name for kind, number, name in items}
    sections = []
    for kind, title, labels in liyang.VIOLATION_SECTIONS:
        numbers = sorted(set(labels) | {number for k, number in item_names if k == kind})
        rows, total_n, total_amount, total_fund = [], 0, ZERO, ZERO
        for number in numbers:
            n, amount, fund_loss = figures.get((kind, number), (0, ZERO, ZERO))
            label = labels.get(number) or item_names.get((kind, number), "")
            rows.append({"number": number, "label": label, "cases": n, "amount": yuan(amount), "fund": yuan(fund_loss)})
            total_n += n
            total_amount += amount or ZERO
            total_fund += fund_loss or ZERO
        sections.append(
            {
                "kind": kind,
                "title": title,
                "rows": rows,
                "total": {"cases": total_n, "amount": yuan(total_amount), "fund": yuan(total_fund)},
            }
        )
    return {**scope.header(), "title": liyang.VIOLATIONS_TITLE, "annex": liyang.VIOLATIONS_ANNEX, "sections": sections}
