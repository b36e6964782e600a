"""The permission matrix: for every URL of config.urls, how to build it from a seeded world of two cities'
bureaus, which method to probe, and the status each kind of caller must get.

Actors (see ACTORS): the own-agency user who may act ("owner"), an own-agency user of a role that may not
("denied"), the same role in the other city's agency ("other"), the province auditor ("auditor") and nobody
("anon"). A route's entry names which fixture users play these parts when the default (alice, bob, charlie)
does not fit — e.g. an assist request is shared by both cities, so its outsider is a third city's head.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from organisation.roles import Role
from tests.factories import AgencyFactory, RegionFactory, SubjectFactory, UserFactory

# ---------------------------------------------------------------------------------------------- the world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class World(dict):
    """Objects and users by name; attribute access for brevity in the matrix lambdas."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    __setattr__ = dict.__setitem__


def open_task(flow_class, newest=False, **filters):
    from viewflow.workflow.models import Task

    return (
        Task.objects.filter(process__flow_class=flow_class, **filters)
        .exclude(status__in=["DONE", "CANCELED", "REVIVED", "ERROR"])
        .exclude(flow_task_type="START")
        .order_by("-pk" if newest else "pk")
        .first()
    )


def build_world(request) -> World:
    """Users first (object grants go to the role groups that exist when an object is created), then one of
    everything in 连云港 and a little in 常州 for the lists."""
    fx = request.getfixturevalue
    w = World()
    for name in (
        "alice",
        "bob",
        "bob2",
        "clerk",
        "charlie",
        "cz_clerk",
        "auditor",
        "police",
        "director",
        "handler",
        "finance",
        "head",
        "reward_handler",
        "screener",
        "cz_screener",
        "province_bureau",
        "lyg_bureau",
        "cz_bureau",
        "lyg_region",
        "cz_region",
        "province",
        "subject",
        "other_subject",
        "lyg_police",
        "lyg_procuratorate",
        "prosecutor",
        "police2",
    ):
        w[name] = fx(name)
    lyg, cz = w.lyg_bureau, w.cz_bureau
    user = UserFactory
    w.legal = user(username="legal", agency=lyg, roles=[Role.LEGAL_REVIEWER])
    w.officer = user(username="recovery", agency=lyg, roles=[Role.RECOVERY_OFFICER])
    w.cz_officer = user(username="cz_recovery", agency=cz, roles=[Role.RECOVERY_OFFICER])
    w.cz_investigator = user(username="cz_inv", agency=cz, roles=[Role.INVESTIGATOR])
    w.cz_director = user(username="cz_director", agency=cz, roles=[Role.DIRECTOR])
    w.cz_handler = user(username="cz_handler", agency=cz, roles=[Role.REWARD_HANDLER])
    w.cz_finance = user(username="cz_finance", agency=cz, roles=[Role.FINANCE])
    w.cz_legal = user(username="cz_legal", agency=cz, roles=[Role.LEGAL_REVIEWER])
    sq_region = RegionFactory(code="321300", name="宿迁市", parent=w.province)
    w.sq_bureau = AgencyFactory(region=sq_region, code="321300-bureau", name="宿迁市医疗保障局", number_prefix="宿医保")
    w.dave = user(username="dave", agency=w.sq_bureau, roles=[Role.SECTION_HEAD])
    w.province_head = user(username="prov_head", agency=w.province_bureau, roles=[Role.SECTION_HEAD])
    from organisation.models import Agency

    w.lyg_agency = AgencyFactory(
        region=w.lyg_region, code="320700-agency", kind=Agency.Kind.INSURANCE_AGENCY, number_prefix="连医管"
    )
    w.cz_agency = AgencyFactory(
        region=w.cz_region, code="320400-agency", kind=Agency.Kind.INSURANCE_AGENCY, number_prefix="常医管"
    )
    w.manager = user(username="manager", agency=w.lyg_agency, roles=[Role.AGREEMENT_MANAGER])
    w.cz_manager = user(username="cz_manager", agency=w.cz_agency, roles=[Role.AGREEMENT_MANAGER])
    w.lyg_court = AgencyFactory(region=w.lyg_region, code="320700-court", kind=Agency.Kind.COURT, number_prefix="连法")
    w.pharmacy = SubjectFactory(region=w.lyg_region, kind="pharmacy", name="海州区康民大药房", code="P32070300001")
    w.cz_subject = SubjectFactory(region=w.cz_region, name="常州市第二人民医院", code="H32040000002")
    _seed(w)
    return w


