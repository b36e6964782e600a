"""Preconditions the browser scenarios start from, built with the same services the users' pages call.

Each story runs in a separate process against the e2e server's database (see conftest.Server.story) and
returns JSON-able ids. Only what a scenario is not about is built here; the steps it is about are clicked.
"""

from django.db import transaction

from casework.models import Lead, Subject
from organisation.models import Agency, User
from referrals import services as referral_services
from referrals.models import Referral
from tests.investigation_support import investigate
from workflows.outcome import OutcomeChoice, outcome_decide
from workflows.triage import triage_decide, triage_start


def _user(username: str) -> User:
    return User.objects.get(username=username)


def investigated_case(prefix: str = "lyg", title: str = "虚记检查费用", subject_code: str = "") -> dict:
    """A case of the city's bureau, investigated by its two investigators, awaiting the outcome decision."""
    head = _user(f"{prefix}_head")
    bureau = head.agency
    subjects = Subject.objects.filter(region__in=bureau.region.descendant_ids(), kind=Subject.Kind.INSTITUTION)
    subject = subjects.get(code=subject_code) if subject_code else subjects.order_by("code").first()
    with transaction.atomic():
        lead = triage_start(
            agency=bureau,
            source_kind=Lead.SourceKind.INSPECTION,
            title=f"{subject.name}{title}",
            description=f"现场检查发现{subject.name}{title}。",
            subjects=[subject],
            by=head,
        )
    case = triage_decide(lead=lead, by=head, decision="open").case
    case = investigate(case, head, [_user(f"{prefix}_inv1"), _user(f"{prefix}_inv2")], subject)
    return {"case": case.pk, "number": case.number, "subject": subject.name}


def referral_awaiting_approval(prefix: str = "lyg") -> dict:
    """A case decided for referral to the city's police, the officers' report done: the head decides next."""
    story = investigated_case(prefix, title="伪造住院病历骗取医保基金")
    from casework.models import Case, Evidence

    case = Case.objects.get(pk=story["case"])
    police = Agency.objects.get(code=f"{case.agency.region.code}-police")
    outcome_decide(
        case=case,
        by=_user(f"{prefix}_head"),
        choice=OutcomeChoice(referral_agencies=[police], referral_grounds="涉嫌诈骗医保基金，数额较大。"),
    )
    referral = Referral.objects.get(case=case)
    grounds = list(referral_services.grounds_for(referral)[:1])
    referral_services.referral_report(
        referral=referral,
        by=_user(f"{prefix}_inv1"),
        grounds=grounds,
        facts="当事人伪造住院病历，虚构住院服务，骗取医保基金12000.50元。",
        evidence=list(Evidence.objects.filter(case=case)),
    )
    return {**story, "referral": referral.pk}
