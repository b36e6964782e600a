"""The dashboard's figures (issue 8): one named query per chart, each aggregated in the database.

Every query is scoped by the owning agency's region: a record counts when the agency that owns it
(the lead's, the case's, the sending bureau's, the imposing agency's, the paying bureau's) belongs to
one of scope.region_ids — the chosen region and the regions below it — and nothing else is read.
Each query returns a Table: rows of figures with the totals the page prints under the chart.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Case, Deadline, Lead
from casework.rules import DEADLINE_STEPS
from ledgers.models import DESTINATION_OF, Destination, Ledger, Payment
from organisation.models import Agency
from referrals.models import Referral, ReferralOutcome
from rewards.models import Reward

ZERO_YUAN = Decimal("0.00")

# The step of a lead's own deadline (15 working days to decide on 立案, Order 4), kept on the lead.
LEAD_DECISION_STEP = "case_decision"


@dataclass(frozen=True)
class DashboardScope:
    """What the dashboard shows: the owning agencies' regions and the period (local dates, inclusive)."""

    region_ids: frozenset[int]
    date_from: datetime.date
    date_to: datetime.date
    today: datetime.date

    @property
    def starts_at(self) -> datetime.datetime:
        return _day_start(self.date_from)

    @property
    def ends_before(self) -> datetime.datetime:
        return _day_start(self.date_to + datetime.timedelta(days=1))

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        months, month = [], self.date_from.replace(day=1)
        while month <= self.date_to:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


@dataclass
class Row:
    key: str
    label: str
    values: list

    @property
    def total(self):
        return sum(self.values)

    @property
    def cells(self) -> list[str]:
        return [cell(value) for value in self.values]


@dataclass
class Table:
    """Figures of one chart: a row per category, a column per series; totals per column and overall.

    sums_rows is False when the columns measure different things (a count and an amount), so a row
    has no total of its own.
    """

    row_heading: str
    columns: list[str]
    rows: list[Row]
    sums_rows: bool = True
    # Extra footer lines (label, values), e.g. money paid per destination account.
    footer: list[tuple[str, list]] = field(default_factory=list)

    @property
    def column_totals(self) -> list:
        return [sum(row.values[index] for row in self.rows) for index in range(len(self.columns))]

    @property
    def total(self):
        return sum(self.column_totals)

    @property
    def total_cells(self) -> list[str]:
        return [cell(value) for value in self.column_totals]

    @property
    def footer_cells(self) -> list[tuple[str, list[str]]]:
        return [(label, [cell(value) for value in values]) for label, values in self.footer]

    @property
    def is_empty(self) -> bool:
        return not any(any(row.values) for row in self.rows)


def leads_by_source_and_month(scope: DashboardScope) -> Table:
    """Leads received in the period, by month received (Asia/Shanghai) and source."""
    counts = (
        Lead.objects.filter(
            agency__region_id__in=scope.region_ids,
            received_at__gte=scope.starts_at,
            received_at__lt=scope.ends_before,
        )
        .annotate(month=TruncMonth("received_at"))
        .order_by()
        .values_list("month", "source_kind")
        .annotate(n=Count("pk"))
    )
    found = {(timezone.localtime(month).date(), source): n for month, source, n in counts}
    sources = Lead.SourceKind.choices
    rows = [
        Row(month.isoformat(), month_label(month), [found.get((month, code), 0) for code, _label in sources])
        for month in scope.months()
    ]
    return Table(_("Month received"), [str(label) for _code, label in sources], rows)