def _seed(w: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casework import evidence as evidence_services
    from casework.models import Evidence
    from intake.attachments import EVIDENCE_TYPES, check_uploads
    from tests.investigation_support import investigate
    from tests.referral_support import decided_for_referral, sent
    from tests.reward_support import closed_case_from, submit
    from workflows.investigation import investigation_assign
    from workflows.triage import triage_decide, triage_start

    alice, bob = w.alice, w.bob

    def lead(**fields):
        values = {
            "agency": w.lyg_bureau,
            "source_kind": "screen_hit",
            "title": "疑似挂床住院",
            "description": "智能监控发现同一参保人住院期间多次门诊购药。",
            "subjects": [w.subject],
            "by": alice,
        }
        return triage_start(**{**values, **fields})

    # A lead waiting for triage, and the other city's lead and case.
    w.lead = lead(title="待研判线索甲")
    w.cz_lead = triage_start(
        agency=w.cz_bureau,
        source_kind="report",
        title="常州线索乙",
        description="d",
        subjects=[w.cz_subject],
        by=w.charlie,
    )
    w.cz_case = triage_decide(lead=w.cz_lead, by=w.charlie, decision="open").case

    # A case under investigation: evidence, a record, a preservation.
    w.case = triage_decide(lead=lead(title="调查中案件"), by=alice, decision="open").case
    investigation_assign(case=w.case, by=alice, investigators=[bob, w.bob2])
    w.evidence = evidence_services.evidence_register(
        case=w.case,
        by=bob,
        collected_by=[bob, w.bob2],
        kind=Evidence.Kind.DOCUMENTARY,
        title="住院病历复印件",
        collected_at=timezone.now() - datetime.timedelta(hours=2),
        place="病案室",
        checked_file=check_uploads([SimpleUploadedFile("病历.pdf", PDF)], allowed=EVIDENCE_TYPES)[0],
    )
    w.preservation = evidence_services.preservation_register(case=w.case, by=bob, items="收费票据三本")

    # A case investigated, decided for referral to the police and sent.
    from referrals.grounds import load_grounds
    from referrals.models import ReferralGround

    load_grounds(ReferralGround)
    rcase = triage_decide(lead=lead(title="移送案件", subjects=[w.subject, w.other_subject]), by=alice, decision="open")
    evidence_file = check_uploads([SimpleUploadedFile("清单.pdf", PDF)], allowed=EVIDENCE_TYPES)[0]
    w.referral_case = investigate(rcase.case, alice, [bob, w.bob2], w.subject, checked_file=evidence_file)
    w.referral = sent(decided_for_referral(w.referral_case, alice, w.lyg_police), bob, w.director)
    w.violation = w.referral_case.violations.first()

    # A case investigated, waiting for the outcome decision (the newest outcome task).
    ocase = triage_decide(lead=lead(title="待决定案件"), by=alice, decision="open").case
    w.outcome_case = investigate(ocase, alice, [bob, w.bob2], w.subject)

    # A case from a named report, closed: its reward waits.
    w.report = submit(w.subject, agency=w.lyg_bureau, by=w.clerk).report
    w.reward_case = closed_case_from(w.report, alice, [bob, w.bob2], w.subject)
    from rewards.models import Reward

    w.reward = Reward.objects.get(case=w.reward_case)

    # A web report of the public, with its receipt code, waiting in the inbox.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from intake.models import Report
    from intake.submission import report_submit

    w.public_submission = report_submit(
        region_code=w.lyg_region.code,
        subject_kind=w.other_subject.kind,
        subject_name=w.other_subject.name,
        description="该中心为未就诊的参保人刷卡结算。",
        files=[SimpleUploadedFile("举报材料.pdf", PDF)],
        channel=Report.Channel.WEB,
    )
    w.web_report = w.public_submission.report
    w.attachment = w.web_report.attachments.get()

    _seed_tracks(w)


def _seed_tracks(w: World) -> None:
    from agreements.services import agreement_start
    from assists import services as assists
    from casework.models import Case
    from disclosure import services as disclosure
    from inspections import actions
    from inspections.services import plan_draw
    from ledgers.models import Ledger, Obligation
    from penalties.services import penalty_start
    from recoveries.models import Recovery
    from recoveries.services import recovery_open
    from tests.agreement_fixtures import add_violation
    from tests.inspection_support import plan_new
    from workflows.investigation import investigation_assign
    from workflows.triage import triage_decide, triage_start

    alice, bob, today = w.alice, w.bob, timezone.localdate()

    def new_case(title, subjects):
        lead = triage_start(
            agency=w.lyg_bureau, source_kind="screen_hit", title=title, description="d", subjects=subjects, by=alice
        )
        return triage_decide(lead=lead, by=alice, decision="open").case

    # A penalty case and an agreement case, both with findings.
    w.penalty_case = new_case("处罚案件", [w.subject])
    investigation_assign(case=w.penalty_case, by=alice, investigators=[bob, w.bob2])
    add_violation(w.penalty_case, bob, w.subject, amount="30000.00", fund_loss="30000.00")
    w.penalty = penalty_start(case=w.penalty_case, subject=w.subject, by=alice)

    w.agreement_case = new_case("协议处理案件", [w.subject, w.pharmacy])
    investigation_assign(case=w.agreement_case, by=alice, investigators=[alice, bob])
    add_violation(w.agreement_case, bob, w.subject)
    add_violation(w.agreement_case, bob, w.pharmacy, amount="3000.00", fund_loss="3000.00", number=1)
    Case.objects.filter(pk=w.agreement_case.pk).update(status=Case.Status.HANDLING)
    w.agreement_case.refresh_from_db()
    w.agreement = agreement_start(case=w.agreement_case, subject=w.subject, by=alice)
    from agreements.models import AgreementMeasure
    from agreements.services import measure_add
    from agreements.steps import agreement_issue_notice

    w.measure = measure_add(action=w.agreement, by=w.manager, kind=AgreementMeasure.Kind.RECOVERY, amount="1000.00")
    noticed = agreement_start(case=w.agreement_case, subject=w.pharmacy, by=alice)
    measure_add(action=noticed, by=w.manager, kind=AgreementMeasure.Kind.CRITICISM, summary="")
    w.noticed_agreement = agreement_issue_notice(action=noticed, by=w.manager, clauses="《服务协议》第二十一条")

    # A recovery of a judgment.
    w.recovery = recovery_open(
        case=w.penalty_case,
        court=w.lyg_court,
        reference="(2026)苏0706刑初123号",
        judged_on=today - datetime.timedelta(days=90),
        kind=Recovery.Kind.JUDGMENT,
        debtors=[("陈某明", w.subject, "60000")],
        by=w.officer,
    )

    # A refund obligation.
    w.obligation = Obligation.objects.create(
        agency=w.lyg_bureau,
        case=w.penalty_case,
        subject=w.subject,
        ledger=Ledger.FUND_REFUND,
        amount_due=Decimal("800.00"),
        due_on=today + datetime.timedelta(days=30),
        basis="连医保罚决〔2026〕1号",
        created_by=alice,
    )

    # 协查 from 连云港 to 常州, and a major-case report to the province.
    w.assist = assists.assist_send(
        by=alice,
        to_agency=w.cz_bureau,
        case=w.case,
        subject_name="常州市康复医院",
        question="请核查参保人张某2025年3月在该院的住院记录。",
        due_on=today + datetime.timedelta(days=10),
    )
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from intake.attachments import check_uploads

    answered = assists.assist_send(
        by=alice,
        to_agency=w.cz_bureau,
        subject_name="常州市康复医院乙",
        question="请核查住院记录。",
        due_on=today + datetime.timedelta(days=10),
    )
    w.answered_assist = assists.assist_answer(
        request=answered,
        by=w.charlie,
        findings="该参保人同期确有住院记录。",
        checked_files=check_uploads([SimpleUploadedFile("病历.pdf", PDF)]),
    )
    w.assist_file = w.answered_assist.files.get()

    with override_settings(MAJOR_CASE_AMOUNT=Decimal("10")):
        w.major = assists.major_case_check(w.agreement_case)

    # An inspection plan, drawn; a special action with a phase, a member and the plan.
    for n in range(4):
        SubjectFactory(region=w.lyg_region, code=f"H9{n:04d}")
    w.plan = plan_new(
        by=alice,
        regions=[w.lyg_region],
        title="双随机检查甲计划",
        period_from=today,
        period_to=today + datetime.timedelta(days=60),
        sample_percent=Decimal("50"),
        sample_minimum=1,
    )
    w.plan = plan_draw(w.plan, by=alice, seed="42")
    w.target = w.plan.targets.order_by("pk").first()
    from inspections.services import target_visit

    visited = w.plan.targets.order_by("pk").last()
    w.visited_target = target_visit(visited, by=visited.inspectors.first(), findings="未发现问题。", found=False)
    w.action = actions.action_create(
        agency=w.lyg_bureau,
        by=alice,
        title="连云港专项行动甲",
        period_from=today - datetime.timedelta(days=30),
        period_to=today + datetime.timedelta(days=30),
        regions=[w.lyg_region],
        member_agencies=[w.lyg_police],
    )
    w.phase = actions.phase_set(
        w.action,
        kind="deploy",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=10),
        tasks="部署",
    )
    actions.phase_set(
        w.action,
        kind="summary",
        starts_on=today - datetime.timedelta(days=9),
        ends_on=today + datetime.timedelta(days=30),
        tasks="总结",
    )
    actions.action_report_issue(w.action, by=alice, summary="专项行动取得阶段性成效。")
    w.member = actions.group_member_add(w.action, position="leader", name="陈剑", post="副局长", agency=w.lyg_bureau)

    # A draft disclosure and a published one.
    values = {
        "title": "某医院虚记费用案甲",
        "summary": "经查，该院虚记诊疗费用。",
        "outcome": "追回医保基金并处罚款。",
        "subject_name": "连云港市某医院",
        "subject_kind": "institution",
    }
    w.draft_disclosure = disclosure.disclosure_create(agency=w.lyg_bureau, by=alice, kind="typical_case", **values)
    published = disclosure.disclosure_create(agency=w.lyg_bureau, by=alice, kind="typical_case", **values)
    w.disclosure = disclosure.disclosure_publish(disclosure=published, by=alice, today=today)
    record = {"seed": "42", "algorithm": "v1", "population_size": 1, "targets": []}
    check = disclosure.disclosure_create(
        agency=w.lyg_bureau, by=alice, kind="random_check", draw_record=record, **{**values, "title": "双随机抽查结果"}
    )
    w.random_check = disclosure.disclosure_publish(disclosure=check, by=alice, today=today)
    _seed_more(w)


