"""Reads of the ledgers for pages and the API: what the user may see, totals per case, subject and region.

Visibility: obligations of the cases the user may view (auditors: their region and below) and those their own
agency imposed (the handling agency's 追回 and 违约金); nothing for anyone else.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q

from casework.models import Case, Subject
from casework.selectors import subjects_for
from ledgers.models import (
    DESTINATION,
    DESTINATION_OF,
    Destination,
    Ledger,
    Obligation,
    ObligationQuerySet,
    Payment,
    destination_totals,
)
from organisation.models import Region, User


def obligations_visible_to(user: User) -> ObligationQuerySet:
    return Obligation.objects.visible_to(user)


def with_case_link(queryset, user: User):
    """Annotate `case_visible`: whether the user may open the case page (not so for another agency's case)."""
    return queryset.annotate(case_visible=Exists(Case.objects.visible_to(user).filter(pk=OuterRef("case_id"))))


@dataclass
class MoneyFilter:
    """The narrowing shared by /money/, the obligations list and the API; None means "any"."""

    region: Region | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    subject_kind: str = ""
    ledger: str = ""
    status: str = ""  # "open", "overdue" or "paid"
    case_number: str = ""
    subject_query: str = ""
    case: Case | None = None
    subject: Subject | None = None

    def apply(self, queryset: ObligationQuerySet) -> ObligationQuerySet:
        if self.region is not None:
            queryset = queryset.in_region(self.region)
        queryset = queryset.recorded_between(self.date_from, self.date_to)
        if self.subject_kind:
            queryset = queryset.filter(subject__kind=self.subject_kind)
        if self.ledger:
            queryset = queryset.filter(ledger=self.ledger)
        if self.status == "open":
            queryset = queryset.open()
        elif self.status == "overdue":
            queryset = queryset.overdue()
        elif self.status == "paid":
            queryset = queryset.settled()
        if self.case_number:
            queryset = queryset.filter(case__number__contains=self.case_number)
        if self.subject_query:
            queryset = queryset.filter(
                Q(subject__name__contains=self.subject_query) | Q(subject__code=self.subject_query)
            )
        if self.case is not None:
            queryset = queryset.filter(case=self.case)
        if self.subject is not None:
            queryset = queryset.filter(subject=self.subject)
        return queryset


def obligation_list(*, user: User, filters: MoneyFilter | None = None) -> ObligationQuerySet:
    """Visible obligations with balance and what a list row shows, overdue and largest balances first."""
    queryset = (filters or MoneyFilter()).apply(obligations_visible_to(user))
    return with_case_link(queryset.with_balance().with_related(), user).by_due_date()


def ledger_totals(
    *,
    user: User,
    case=None,
    subject=None,
    region: Region | None = None,
    filters: MoneyFilter | None = None,
) -> dict:
    """{ledger: {"due", "paid", "balance"}} over the obligations the user can see, narrowed as asked."""
    filters = dataclasses.replace(filters or MoneyFilter())
    if case is not None:
        filters.case = case
    if subject is not None:
        filters.subject = subject
    if region is not None:
        filters.region = region
    return filters.apply(obligations_visible_to(user)).totals_by_ledger()


@dataclass
class LedgerRow:
    ledger: str
    due: Decimal
    paid: Decimal
    balance: Decimal

    @property
    def label(self) -> str:
        return Ledger(self.ledger).label

    @property
    def destination(self) -> str:
        return str(DESTINATION[self.ledger])


@dataclass
class DestinationRow:
    destination: str
    due: Decimal
    paid: Decimal
    balance: Decimal
    ledgers: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return Destination(self.destination).label

    @property
    def ledger_labels(self) -> list[str]:
        return [Ledger(ledger).label for ledger in self.ledgers]


def totals_table(by_ledger: dict) -> tuple[list[LedgerRow], list[DestinationRow]]:
    """Rows per ledger and per destination (fund, treasury, patients) for the pages."""
    ledgers = [LedgerRow(ledger, **by_ledger[ledger]) for ledger in Ledger.values]
    destinations = [
        DestinationRow(
            destination,
            **row,
            ledgers=[ledger for ledger in Ledger.values if DESTINATION_OF[ledger] == destination],
        )
        for destination, row in destination_totals(by_ledger).items()
    ]
    return ledgers, destinations


def regions_for(user: User):
    """The regions a user may filter money by: their agency's region and the regions below it."""
    if not user.is_authenticated or user.agency_id is None:
        return Region.objects.none()
    return Region.objects.filter(pk__in=user.agency.region.descendant_ids()).order_by("code")


def subject_visible(user: User, subject: Subject) -> bool:
    """A subject's money page: for users whose registry holds it, or who see one of its obligations."""
    return (
        subjects_for(user=user).filter(pk=subject.pk).exists()
        or obligations_visible_to(user).filter(subject=subject).exists()
    )


@dataclass
class LedgerSection:
    ledger: str
    obligations: list
    due: Decimal
    paid: Decimal
    balance: Decimal

    @property
    def label(self) -> str:
        return Ledger(self.ledger).label

    @property
    def destination(self) -> str:
        return str(DESTINATION[self.ledger])


def money_sections(obligations: list[Obligation]) -> list[LedgerSection]:
    """The obligations (with_balance) split per ledger, each ledger with its own subtotal, in ledger order."""
    sections = []
    for ledger in Ledger.values:
        rows = [o for o in obligations if o.ledger == ledger]
        if rows:
            due = sum((o.amount_due for o in rows), Decimal("0.00"))
            paid = sum((o.paid for o in rows), Decimal("0.00"))
            sections.append(LedgerSection(ledger, rows, due, paid, due - paid))
    return sections


def by_ledger_of(obligations: list[Obligation]) -> dict:
    """totals_by_ledger() computed from obligations already loaded with their balances."""
    result = {ledger: {"due": Decimal("0.00"), "paid": Decimal("0.00")} for ledger in Ledger.values}
    for obligation in obligations:
        result[obligation.ledger]["due"] += obligation.amount_due
        result[obligation.ledger]["paid"] += obligation.paid
    return {ledger: {**row, "balance": row["due"] - row["paid"]} for ledger, row in result.items()}


def obligations_with_payments(queryset: ObligationQuerySet) -> list[Obligation]:
    """Obligations with balance, case, subject, agency and their payments (with who recorded them): 2 queries."""
    payments = Payment.objects.select_related("recorded_by").order_by("paid_on", "pk")
    return list(
        queryset.with_balance()
        .with_related()
        .prefetch_related(Prefetch("payments", queryset=payments))
        .order_by("ledger", "due_on", "pk")
    )
