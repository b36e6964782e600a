"""Evidence registry (issue 5): two collectors, files by SHA-256, chain of custody, 先行登记保存, records."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from casework import evidence as services
from casework.errors import AlreadyDecided, InvalidInput, InvalidTransition
from casework.models import CustodyTransfer, Evidence, Preservation
from documents.services import document_pdf_bytes
from organisation.roles import Role
from tests.factories import UserFactory
from workflows.triage import triage_decide

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200


@pytest.fixture
def case(make_lead, alice):
    return triage_decide(lead=make_lead(), by=alice, decision="open").case


@pytest.fixture
def bob2(lyg_bureau):
    return UserFactory(username="bob2", first_name="孙伟", agency=lyg_bureau, roles=[Role.INVESTIGATOR])


def register(case, by, collectors, **fields):
    defaults = {
        "kind": Evidence.Kind.DOCUMENTARY,
        "title": "住院病历复印件",
        "description": "2025年住院病历共12页，经医院盖章确认。",
        "collected_at": timezone.now() - datetime.timedelta(hours=2),
        "place": "连云港市第一人民医院病案室",
    }
    return services.evidence_register(case=case, by=by, collected_by=collectors, **{**defaults, **fields})


def form_data(collectors, **fields):
    return {
        "kind": Evidence.Kind.AUDIOVISUAL,
        "title": "现场检查录像",
        "description": "",
        "collected_by": [user.pk for user in collectors],
        "collected_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "住院部三楼",
        **fields,
    }


class TestRegister:
    def test_two_collectors_and_the_collection_starts_the_chain(self, case, alice, bob):
        evidence = register(case, bob, [alice, bob])
        assert set(evidence.collected_by.all()) == {alice, bob}
        assert evidence.holder == bob
        (entry,) = evidence.custody.all()
        assert entry.position == 1 and entry.from_holder is None and entry.to_holder == bob
        assert entry.handed_at == evidence.collected_at

    def test_one_collector_is_refused_with_a_clear_message(self, case, bob):
        with pytest.raises(InvalidInput) as caught:
            register(case, bob, [bob, bob])
        assert "执法人员不得少于 2 人" in str(caught.value.errors["collected_by"][0])
        assert not Evidence.objects.exists()

    def test_collectors_come_from_the_cases_agency(self, case, alice, charlie, clerk):
        for other in (charlie, clerk):
            with pytest.raises(InvalidInput) as caught:
                register(case, alice, [alice, other])
            assert "collected_by" in caught.value.errors

    def test_not_on_a_withdrawn_case(self, case, alice, bob):
        from casework.services import case_withdraw

        case_withdraw(case=case, by=alice, reason="证据不足")
        with pytest.raises(InvalidTransition):
            register(case, alice, [alice, bob])

    def test_not_in_the_future(self, case, alice, bob):
        with pytest.raises(InvalidInput) as caught:
            register(case, alice, [alice, bob], collected_at=timezone.now() + datetime.timedelta(hours=1))
        assert "collected_at" in caught.value.errors


class TestWebRegister:
    def test_video_is_stored_under_its_sha256_and_downloadable_by_the_owner(self, client, case, alice, bob):
        client.force_login(bob)
        response = client.post(
            reverse("evidence-add", args=[case.pk]),
            {**form_data([alice, bob]), "file": SimpleUploadedFile("检查录像.mp4", MP4)},
        )
        evidence = Evidence.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("evidence-detail", args=[evidence.pk])
        assert evidence.sha256 == hashlib.sha256(MP4).hexdigest()
        assert (evidence.extension, evidence.content_type, evidence.size) == ("mp4", "video/mp4", len(MP4))
        assert evidence.original_name == "检查录像.mp4"
        client.force_login(alice)
        download = client.get(reverse("evidence-download", args=[evidence.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content) == MP4
        assert download["X-Content-Type-Options"] == "nosniff"
        page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
        assert "现场检查录像" in page and evidence.sha256[:10] in page

    def test_one_collector_shows_the_message_on_the_form(self, client, case, bob):
        client.force_login(bob)
        response = client.post(reverse("evidence-add", args=[case.pk]), form_data([bob]))
        assert response.status_code == 200
        assert "至少" in response.content.decode()
        assert not Evidence.objects.exists()

    def test_a_file_of_another_type_is_refused(self, client, case, alice, bob):
        client.force_login(bob)
        response = client.post(
            reverse("evidence-add", args=[case.pk]),
            {**form_data([alice, bob]), "file": SimpleUploadedFile("a.exe", b"MZ\x90\x00" + b"\x00" * 100)},
        )
        assert response.status_code == 200 and not Evidence.objects.exists()
        assert response.context["form"].errors["file"]

    def test_evidence_files_have_their_own_size_limit(self, client, case, alice, bob, settings):
        settings.ATTACHMENT_MAX_BYTES, settings.EVIDENCE_MAX_BYTES = 100, 100_000
        client.force_login(bob)
        url = reverse("evidence-add", args=[case.pk])
        client.post(url, {**form_data([alice, bob]), "file": SimpleUploadedFile("v.mp4", MP4)})
        assert Evidence.objects.get().size == len(MP4)
        settings.EVIDENCE_MAX_BYTES = 100
        response = client.post(url, {**form_data([alice, bob]), "file": SimpleUploadedFile("v.mp4", MP4)})
        assert response.status_code == 200 and response.context["form"].errors["file"]
        assert Evidence.objects.count() == 1

    def test_reports_still_refuse_video(self):
        from intake import attachments

        with pytest.raises(InvalidInput):
            attachments.check_uploads([SimpleUploadedFile("v.mp4", MP4)])
        (checked,) = attachments.check_uploads([SimpleUploadedFile("v.mp4", MP4)], allowed=attachments.EVIDENCE_TYPES)
        attachments.discard([checked])


class TestAccess:
    @pytest.fixture
    def evidence(self, case, alice, bob):
        return register(case, bob, [alice, bob])

    def test_outsider_gets_404_everywhere(self, client, charlie, case, evidence):
        preservation = services.preservation_register(case=case, by=evidence.holder, items="药品20盒")
        client.force_login(charlie)
        for url in (
            reverse("evidence-add", args=[case.pk]),
            reverse("record-add", args=[case.pk]),
            reverse("evidence-detail", args=[evidence.pk]),
            reverse("evidence-download", args=[evidence.pk]),
        ):
            assert client.get(url).status_code == 404, url
        for url in (
            reverse("evidence-hand-over", args=[evidence.pk]),
            reverse("preservation-add", args=[case.pk]),
            reverse("preservation-decide", args=[preservation.pk]),
        ):
            assert client.post(url).status_code == 404, url

    def test_auditor_reads_but_gets_403_acting(self, client, auditor, case, evidence):
        client.force_login(auditor)
        page = client.get(reverse("evidence-detail", args=[evidence.pk]))
        assert page.status_code == 200 and page.context["hand_over_form"] is None
        assert client.get(reverse("evidence-add", args=[case.pk])).status_code == 403
        assert client.get(reverse("record-add", args=[case.pk])).status_code == 403
        assert client.post(reverse("evidence-hand-over", args=[evidence.pk])).status_code == 403
        assert client.post(reverse("preservation-add", args=[case.pk])).status_code == 403
        assert "Add evidence" not in client.get(reverse("case-detail", args=[case.pk])).content.decode()

    def test_same_agency_read_only_user_reads(self, client, clerk, case, evidence):
        client.force_login(clerk)
        assert client.get(reverse("evidence-detail", args=[evidence.pk])).status_code == 200
        assert client.get(reverse("evidence-add", args=[case.pk])).status_code == 403

    def test_anonymous_is_sent_to_login(self, client, case, evidence):
        for url in (
            reverse("evidence-add", args=[case.pk]),
            reverse("evidence-detail", args=[evidence.pk]),
            reverse("evidence-download", args=[evidence.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_wrong_method_is_405(self, client, alice, evidence):
        client.force_login(alice)
        assert client.get(reverse("evidence-hand-over", args=[evidence.pk])).status_code == 405

    def test_item_without_file_has_no_download(self, client, alice, evidence):
        client.force_login(alice)
        assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404


class TestHandOver:
    def test_chain_is_recorded_in_order(self, case, alice, bob, bob2):
        evidence = register(case, bob, [alice, bob])
        evidence = services.evidence_hand_over(evidence=evidence, by=bob, to=bob2, place="稽查科", note="送检前交接")
        evidence = services.evidence_hand_over(evidence=evidence, by=bob2, to=alice, place="档案室")
        chain = list(evidence.custody.values_list("position", "from_holder", "to_holder", "recorded_by"))
        assert chain == [(1, None, bob.pk, bob.pk), (2, bob.pk, bob2.pk, bob.pk), (3, bob2.pk, alice.pk, bob2.pk)]
        evidence.refresh_from_db()
        assert evidence.holder == alice

    def test_only_the_holder_or_a_section_head(self, case, alice, bob, bob2):
        evidence = register(case, bob, [alice, bob])
        with pytest.raises(PermissionDenied):
            services.evidence_hand_over(evidence=evidence, by=bob2, to=bob2)
        evidence = services.evidence_hand_over(evidence=evidence, by=alice, to=bob2, note="科长调配")
        assert evidence.holder == bob2 and evidence.custody.count() == 2

    def test_a_stale_holder_is_refused(self, case, alice, bob, bob2):
        evidence = register(case, bob, [alice, bob])
        stale = Evidence.objects.get(pk=evidence.pk)
        services.evidence_hand_over(evidence=evidence, by=bob, to=bob2)
        with pytest.raises(InvalidTransition):
            services.evidence_hand_over(evidence=stale, by=alice, to=alice)
        assert CustodyTransfer.objects.count() == 2

    def test_to_an_officer_of_the_agency_only(self, case, alice, bob, charlie, clerk):
        evidence = register(case, bob, [alice, bob])
        for other in (charlie, clerk, bob):
            with pytest.raises(InvalidInput):
                services.evidence_hand_over(evidence=evidence, by=bob, to=other)

    def test_custody_goes_on_after_the_case_is_withdrawn(self, client, case, alice, bob, bob2):
        from casework.services import case_withdraw

        evidence = register(case, bob, [alice, bob])
        case_withdraw(case=case, by=alice, reason="证据不足")
        client.force_login(bob)
        assert client.get(reverse("evidence-detail", args=[evidence.pk])).context["hand_over_form"] is not None
        services.evidence_hand_over(evidence=evidence, by=bob, to=bob2, note="归档")
        assert evidence.custody.count() == 2

    def test_from_the_page(self, client, case, alice, bob, bob2):
        evidence = register(case, bob, [alice, bob])
        client.force_login(bob)
        page = client.get(reverse("evidence-detail", args=[evidence.pk]))
        assert page.context["hand_over_form"] is not None
        url = reverse("evidence-hand-over", args=[evidence.pk])
        response = client.post(url, {"to": bob2.pk, "place": "稽查科", "note": "", "holder": bob.pk}, follow=True)
        assert "孙伟" in response.content.decode()
        evidence.refresh_from_db()
        assert evidence.holder == bob2
        # Posting the same (now stale) form again records nothing.
        client.post(url, {"to": alice.pk, "place": "", "note": "", "holder": bob.pk})
        assert evidence.custody.count() == 2
        client.force_login(bob)
        assert client.get(reverse("evidence-detail", args=[evidence.pk])).context["hand_over_form"] is None


class TestPreservation:
    def test_deadline_is_seven_calendar_days(self, case, alice):
        preservation = services.preservation_register(
            case=case, by=alice, items="可疑药品20盒", registered_on=datetime.date(2026, 9, 30)
        )
        # 国庆 holidays do not extend it: the law counts 日.
        assert preservation.decision_due == datetime.date(2026, 10, 7)

    def test_overdue_is_flagged_and_a_late_decision_recorded(self, case, alice, time_machine):
        time_machine.move_to(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC))
        preservation = services.preservation_register(
            case=case, by=alice, items="处方单3本", registered_on=datetime.date(2026, 10, 20)
        )
        assert preservation.is_overdue and list(Preservation.objects.overdue()) == [preservation]
        decided = services.preservation_decide(
            preservation=preservation, by=alice, decision=Preservation.Decision.CONFISCATE
        )
        assert decided.decided_late and not decided.is_overdue
        assert not Preservation.objects.overdue().exists()

    def test_decided_once(self, case, alice, alice2):
        preservation = services.preservation_register(case=case, by=alice, items="药品20盒")
        decided = services.preservation_decide(preservation=preservation, by=alice, decision="release")
        assert not decided.decided_late and decided.decided_by == alice
        with pytest.raises(AlreadyDecided):
            services.preservation_decide(preservation=preservation, by=alice2, decision="confiscate")

    def test_from_the_case_page(self, client, case, alice):
        client.force_login(alice)
        client.post(reverse("preservation-add", args=[case.pk]), {"items": "收费票据50张", "place": "财务室"})
        preservation = Preservation.objects.get()
        page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
        assert "收费票据50张" in page
        client.post(reverse("preservation-decide", args=[preservation.pk]), {"decision": "transfer", "note": ""})
        preservation.refresh_from_db()
        assert preservation.decision == "transfer" and preservation.decided_on == timezone.localdate()


class TestRecords:
    def test_interview_record_is_numbered_rendered_and_registered(
        self, case, alice, bob, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            evidence = services.record_issue(
                case=case,
                by=bob,
                kind=Evidence.Kind.INTERVIEW_RECORD,
                collected_by=[alice, bob],
                started_at=timezone.now() - datetime.timedelta(hours=1),
                place="连云港市医疗保障局询问室",
                person="张某",
                person_details="住院部护士长，电话 138****0000",
                text="问：你是否知道患者住院期间离院？\n答：知道，有登记。",
            )
        document = evidence.document
        year = timezone.localdate().year
        assert document.number == f"连医保询录〔{year}〕1号" and document.case == case
        assert evidence.kind == Evidence.Kind.INTERVIEW_RECORD and set(evidence.collected_by.all()) == {alice, bob}
        pdf = document_pdf_bytes(document=document)
        assert pdf.startswith(b"%PDF")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "询问笔录" in text and "张某" in text and "bob" in text

    def test_inspection_record_from_the_page(self, client, case, alice, bob):
        client.force_login(alice)
        response = client.post(
            reverse("record-add", args=[case.pk]),
            {
                "kind": Evidence.Kind.INSPECTION_RECORD,
                "collected_by": [alice.pk, bob.pk],
                "started_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
                "place": "住院部",
                "person": "李主任",
                "text": "现场检查发现在床患者12人，登记住院15人。",
            },
        )
        evidence = Evidence.objects.get()
        assert response.status_code == 302 and evidence.document.number.startswith("连医保检录〔")

    def test_a_record_needs_two_investigators(self, case, bob):
        with pytest.raises(InvalidInput):
            services.record_issue(
                case=case,
                by=bob,
                kind=Evidence.Kind.INTERVIEW_RECORD,
                collected_by=[bob],
                started_at=timezone.now(),
                place="询问室",
                person="张某",
                text="问答",
            )
        assert not Evidence.objects.exists()


def test_case_page_queries_stay_flat(client, case, alice, bob, bob2, django_assert_max_num_queries):
    client.force_login(alice)
    register(case, bob, [alice, bob])
    client.get(reverse("case-detail", args=[case.pk]))
    # The case page also carries the outcome, agreement, penalty and money panels.
    with django_assert_max_num_queries(34) as one:
        client.get(reverse("case-detail", args=[case.pk]))
    for index in range(6):
        item = register(case, bob, [alice, bob, bob2], title=f"证据{index}")
        services.evidence_hand_over(evidence=item, by=bob, to=bob2)
        services.preservation_register(case=case, by=bob, items=f"物品{index}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("case-detail", args=[case.pk]))
    assert response.content.decode().count("证据") >= 6


def test_case_api_lists_evidence_and_preservations(api_as, case, alice, bob):
    evidence = register(case, bob, [alice, bob])
    services.preservation_register(case=case, by=bob, items="药品", registered_on=datetime.date(2026, 1, 5))
    data = api_as(alice).get(f"/api/v1/cases/{case.pk}/").json()
    assert data["evidence"] == [
        {
            "id": evidence.pk,
            "kind": "documentary",
            "title": "住院病历复印件",
            "collected_at": data["evidence"][0]["collected_at"],
            "sha256": "",
            "holder": "bob",
        }
    ]
    (preservation,) = data["preservations"]
    assert preservation["decision_due"] == "2026-01-12" and preservation["overdue"] is True
    assert preservation["decided_on"] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hand_overs_at_once_leave_one_consistent_chain(case, alice, alice2, bob, bob2):
    from tests.factories import on_postgres
    from tests.test_concurrency_pg import run_together

    if not on_postgres():
        pytest.skip("row-lock races need PostgreSQL (make test-pg)")
    evidence = register(case, bob, [alice, bob])
    # Both forms were shown while bob held the item.
    seen_by_bob, seen_by_head = Evidence.objects.get(pk=evidence.pk), Evidence.objects.get(pk=evidence.pk)
    results = run_together(
        [
            lambda: services.evidence_hand_over(evidence=seen_by_bob, by=bob, to=bob2),
            lambda: services.evidence_hand_over(evidence=seen_by_head, by=alice2, to=alice),
        ]
    )
    winners = [r for r in results if isinstance(r, Evidence)]
    assert len(winners) == 1 and isinstance(next(r for r in results if r not in winners), InvalidTransition), results
    chain = list(CustodyTransfer.objects.filter(evidence=evidence).order_by("position"))
    assert [entry.position for entry in chain] == [1, 2]
    assert chain[1].from_holder_id == chain[0].to_holder_id == bob.pk
    evidence.refresh_from_db()
    assert evidence.holder_id == chain[-1].to_holder_id == winners[0].holder_id


def test_evidence_page_queries_stay_flat(client, case, alice, bob, bob2, django_assert_max_num_queries):
    evidence = register(case, bob, [alice, bob])
    client.force_login(alice)
    url = reverse("evidence-detail", args=[evidence.pk])
    client.get(url)
    # The case page also carries the outcome, agreement, penalty and money panels.
    with django_assert_max_num_queries(34) as one:
        client.get(url)
    for _ in range(4):
        evidence = services.evidence_hand_over(evidence=evidence, by=alice, to=bob2)
        evidence = services.evidence_hand_over(evidence=evidence, by=alice, to=bob)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["custody"]) == 9