def _seed_more(w: World) -> None:
    from credit.models import Blacklisting
    from documents.models import Document
    from ratings.models import Indicator
    from ratings.services import deduction_record
    from stats.services import statistics_issue

    today = timezone.localdate()
    w.deduction = deduction_record(
        subject=w.pharmacy,
        year=today.year,
        indicator=Indicator.objects.order_by("pk").first(),
        points=2,
        reason="日常检查发现问题。",
        occurred_on=today,
        by=w.alice,
    )
    w.statistics_document = statistics_issue(
        kind="results", region=w.lyg_region, date_from=today.replace(day=1), date_to=today, by=w.alice
    )
    w.insured = SubjectFactory(region=w.lyg_region, kind="insured", name="张某", code="320706198001010011")
    w.listing = Blacklisting.objects.create(
        subject=w.insured, reason=Blacklisting.Reason.values[0], listed_on=today, case=w.referral_case
    )
    w.document = (
        Document.objects.filter(agency=w.lyg_bureau).exclude(pk=w.statistics_document.pk).order_by("pk").first()
    )
    w.agreement_document = None


# ---------------------------------------------------------------------------------------------- the matrix

LOGIN = "login"  # 302 to the sign-in page
ACTORS = ("owner", "denied", "other", "auditor", "anon")
DEFAULT_PLAYERS = {"owner": "alice", "denied": "bob", "other": "charlie", "auditor": "auditor", "anon": None}


