"""Reads for staff: the intake inbox, a report's page, and leads on the same facts."""

from django.db.models import Count, Exists, OuterRef, Q

from casework.models import Lead
from intake.models import Report, ReportMessage
from organisation.models import User

INBOX_VIEWS = ("attention", "new", "messages", "notices", "all")


def report_inbox(*, user: User, view: str = "attention"):
    """Reports of the user's agencies that need intake work, most urgent first.

    attention = awaiting a 立案 decision, unread reporter messages, or a result notice owed;
    the other views are each of those alone, or everything.
    """
    unread = ReportMessage.objects.filter(
        report=OuterRef("pk"), sender=ReportMessage.Sender.REPORTER, read_at__isnull=True
    )
    reports = (
        Report.objects.visible_to(user)
        .select_related("lead", "lead__agency")
        .annotate(
            has_unread=Exists(unread),
            unread_count=Count(
                "messages",
                filter=Q(messages__sender=ReportMessage.Sender.REPORTER, messages__read_at__isnull=True),
            ),
        )
    )
    new = Q(lead__status=Lead.Status.PENDING)
    # A named reporter is owed the acceptance notice, and after the decision the result notice.
    notices = Q(result_notice_due__isnull=False, result_notified_on__isnull=True) | Q(
        anonymous=False, acknowledged_on__isnull=True
    )
    if view == "new":
        reports = reports.filter(new)
    elif view == "messages":
        reports = reports.filter(has_unread=True)
    elif view == "notices":
        reports = reports.filter(notices)
    elif view != "all":
        reports = reports.filter(new | notices | Q(has_unread=True))
    return reports.order_by("-has_unread", "lead__deadline", "-lead__received_at", "-pk")


def inbox_counts(*, user: User) -> dict:
    reports = Report.objects.visible_to(user)
    return {
        "new": reports.filter(lead__status=Lead.Status.PENDING).count(),
        "messages": reports.filter(messages__sender=ReportMessage.Sender.REPORTER, messages__read_at__isnull=True)
        .distinct()
        .count(),
        "notices": reports.filter(
            Q(result_notice_due__isnull=False, result_notified_on__isnull=True)
            | Q(anonymous=False, acknowledged_on__isnull=True)
        ).count(),
        "overdue_notices": reports.result_notice_overdue().count(),
    }


def report_detail(report: Report) -> Report:
    return (
        Report.objects.filter(pk=report.pk)
        .select_related("lead", "lead__agency", "lead__case", "lead__merged_into")
        .prefetch_related("lead__subjects", "attachments")
        .get()
    )


def report_timeline(report: Report):
    """Messages both ways, oldest first, with the staff author (staff pages only)."""
    return report.messages.select_related("author").prefetch_related("attachments")


def report_notes(report: Report):
    return report.notes.select_related("author")


def same_subject_leads(*, lead: Lead, user: User):
    """Other leads the user can see on any of this lead's subjects, newest first."""
    return (
        Lead.objects.visible_to(user)
        .filter(subjects__in=lead.subjects.all())
        .exclude(pk=lead.pk)
        .distinct()
        .select_related("report", "merged_into")
        .prefetch_related("subjects")
        .order_by("-received_at", "-pk")
    )


def fact_reports(lead: Lead):
    """Reports on these facts (the lead and every lead merged into it) in order of receipt; the first
    one is the first reporter (the reward process pays only the first valid reporter of the same facts)."""
    from intake.services import fact_lead_ids

    return Report.objects.filter(lead__in=fact_lead_ids(lead)).select_related("lead").in_receipt_order()
