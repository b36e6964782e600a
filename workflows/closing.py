"""The 结案报告: a frozen summary of the whole case — facts, every track's outcome, money, documents."""

from django.utils import timezone

from casework.findings import case_totals
from casework.models import Case
from documents.formatting import chinese_date, yuan
from documents.kinds import CASE_CLOSING_REPORT, CONFIDENTIAL_KIND_CODES
from documents.models import Document
from documents.services import document_issue
from ledgers.models import DESTINATION, Ledger, Obligation
from organisation.models import User
from workflows.models import OutcomeProcess


def closing_report_issue(*, process: OutcomeProcess, by: User) -> Document:
    case = Case.objects.select_related("agency", "investigation__report").get(pk=process.case_id)
    return document_issue(
        kind=CASE_CLOSING_REPORT, agency=case.agency, by=by, case=case, context=closing_context(case, process, by)
    )


def closing_context(case: Case, process: OutcomeProcess, by: User) -> dict:
    """JSON context (strings only): what was found, decided, paid and issued."""
    investigation = getattr(case, "investigation", None)
    totals = case_totals(case)
    money = Obligation.objects.filter(case=case).totals_by_ledger()
    documents = (
        Document.objects.filter(case=case)
        .exclude(kind__in=CONFIDENTIAL_KIND_CODES)
        .order_by("issued_at", "pk")
        .values_list("title", "number", "issued_at")
    )
    return {
        "agency_name": case.agency.name,
        "case_title": case.title,
        "case_number": case.number,
        "opened_on": chinese_date(timezone.localdate(case.opened_at)),
        "closed_on": chinese_date(timezone.localdate(process.closed_at)),
        "subjects": [
            {"name": s.name, "kind_display": str(s.get_kind_display()), "code": s.code}
            for s in case.subjects.order_by("name")
        ],
        "investigation_report": investigation.report.number if investigation and investigation.report else "",
        "conclusion": investigation.conclusion if investigation else "",
        "totals": {key: yuan(getattr(totals, key)) for key in ("amount", "fund_loss", "patient_money")},
        "tracks": [str(track.get_kind_display()) for track in case.tracks.order_by("pk")],
        "reasoning": process.reasoning,
        "referrals": _referrals(case),
        "credit": [
            {"subject": point.subject.name, "points": str(point.points), "reason": point.reason}
            for point in case.credit_points.select_related("subject").order_by("pk")
        ],
        "suspensions": [
            {
                "subject": s.subject.name,
                "measure": str(s.get_scope_display()),
                "period": chinese_date(s.starts_on) + ("至" + chinese_date(s.ends_on) if s.ends_on else "起"),
            }
            for s in case.suspensions.select_related("subject").order_by("starts_on", "pk")
        ],
        "money": [
            {
                "ledger": str(Ledger(ledger).label),
                "destination": str(DESTINATION[ledger]),
                "due": yuan(row["due"]),
                "paid": yuan(row["paid"]),
                "balance": yuan(row["balance"]),
            }
            for ledger, row in money.items()
            if row["due"]
        ],
        "documents": [
            {"title": title, "number": number, "issued_on": chinese_date(timezone.localdate(issued_at))}
            for title, number, issued_at in documents
        ],
        "summary": process.closing_summary,
        "approved_by": by.display_name,
    }


def _referrals(case: Case) -> list[dict]:
    """Each referral of the case: where it went, when, the receiving agency's number and what came of it."""
    from referrals.models import Referral

    rows = []
    for referral in (
        Referral.objects.filter(case=case)
        .select_related("to_agency", "letter")
        .prefetch_related("outcomes")
        .order_by("pk")
    ):
        outcomes = "；".join(
            f"{o.get_kind_display()}（{chinese_date(o.decided_on)}）：{o.summary}" for o in referral.outcomes.all()
        )
        rows.append(
            {
                "agency": referral.to_agency.name,
                "number": referral.number,
                "sent_on": chinese_date(timezone.localdate(referral.sent_at)) if referral.sent_at else "",
                "reference": referral.reference,
                "status": str(referral.get_status_display()),
                "result": outcomes or referral.conclusion or referral.reject_reason,
            }
        )
    return rows