@dataclass
class Entry:
    """One route: its kwargs from the world, the method probed and the status per actor (None: not probed)."""

    kwargs: Callable[[World], dict] | None = None
    method: str = "GET"
    expect: dict = field(default_factory=dict)
    players: dict = field(default_factory=dict)
    marker: Callable[[World], str] | None = None  # text of the owner's row a list shows; never to "other"
    unseen: tuple = ("other",)  # who must not find the marker (a user who cannot open the row cannot list it)
    foreign: Callable[[World], str] | None = None  # text of the other city's row; never shown to "owner"
    xfail: dict = field(default_factory=dict)  # actor -> reason: a known leak the app must fix
    query: str = ""  # query string appended to the URL
    # What a POST sends (default: nothing) — valid data where a view checks the form before the permission.
    data: dict | Callable[[World], dict] | None = None
    headers: Callable[[World], dict] | None = None  # extra request headers (as Django META keys)
    fresh: bool = False  # a client of its own (signing out ends the shared client's session)

    def player(self, actor: str) -> str | None:
        return {**DEFAULT_PLAYERS, **self.players}.get(actor)


def page(kwargs=None, *, owner=200, denied=None, other=404, auditor=200, anon=LOGIN, **options) -> Entry:
    """A staff page: anonymous callers go to the sign-in page."""
    expect = {"owner": owner, "denied": denied, "other": other, "auditor": auditor, "anon": anon}
    return Entry(kwargs=kwargs, expect=expect, **options)