def cases_by_status(scope: DashboardScope) -> Table:
    """Cases opened in the period, by where they stand now."""
    counts = dict(
        Case.objects.filter(
            agency__region_id__in=scope.region_ids,
            opened_at__gte=scope.starts_at,
            opened_at__lt=scope.ends_before,
        )
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    rows = [Row(code, str(label), [counts.get(code, 0)]) for code, label in Case.Status.choices]
    return Table(_("Status"), [str(_("Cases"))], rows)


def overdue_deadlines_by_step(scope: DashboardScope) -> Table:
    """Deadlines that fell due in the period before today and are still open, by step.

    A lead's decision on 立案 is kept on the lead (pending past its deadline), the other steps on the case.
    """
    last_due = min(scope.date_to, scope.today - datetime.timedelta(days=1))
    counts = dict(
        Deadline.objects.open()
        .filter(case__agency__region_id__in=scope.region_ids, due__gte=scope.date_from, due__lte=last_due)
        .order_by()
        .values_list("step")
        .annotate(n=Count("pk"))
    )
    late_leads = (
        Lead.objects.pending()
        .filter(agency__region_id__in=scope.region_ids, deadline__gte=scope.date_from, deadline__lte=last_due)
        .count()
    )
    if late_leads:
        counts[LEAD_DECISION_STEP] = counts.get(LEAD_DECISION_STEP, 0) + late_leads
    known = [step for step in DEADLINE_STEPS if counts.get(step)]
    unknown = sorted(step for step in counts if step not in DEADLINE_STEPS)
    rows = [Row(step, str(DEADLINE_STEPS.get(step, step)), [counts[step]]) for step in known + unknown]
    return Table(_("Step"), [str(_("Overdue"))], rows)


def money_recovered_by_ledger(scope: DashboardScope) -> Table:
    """Payments received in the period, by ledger: number and amount, with totals per destination account.

    Ledgers are never added into one sum across destinations (条例 Art.45: refunds to the fund, fines to
    the treasury), so the footer gives one total per destination rather than a grand total.
    """
    paid = {
        ledger: (n, total)
        for ledger, n, total in Payment.objects.filter(
            obligation__agency__region_id__in=scope.region_ids,
            paid_on__gte=scope.date_from,
            paid_on__lte=scope.date_to,
        )
        .order_by()
        .values_list("obligation__ledger")
        .annotate(n=Count("pk"), total=Sum("amount"))
    }
    rows = [Row(code, str(label), list(paid.get(code, (0, ZERO_YUAN)))) for code, label in Ledger.choices]
    footer = []
    for destination, label in Destination.choices:
        in_it = [row for row in rows if DESTINATION_OF[row.key] == destination]
        footer.append(
            (
                str(_("Paid into: %(destination)s") % {"destination": label}),
                [sum(row.values[0] for row in in_it), sum((row.values[1] for row in in_it), ZERO_YUAN)],
            )
        )
    return Table(_("Ledger"), [str(_("Payments")), str(_("Amount paid (yuan)"))], rows, sums_rows=False, footer=footer)


# Where a referral stands when the receiving agency has reported no outcome yet, by its status.
REFERRAL_STANDING = {
    Referral.Status.AWAITING_RECEIPT: ("waiting", _("Awaiting the receiving agency")),
    Referral.Status.RECEIVED: ("waiting", _("Awaiting the receiving agency")),
    Referral.Status.ACCEPTED: ("accepted", _("Accepted, no outcome reported yet")),
    Referral.Status.REJECTED: ("refused", _("Refused")),
    Referral.Status.RECONSIDERATION: ("refused", _("Refused")),
    Referral.Status.SUPERVISION: ("refused", _("Refused")),
    Referral.Status.RETURNED: ("returned", _("Back to administrative penalty")),
    Referral.Status.CONCLUDED: ("concluded", _("Concluded")),
}


def referrals_by_agency_and_outcome(scope: DashboardScope) -> Table:
    """Referrals sent in the period, by kind of receiving agency and outcome.

    The outcome is the latest one the receiving agency reported (判决, 不起诉, 处分 …); until it reports
    one, where the referral stands (awaiting, accepted, refused, back to administrative penalty).
    """
    latest_outcome = (
        ReferralOutcome.objects.filter(referral=OuterRef("pk")).order_by("-decided_on", "-pk").values("kind")[:1]
    )
    counts = (
        Referral.objects.filter(
            agency__region_id__in=scope.region_ids,
            sent_at__gte=scope.starts_at,
            sent_at__lt=scope.ends_before,
        )
        .annotate(outcome=Subquery(latest_outcome))
        .order_by()
        .values_list("to_agency__kind", "status", "outcome")
        .annotate(n=Count("pk"))
    )
    columns: dict[str, str] = {}
    for code, label in ReferralOutcome.Kind.choices:
        columns[code] = str(label)
    for key, label in REFERRAL_STANDING.values():
        columns[key] = str(label)
    found: dict[tuple[str, str], int] = {}
    for agency_kind, status, outcome, n in counts:
        column = outcome or REFERRAL_STANDING.get(status, ("waiting", ""))[0]
        found[agency_kind, column] = found.get((agency_kind, column), 0) + n
    used_columns = [key for key in columns if any(column == key for _kind, column in found)]
    used_kinds = [(code, label) for code, label in Agency.Kind.choices if any(kind == code for kind, _c in found)]
    rows = [Row(code, str(label), [found.get((code, key), 0) for key in used_columns]) for code, label in used_kinds]
    return Table(_("Receiving agency"), [columns[key] for key in used_columns], rows)


def rewards_paid_by_month(scope: DashboardScope) -> Table:
    """Reporting rewards paid out in the period, by month paid: number and approved amount."""
    paid = {
        month: (n, total)
        for month, n, total in Reward.objects.filter(
            status=Reward.Status.PAID,
            agency__region_id__in=scope.region_ids,
            paid_on__gte=scope.date_from,
            paid_on__lte=scope.date_to,
        )
        .annotate(month=TruncMonth("paid_on"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"), total=Sum("approved_amount"))
    }
    rows = [
        Row(month.isoformat(), month_label(month), list(paid.get(month, (0, ZERO_YUAN)))) for month in scope.months()
    ]
    return Table(_("Month paid"), [str(_("Rewards paid")), str(_("Amount (yuan)"))], rows, sums_rows=False)


def cell(value) -> str:
    """A figure as the tables print it: counts as whole numbers, yuan with two decimals, both grouped."""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return f"{value:,}"


def month_label(month: datetime.date) -> str:
    return f"{month.year}-{month.month:02d}"


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
