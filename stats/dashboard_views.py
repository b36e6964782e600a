"""/dashboard/: six charts of the chosen region (and the regions below it) over a period, for section
heads, agency heads and auditors; each chart has a table of its figures and their totals underneath."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from organisation.models import Agency, Region, User
from organisation.roles import Role
from stats import dashboard, dashboard_charts
from stats.dashboard_forms import DashboardForm

# Supervisors of the medical-security side read the dashboard; auditors of any agency read their region.
DASHBOARD_ROLES = frozenset({Role.SECTION_HEAD, Role.DIRECTOR})
DASHBOARD_AGENCY_KINDS = frozenset({Agency.Kind.BUREAU, Agency.Kind.INSURANCE_AGENCY})


def may_view_dashboard(user: User) -> bool:
    if not user.is_authenticated or user.agency_id is None:
        return False
    if user.has_role(Role.AUDITOR):
        return True
    return bool(user.roles & DASHBOARD_ROLES) and user.agency.kind in DASHBOARD_AGENCY_KINDS


def reachable_regions(user: User) -> list[Region]:
    """The user's agency's region and every region below it, parents before children (by code)."""
    return list(Region.objects.filter(pk__in=user.agency.region.descendant_ids()).order_by("code"))


def subtree_ids(regions: list[Region], root: Region) -> frozenset[int]:
    """Ids of root and the regions below it, from a list holding the whole subtree (no further queries)."""
    children: dict[int, list[int]] = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region.pk)
    ids, frontier = {root.pk}, [root.pk]
    while frontier:
        frontier = [child for parent in frontier for child in children.get(parent, ())]
        ids.update(frontier)
    return frozenset(ids)


@dataclass
class Chart:
    slug: str
    title: str
    note: str
    table: dashboard.Table
    svg: str


# (slug, title, what is counted, query, drawing)
CHARTS = (
    (
        "leads",
        _("Leads by source and month"),
        _("Leads received in the period, by the month received and where they came from."),
        dashboard.leads_by_source_and_month,
        dashboard_charts.stacked_by_month,
    ),
    (
        "cases",
        _("Cases by status"),
        _("Cases opened in the period, by where they stand today."),
        dashboard.cases_by_status,
        dashboard_charts.horizontal_counts,
    ),
    (
        "overdue",
        _("Overdue deadlines by step"),
        _("Deadlines that fell due in the period and are still not met today."),
        dashboard.overdue_deadlines_by_step,
        dashboard_charts.horizontal_counts,
    ),
    (
        "money",
        _("Money recovered by ledger"),
        _("Payments received in the period. Each destination account has its own total: ledgers are not added up."),
        dashboard.money_recovered_by_ledger,
        dashboard_charts.money_by_ledger,
    ),
    (
        "referrals",
        _("Referrals by receiving agency and outcome"),
        _("Referrals sent in the period: the latest outcome reported, or where the referral stands."),
        dashboard.referrals_by_agency_and_outcome,
        dashboard_charts.horizontal_stacked,
    ),
    (
        "rewards",
        _("Reporting rewards paid"),
        _("Rewards paid out in the period, by month: number and approved amount."),
        dashboard.rewards_paid_by_month,
        dashboard_charts.amount_by_month,
    ),
)


@login_required
@require_GET
def dashboard_view(request):
    user = request.user
    if not may_view_dashboard(user):
        raise PermissionDenied
    today = timezone.localdate()
    regions = reachable_regions(user)
    home = user.agency.region
    defaults = {"region": home.pk, "date_from": today.replace(month=1, day=1), "date_to": today}
    form = DashboardForm(request.GET or defaults, regions=regions, home=home, today=today)
    if not form.is_valid():
        return render(request, "stats/dashboard.html", {"form": form, "charts": []}, status=400)
    data = form.cleaned_data
    region = data["region"]
    scope = dashboard.DashboardScope(
        region_ids=subtree_ids(regions, region), date_from=data["date_from"], date_to=data["date_to"], today=today
    )
    charts = []
    for slug, title, note, query, draw in CHARTS:
        table = query(scope)
        svg = "" if table.is_empty else draw(table, title=str(title))
        charts.append(Chart(slug, str(title), str(note), table, svg))
    context = {"form": form, "charts": charts, "region": region, "scope": scope}
    return render(request, "stats/dashboard.html", context)