def post(kwargs=None, *, owner=None, denied=403, other=404, auditor=403, anon=LOGIN, **options) -> Entry:
    """A POST-only action, probed with empty data unless the entry gives some. The owner is not probed by
    default: an empty form's reply says nothing about permissions, and a valid one would change the world
    the other probes read."""
    return page(kwargs, owner=owner, denied=denied, other=other, auditor=auditor, anon=anon, method="POST", **options)


def api(kwargs=None, *, owner=200, denied=None, other=404, auditor=200, anon=401, **options) -> Entry:
    return page(kwargs, owner=owner, denied=denied, other=other, auditor=auditor, anon=anon, **options)


def api_post(kwargs=None, *, owner=None, denied=403, other=404, auditor=403, anon=401, **options) -> Entry:
    options.setdefault("method", "POST")
    return page(kwargs, owner=owner, denied=denied, other=other, auditor=auditor, anon=anon, **options)


def public(kwargs=None, *, status=200, method="GET", **options) -> Entry:
    """Open to everyone, signed in or not."""
    expect = dict.fromkeys(ACTORS, status)
    return Entry(kwargs=kwargs, method=method, expect=expect, **options)


def task(flow_path: str, newest: bool = False):
    def build(w):
        from django.utils.module_loading import import_string

        found = open_task(import_string(flow_path), newest=newest)
        return {"task_id": found.pk}

    return build


def pk(name: str):
    return lambda w: {"pk": w[name].pk}


# Routes of the Django admin and unnamed routes have no entry: the admin is for superusers only and guards
# itself (staff_member_required on every view); it is excluded by namespace in the coverage test.
EXCLUDED_NAMESPACES = ("admin",)

MATRIX: dict[str, Entry] = {}

CASE = pk("case")
SUBJECT_CODE = lambda w: {"kind": w.insured.kind, "code": w.insured.code}  # noqa: E731
YEAR = lambda w: {"subject_id": w.pharmacy.pk, "year": w.deduction.evaluation.year}  # noqa: E731
ACTION = {"owner": "alice", "denied": "bob", "other": "charlie"}
AGREEMENT = {"owner": "manager", "denied": "bob", "other": "cz_manager"}
RECOVERY = {"owner": "officer", "denied": "bob", "other": "cz_officer"}
REWARD = {"owner": "handler", "denied": "bob", "other": "cz_handler"}
ASSIST = {"owner": "alice", "denied": "clerk", "other": "dave"}
ASSIST_ANSWER = {"owner": "charlie", "denied": "alice", "other": "dave"}
CASEWORK = {"denied": "clerk"}  # bob investigates the cases: a clerk is the bureau's user without a say
INTAKE = {"owner": "clerk", "other": "cz_clerk"}
SECRET = lambda w: {"HTTP_X_REPORT_SECRET": w.public_submission.secret}  # noqa: E731
OUTCOME = {"kind": "judgment", "summary": "判处有期徒刑六个月。", "decided_on": "2026-01-05"}

