"""The demo installation (api.md "Demo installation"): names, logins, states, visibility, idempotency.

The command runs once for the module inside a transaction that is rolled back afterwards, so
other test modules never see demo data; each test runs in a savepoint within it.
"""

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from casework.models import Case, Lead, Subject
from organisation.models import Agency, Region, User
from organisation.roles import Role

CITY_PREFIXES = {"320700": "lyg", "320400": "cz"}
AGENCY_SUFFIXES = ("bureau", "agency", "police", "procuratorate", "court", "discipline", "health", "market")
# login suffix → (agency suffix, role)
CITY_USERS = {
    "clerk": ("bureau", Role.CLERK),
    "head": ("bureau", Role.SECTION_HEAD),
    "inv1": ("bureau", Role.INVESTIGATOR),
    "inv2": ("bureau", Role.INVESTIGATOR),
    "legal": ("bureau", Role.LEGAL_REVIEWER),
    "director": ("bureau", Role.DIRECTOR),
    "agreement": ("agency", Role.AGREEMENT_MANAGER),
    "reward": ("bureau", Role.REWARD_HANDLER),
    "finance": ("bureau", Role.FINANCE),
    "recovery": ("bureau", Role.RECOVERY_OFFICER),
    "police": ("police", Role.LIAISON),
    "procuratorate": ("procuratorate", Role.LIAISON),
    "court": ("court", Role.LIAISON),
    "discipline": ("discipline", Role.LIAISON),
    "health": ("health", Role.LIAISON),
    "market": ("market", Role.LIAISON),
    "screening": ("bureau", Role.SCREENING_SERVICE),
}


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Run demo_data once for this module; roll everything back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("demo_data", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_regions_agencies_users_and_passwords(demo_output, settings):
    regions = {r.code: (r.name, r.level, r.parent.code if r.parent else None) for r in Region.objects.all()}
    assert regions == {
        "320000": ("江苏省", "province", None),
        "320700": ("连云港市", "city", "320000"),
        "320722": ("东海县", "county", "320700"),
        "320400": ("常州市", "city", "320000"),
        "320481": ("溧阳市", "county", "320400"),
    }
    expected_agencies = {f"{city}-{suffix}" for city in CITY_PREFIXES for suffix in AGENCY_SUFFIXES}
    assert set(Agency.objects.values_list("code", flat=True)) == expected_agencies | {"320000-bureau"}
    assert Agency.objects.get(code="320700-bureau").number_prefix == "连医保"
    assert Agency.objects.get(code="320400-bureau").kind == Agency.Kind.BUREAU
    assert Agency.objects.get(code="320700-discipline").kind == Agency.Kind.DISCIPLINE

    for city, prefix in CITY_PREFIXES.items():
        for suffix, (agency_suffix, role) in CITY_USERS.items():
            user = authenticate(username=f"{prefix}_{suffix}", password=settings.DEMO_PASSWORD)
            assert user is not None, f"{prefix}_{suffix} cannot log in"
            assert user.agency.code == f"{city}-{agency_suffix}"
            assert user.roles == {role}
    auditor = authenticate(username="js_auditor", password=settings.DEMO_PASSWORD)
    assert auditor.agency.code == "320000-bureau" and auditor.roles == {Role.AUDITOR}
    admin = authenticate(username="admin", password=settings.DEMO_PASSWORD)
    assert admin.is_superuser and admin.agency is None
    assert User.objects.get(username="lyg_head").display_name == "王建国"
    assert "lyg_head" in demo_output and "http://127.0.0.1:8000/api/docs/" in demo_output


@pytest.mark.django_db
def test_each_city_has_subjects_leads_and_cases_in_every_state(demo_output):
    assert 250 <= Subject.objects.count() <= 350
    for city in CITY_PREFIXES:
        bureau = Agency.objects.get(code=f"{city}-bureau")
        region_ids = bureau.region.descendant_ids()
        kinds = set(Subject.objects.filter(region_id__in=region_ids).values_list("kind", flat=True))
        assert kinds >= {"institution", "pharmacy", "insured", "practitioner"}
        leads = Lead.objects.filter(agency=bureau)
        assert set(leads.values_list("status", flat=True)) == set(Lead.Status.values)
        assert set(Case.objects.filter(agency=bureau).values_list("status", flat=True)) == set(Case.Status.values)
        assert leads.overdue().exists(), "some pending leads are past their decision deadline"
        assert leads.pending().exclude(pk__in=leads.overdue()).exists(), "some pending leads are fresh"
        assert 25 <= leads.count() <= 60
    assert set(Lead.objects.values_list("source_kind", flat=True)) == set(Lead.SourceKind.values)
    # api.md: each city has a referral to its police awaiting receipt and one awaiting decision.
    from referrals.models import Referral

    for city in CITY_PREFIXES:
        statuses = set(Referral.objects.filter(to_agency__code=f"{city}-police").values_list("status", flat=True))
        assert {"awaiting_receipt", "received", "rejected", "concluded"} <= statuses
    # api.md: rewards in every state, at least one of them paid (in each city).
    from rewards.models import Reward

    assert set(Reward.objects.values_list("status", flat=True)) == set(Reward.Status.values)
    for city in CITY_PREFIXES:
        assert Reward.objects.filter(agency__code=f"{city}-bureau", status="paid").exists()
    # api.md: plans with drawn targets, and published items on the public page.
    from disclosure.models import Disclosure
    from inspections.models import Plan

    for city in CITY_PREFIXES:
        drawn = Plan.objects.filter(agency__code=f"{city}-bureau", seed__isnull=False).exclude(seed="")
        assert drawn.filter(targets__isnull=False).exists()
        assert Disclosure.objects.filter(agency__code=f"{city}-bureau", published_on__isnull=False).exists()
    # 协查 both ways between the cities: one answered, one waiting.
    from assists.models import AssistRequest

    assert set(AssistRequest.objects.values_list("status", flat=True)) == {"answered", "sent"}
    insured = Subject.objects.filter(kind="insured").exclude(id_number_masked="")
    assert insured.exists() and all("*" in s.id_number_masked for s in insured)
    assert not Lead.objects.filter(status=Lead.Status.DISMISSED, decision_reason="").exists()


@pytest.mark.django_db
def test_decisions_were_taken_after_receipt_and_some_cases_are_overdue(demo_output):
    decided = Lead.objects.exclude(status=Lead.Status.PENDING)
    assert not decided.filter(decided_at__isnull=True).exists()
    assert not decided.filter(decided_at__gt=timezone.now()).exists()
    assert not decided.filter(decided_at__lt=F("received_at")).exists()
    opening_decisions = dict(Lead.objects.filter(status=Lead.Status.OPENED).values_list("case_id", "decided_at"))
    assert opening_decisions == dict(Case.objects.values_list("pk", "opened_at"))
    for city in CITY_PREFIXES:
        open_cases = Case.objects.for_agency(Agency.objects.get(code=f"{city}-bureau")).open()
        assert open_cases.overdue().count() >= 2, "some cases are past their penalty-decision deadline"
        assert open_cases.exclude(pk__in=open_cases.overdue()).exists(), "some open cases are on time"


@pytest.mark.django_db
def test_visibility_follows_agency_and_region(demo_output):
    lyg_leads = Lead.objects.filter(agency__code="320700-bureau")
    cz_leads = Lead.objects.filter(agency__code="320400-bureau")
    head = User.objects.get(username="lyg_head")
    assert set(Lead.objects.visible_to(head)) == set(lyg_leads)
    assert not Lead.objects.visible_to(head).filter(pk__in=cz_leads).exists()
    auditor = User.objects.get(username="js_auditor")
    assert Lead.objects.visible_to(auditor).count() == Lead.objects.count()
    assert Case.objects.visible_to(auditor).count() == Case.objects.count()
    assert not Lead.objects.visible_to(User.objects.get(username="lyg_police")).exists()


@pytest.mark.django_db
def test_second_run_changes_nothing(demo_output):
    before = _row_counts()
    hashes = dict(User.objects.values_list("username", "password"))
    call_command("demo_data", stdout=io.StringIO())
    assert _row_counts() == before
    # The same password hashes: a re-run does not log anyone out.
    assert dict(User.objects.values_list("username", "password")) == hashes


@pytest.mark.django_db
def test_rerun_sets_the_configured_password(demo_output, settings):
    settings.DEMO_PASSWORD = "Another@2027"
    call_command("demo_data", stdout=io.StringIO())
    assert authenticate(username="cz_clerk", password="Another@2027") is not None
    assert authenticate(username="cz_clerk", password="Demo@2026") is None


@pytest.mark.django_db
def test_investigations_have_two_officers_findings_and_reports(demo_output):
    from documents.models import Document
    from workflows.models import InvestigationProcess

    for code, prefix in CITY_PREFIXES.items():
        cases = Case.objects.filter(agency__code=f"{code}-bureau").exclude(status__in=["opened", "withdrawn"])
        processes = InvestigationProcess.objects.filter(case__in=cases)
        assert processes.count() == cases.count() > 0
        for process in processes:
            assert {u.username for u in process.investigators.all()} == {f"{prefix}_inv1", f"{prefix}_inv2"}
        assert processes.filter(case__violations__isnull=False).distinct().count() >= cases.count() - 1
        # Some are still being investigated; every case past investigation has its report.
        assert processes.filter(report=None, case__status="investigating").exists()
        assert not processes.filter(report=None).exclude(case__status="investigating").exists()
        reports = Document.objects.filter(kind="investigation_report", agency__code=f"{code}-bureau")
        assert reports.count() == processes.exclude(report=None).count() >= 10
        assert all("调终〔" in number for number in reports.values_list("number", flat=True))


@pytest.mark.django_db
def test_each_city_has_outcomes_in_every_state(demo_output):
    from agreements.models import AgreementAction
    from penalties.models import Penalty
    from workflows.outcome import OutcomeFlow, pending_task

    for city in CITY_PREFIXES:
        cases = Case.objects.filter(agency__code=f"{city}-bureau")
        investigating = cases.filter(status=Case.Status.INVESTIGATING)
        assert any(pending_task(case, OutcomeFlow.decide) for case in investigating), "a decision awaits"
        closed = cases.filter(status=Case.Status.CLOSED)
        assert closed.filter(outcome__closing_report__isnull=False).count() == closed.count() >= 2
        handling = cases.filter(status=Case.Status.HANDLING)
        assert handling.with_track("referral").exists() and handling.with_track("penalty").exists()
        assert handling.with_track("agreement").exists() and handling.with_track("penalty").with_track("agreement")
        penalties = Penalty.objects.filter(case__in=cases)
        assert penalties.values("status").distinct().count() >= 6
        assert penalties.filter(status="finished").exists() and penalties.exclude(status="finished").exists()
        actions = AgreementAction.objects.filter(case__in=cases)
        assert actions.filter(status="done").exists() and actions.exclude(status="done").exists()