MATRIX.update(
    {
        # ---- sign-in, health, home
        "home": page(owner=302, other=302, auditor=302),  # to the signed-in user's start page
        "healthz": public(),
        "live-counts": page(other=200),
        "login": public(),
        "logout": public(method="POST", status=302, fresh=True),
        "task-list": page(other=200, marker=lambda w: w.lead.title),
        "dashboard": page(other=200, denied=403),
        # ---- casework
        "lead-list": page(other=200, marker=lambda w: w.lead.title, foreign=lambda w: w.cz_lead.title),
        "lead-register": page(other=200, auditor=403),
        "lead-detail": page(pk("lead")),
        "case-list": page(other=200, marker=lambda w: w.case.number, foreign=lambda w: w.cz_case.number),
        "case-detail": page(CASE),
        "case-withdraw": post(CASE, players=CASEWORK),
        "triage-task": page(task("workflows.triage.TriageFlow"), auditor=403, denied=403),
        # Investigation and outcome task pages are readable by whoever reads the case; the form is offered
        # only to who may act (may_act). A triage task is for those who may triage only.
        "investigation-task": page(task("workflows.investigation.InvestigationFlow")),
        "outcome-task": page(task("workflows.outcome.OutcomeFlow", newest=True)),
        "investigation-assign": post(CASE, players=CASEWORK),
        "violation-add": post(CASE, players=CASEWORK),
        "violation-remove": post(pk("violation"), players=CASEWORK),
        "evidence-add": page(CASE, auditor=403),
        "record-add": page(CASE, auditor=403),
        "preservation-add": post(CASE, players=CASEWORK),
        "evidence-detail": page(pk("evidence")),
        "evidence-download": page(pk("evidence")),
        "evidence-hand-over": post(pk("evidence"), players=CASEWORK),
        "preservation-decide": post(pk("preservation"), players=CASEWORK),
        # ---- documents
        "document-verify": public(),
        "document-detail": page(pk("document")),
        "document-pdf": page(pk("document")),
        # ---- intake
        "public-report": public(),
        "public-report-status": public(),
        # Without a report in the session both go back to the status page's sign-in form.
        "public-report-message": public(method="POST", status=302),
        "public-report-end": public(method="POST", status=302),
        "screening-import": page(other=200, auditor=403, players={"owner": "screener", "other": "cz_screener"}),
        "intake-inbox": page(other=200, players=INTAKE, marker=lambda w: w.web_report.subject_name),
        "intake-report-register": page(other=200, auditor=403, players=INTAKE),
        "intake-report": page(pk("report"), players={"owner": "clerk", "other": "cz_clerk"}),
        # Both check the form before the report: send a valid one, or everyone is sent back to the report.
        "intake-report-reply": post(pk("report"), players=INTAKE, data={"body": "已收到。"}),
        "intake-report-note": post(pk("report"), players=INTAKE, data={"body": "备注。"}),
        "intake-attachment": page(pk("attachment"), players=INTAKE),
        "intake-report-acknowledge": post(pk("report"), players={"owner": "clerk", "other": "cz_clerk"}),
        "intake-report-result-notice": post(pk("report"), players={"owner": "clerk", "other": "cz_clerk"}),
        # ---- penalties
        "penalty-list": page(other=200, marker=lambda w: w.penalty_case.number),
        "penalty-detail": page(pk("penalty")),
        "penalty-task": page(task("workflows.penalty.PenaltyFlow")),
        # Only the agency head extends the decision deadline.
        "penalty-extension": page(
            pk("penalty_case"), players={"owner": "director", "denied": "alice"}, denied=403, auditor=403
        ),
        # ---- money
        "money-overview": page(other=200),
        "money-obligations": page(other=200, marker=lambda w: w.obligation.basis),
        "money-obligation": page(pk("obligation")),
        # The obligation comes with the form: a caller who cannot see it gets 404, a reader who may not pay 403.
        "money-payment-add": post(data=lambda w: {"obligation": w.obligation.pk}),
        "money-subject": page(pk("subject")),
        # ---- agreements
        "agreement-list": page(other=200, players=AGREEMENT, marker=lambda w: w.agreement_case.number),
        "agreement-detail": page(pk("agreement"), players=AGREEMENT),
        "agreement-notice-pdf": page(
            lambda w: {"pk": w.noticed_agreement.pk, "document_id": w.noticed_agreement.notice_id}, players=AGREEMENT
        ),
        "api:agreement-action-document-pdf": api(
            lambda w: {"pk": w.noticed_agreement.pk, "document_id": w.noticed_agreement.notice_id}, players=AGREEMENT
        ),
        "api:agreement-action-measure-remove": api_post(
            lambda w: {"pk": w.agreement.pk, "measure_id": w.measure.pk}, players=AGREEMENT, method="DELETE"
        ),
        "agreement-task": page(task("workflows.agreement.AgreementFlow"), players=AGREEMENT),
        # ---- referrals
        "referral-list": page(other=200, marker=lambda w: w.referral_case.number, query="?tab=all"),
        "counter-referral-list": page(other=200),
        # Counter-referrals (线索移送 from the police to the bureau) are sent by liaisons of other agencies.
        "counter-referral-new": page(
            other=403, denied=403, auditor=403, players={"owner": "police", "denied": "alice"}
        ),
        "referral-detail": page(pk("referral")),
        "referral-act": post(lambda w: {"pk": w.referral.pk, "step": "receipt"}),
        "referral-evidence-file": page(
            lambda w: {"pk": w.referral.pk, "evidence_id": w.referral.evidence.get().pk}, denied=200
        ),
        "referral-task": page(task("workflows.referral.ReferralFlow"), owner=302, auditor=302),  # to the referral
        # ---- rewards
        "reward-list": page(other=200, players=REWARD, marker=lambda w: w.reward_case.number, denied=403),
        "reward-statistics": page(other=200, players=REWARD, denied=403),
        "reward-detail": page(pk("reward"), players=REWARD, denied=404),
        "reward-act": post(lambda w: {"pk": w.reward.pk, "step": "review"}, players=REWARD, denied=404),
        "reward-identity": post(pk("reward"), players=REWARD, denied=404),
        "reward-payment": post(pk("reward"), players=REWARD, denied=404),
        "reward-start": post(pk("reward_case"), players=REWARD),
        "reward-task": page(task("workflows.reward.RewardFlow"), players=REWARD, owner=302, auditor=302, denied=404),
        # ---- recoveries
        "recovery-list": page(
            other=200, players=RECOVERY, marker=lambda w: w.recovery.reference, unseen=("other", "denied")
        ),
        "recovery-detail": page(pk("recovery"), players=RECOVERY, denied=404),
        "recovery-open": page(pk("penalty_case"), players=RECOVERY, auditor=403, denied=403),
        # ---- statistics, ratings, credit
        "statistics": page(other=200),
        "statistics-issue": post(other=None),  # no object: charlie issues his own city's tables
        "statistics-document-pdf": page(pk("statistics_document")),
        "rating-list": page(other=200),
        "rating-evaluation": page(YEAR),
        "rating-deduction-add": post(YEAR),
        "rating-deduction-repair": post(lambda w: {**YEAR(w), "deduction_id": w.deduction.pk}),
        "credit-home": page(other=200),
        "credit-listing-remove": post(pk("listing")),
        "credit-detail": page(SUBJECT_CODE),
        "credit-measure-add": post(SUBJECT_CODE),
        # ---- inspections
        "inspection-plan-list": page(other=200, marker=lambda w: w.plan.title),
        "inspection-plan-detail": page(pk("plan")),
        "inspection-plan-draw": post(pk("plan")),
        # An inspector's own declarations of conflict of interest.
        "inspection-own-conflicts": page(
            other=200, denied=403, auditor=403, players={"owner": "bob", "denied": "alice", "other": "cz_investigator"}
        ),
        "inspection-review-import": post(pk("plan")),
        "inspection-conflict-declare": post(pk("plan")),
        "inspection-target-visit": post(lambda w: {"pk": w.plan.pk, "target_pk": w.target.pk}, players=CASEWORK),
        "inspection-target-record": page(lambda w: {"pk": w.plan.pk, "target_pk": w.visited_target.pk}),
        "special-action-list": page(other=200, players=ACTION, marker=lambda w: w.action.title),
        "special-action-detail": page(pk("action"), players=ACTION),
        "special-action-phase-set": post(pk("action"), players=ACTION),
        "special-action-phase-remove": post(lambda w: {"pk": w.action.pk, "phase_pk": w.phase.pk}, players=ACTION),
        "special-action-member-add": post(pk("action"), players=ACTION),
        "special-action-member-remove": post(lambda w: {"pk": w.action.pk, "member_pk": w.member.pk}, players=ACTION),
        "special-action-plan-attach": post(pk("action"), players=ACTION),
        "special-action-plan-detach": post(lambda w: {"pk": w.action.pk, "plan_pk": w.plan.pk}, players=ACTION),
        "special-action-report-issue": post(pk("action"), players=ACTION),
        "special-action-report-pdf": page(pk("action"), players=ACTION),
        # ---- disclosure
        "disclosure-public-list": public(),
        "disclosure-public-detail": public(pk("disclosure")),
        "disclosure-draw-record": public(pk("random_check")),
        "disclosure-manage": page(other=200, auditor=403, marker=lambda w: w.draft_disclosure.title, denied=403),
        "disclosure-manage-detail": page(pk("draft_disclosure"), auditor=403, denied=403),
        "disclosure-publish": post(pk("draft_disclosure")),
        "disclosure-withdraw": post(pk("disclosure")),
        # ---- assists
        # 协查 is shared by the two bureaus only: a third city's head and the province auditor see nothing.
        # Answering and declining are the receiver's (常州's); the sender may not.
        "assist-list": page(
            other=200,
            players=ASSIST,
            marker=lambda w: w.assist.subject_name,
            query="?tab=sent",
            unseen=("other", "denied"),
        ),
        "assist-new": page(other=200, auditor=403, players=ASSIST, denied=403),
        "assist-detail": page(
            pk("assist"),
            players=ASSIST,
            auditor=404,
            denied=404,
        ),
        "assist-answer": post(pk("assist"), players=ASSIST_ANSWER, denied=403, auditor=404),
        "assist-decline": post(pk("assist"), players=ASSIST_ANSWER, denied=403, auditor=404),
        "assist-file": page(
            lambda w: {"pk": w.answered_assist.pk, "file_id": w.assist_file.pk}, players=ASSIST, auditor=404, denied=404
        ),
        "major-case-list": page(other=200, marker=lambda w: w.agreement_case.number),
        "major-case-detail": page(pk("major")),
        # The superior bureau's heads comment (an empty comment is a form error); its auditor only reads.
        "major-case-comment": post(pk("major")),
        # ---- API
        "api:api-token": public(method="POST", status=400),
        "api:api-document-verify": public(status=400),  # without a number and code: a form error, to anyone
        "api:api-document-detail": api(pk("document")),
        "api:api-document-pdf": api(pk("document")),
        "api:public-report-create": public(method="POST", status=400),
        "api:public-report-status": public(lambda w: {"receipt_code": w.web_report.receipt_code}, headers=SECRET),
        "api:public-report-message-create": public(
            lambda w: {"receipt_code": w.web_report.receipt_code}, method="POST", status=400, headers=SECRET
        ),
        # No object: a screening account sends hits of its own region (tested in test_screen_hits_api).
        "api:api-screen-hits": api_post(other=None, players={"owner": "screener"}),
        "api:penalty-list": api(other=200, marker=lambda w: w.penalty_case.number),
        "api:penalty-detail": api(pk("penalty")),
        "api:money-totals": api(other=200),
        "api:obligation-list": api(other=200, marker=lambda w: w.obligation.basis),
        "api:obligation-detail": api(pk("obligation")),
        "api:obligation-payments": api_post(pk("obligation")),
        "api:agreement-action-list": api(other=200, players=AGREEMENT, marker=lambda w: w.agreement_case.number),
        "api:agreement-action-detail": api(pk("agreement"), players=AGREEMENT),
        "api:agreement-action-check": api_post(pk("agreement"), players=AGREEMENT),
        "api:agreement-action-decision": api_post(pk("agreement"), players=AGREEMENT),
        "api:agreement-action-measures": api_post(pk("agreement"), players=AGREEMENT),
        "api:agreement-action-notice": api_post(pk("agreement"), players=AGREEMENT),
        "api:agreement-action-statement": api_post(pk("agreement"), players=AGREEMENT),
        "api:referral-list": api(other=200, marker=lambda w: w.referral.number),
        "api:referral-detail": api(pk("referral")),
        "api:referral-accept": api_post(pk("referral")),
        "api:referral-forward": api_post(pk("referral")),
        # The serializer runs before the permission check: send a valid outcome so the check is reached.
        "api:referral-outcome": api_post(pk("referral"), data=OUTCOME),
        "api:referral-receipt": api_post(pk("referral")),
        "api:referral-reject": api_post(pk("referral")),
        "api:reward-list": api(
            other=200, players=REWARD, marker=lambda w: w.reward_case.number, unseen=("other", "denied")
        ),
        "api:reward-detail": api(pk("reward"), players=REWARD, denied=404),
        "api:recovery-list": api(
            other=200, players=RECOVERY, marker=lambda w: w.recovery.reference, unseen=("other", "denied")
        ),
        "api:recovery-detail": api(pk("recovery"), players=RECOVERY, denied=404),
        "api:recovery-payments": api_post(pk("recovery"), players=RECOVERY, denied=404),
        "api:statistics-results": api(other=200),
        "api:statistics-violations": api(other=200),
        "api:credit-detail": api(SUBJECT_CODE),
        "api:inspection-plan-list": api(other=200, marker=lambda w: w.target.subject.code),
        "api:inspection-plan-detail": api(pk("plan")),
        "api:assist-request-list": api(
            other=200,
            players=ASSIST,
            marker=lambda w: w.assist.subject_name,
            query="?box=sent",
            unseen=("other", "denied"),
        ),
        "api:assist-request-detail": api(
            pk("assist"),
            players=ASSIST,
            auditor=404,
            denied=404,
        ),
        "api:assist-request-answer": api_post(pk("assist"), players=ASSIST_ANSWER, denied=403, auditor=404),
        "api:assist-request-decline": api_post(pk("assist"), players=ASSIST_ANSWER, denied=403, auditor=404),
        "api:public-disclosures": public(),
        "api:lead-list": api(other=200, marker=lambda w: w.lead.title, foreign=lambda w: w.cz_lead.title),
        "api:lead-detail": api(pk("lead")),
        "api:lead-triage": api_post(pk("lead")),
        "api:case-list": api(other=200, marker=lambda w: w.case.number, foreign=lambda w: w.cz_case.number),
        "api:case-detail": api(CASE),
        "api:subject-list": api(other=200),
        "api:subject-detail": api(pk("subject")),
        "api-schema": public(),
        "api-docs": public(),
    }
)

# Routes whose objects the world does not build yet: listed so that a NEW route still fails the coverage test.
PENDING = {}
