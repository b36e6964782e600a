"""Every kind of document (文书, domain.md §13): rendered with Chinese text, its mandatory elements and the SC
faces; numbered without gaps; immutable; the document page with its supersede chain; the public verify page."""

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import get_template
from django.urls import reverse
from pypdf import PdfReader

from casework.evidence import preservation_register
from documents.kinds import KINDS, NON_OPENING_NOTICE, PENALTY_DECISION, PRESERVATION_NOTICE
from documents.models import Document
from documents.services import document_issue, document_pdf_bytes, document_render
from workflows.triage import triage_decide

pytestmark = pytest.mark.django_db

SUBJECT = {
    "name": "连云港市康宁医院",
    "kind": "定点医疗机构",
    "code": "H32070100001",
    "address": "连云港市海州区朝阳东路18号",
    "id_number": "",
    "is_person": False,
}
PERSON = {
    "name": "李某某",
    "kind": "参保人员",
    "code": "320700198001010011",
    "address": "连云港市海州区新浦路5号",
    "id_number": "3207********0011",
    "is_person": True,
}
SUBJECTS = [{"name": SUBJECT["name"], "kind_display": "定点医疗机构", "code": SUBJECT["code"]}]
OFFICERS = [{"name": "王丽", "id": "32070001"}, {"name": "刘洋", "id": "32070002"}]
VIOLATIONS = [
    {
        "subject": SUBJECT["name"],
        "item": "7. 分解/超标准/重复/套用收费",
        "description": "超标准收取床位费",
        "period": "2025年1月1日至2025年6月30日",
        "amount": "12,345.60",
        "fund_loss": "9,876.50",
        "patient_money": "2,469.10",
    }
]
TOTALS = {"amount": "12,345.60", "fund_loss": "9,876.50", "patient_money": "2,469.10"}
MEASURES = ["责令退回医疗保障基金人民币9,876.50元", "罚款人民币19,753.00元"]
ARTICLE = "《医疗保障基金使用监督管理条例》第三十八条"
OWED = [{"ledger": "罚款", "due": "19,753.00", "paid": "0.00", "balance": "19,753.00"}]
CASE = {"case_title": "连云港市康宁医院超标准收费案", "case_number": "连医保案〔2026〕8号", "opened_on": "2026年1月5日"}
GROUNDS = [{"name": "涉嫌诈骗医保基金数额较大", "basis": "医保发〔2021〕49号"}]

# A representative frozen context per kind, with the keys its template reads (the issuing services' keys).
SAMPLE_CONTEXTS: dict[str, dict] = {
    "case_opening_form": {
        **CASE,
        "source": "举报",
        "received_on": "2026年1月2日",
        "decision_due": "2026年1月23日",
        "subjects": SUBJECTS,
        "summary": "举报人反映该院存在超标准收取床位费问题。",
        "legal_basis": "《医疗保障基金使用监督管理条例》；《医疗保障行政处罚程序暂行规定》（国家医保局令第4号）",
        "estimated_amount": "12,000.00",
        "approved_by": "王丽",
        "approved_on": "2026年1月5日",
    },
    "non_opening_notice": {
        "addressee": SUBJECT["name"],
        "subject_names": SUBJECT["name"],
        "received_on": "2026年1月2日",
        "source": "举报",
        "reason": "经核查，反映问题与事实不符。",
    },
    "report_acceptance_notice": {
        "addressee": "张某某",
        "received_on": "2026年1月2日",
        "channel": "12393热线",
        "subject_name": SUBJECT["name"],
        "decision_due": "2026年1月23日",
        "receipt_code": "JB7Q2K9M",
    },
    "report_result_notice": {
        "addressee": "张某某",
        "received_on": "2026年1月2日",
        "subject_name": SUBJECT["name"],
        "receipt_code": "JB7Q2K9M",
        "result": "经调查，您反映的超标准收费问题属实，本局已依法作出处理。",
    },
    "interview_record": {
        **CASE,
        "subjects": SUBJECT["name"],
        "started_at": "2026年1月8日9时00分",
        "ended_at": "2026年1月8日10时30分",
        "place": "连云港市康宁医院医保办",
        "investigators": OFFICERS,
        "person": "赵某（医保办主任）",
        "person_details": "身份证号：3207********1234",
        "text": "问：你院床位费如何收取？\n答：按照普通病房标准收取。",
    },
    "inspection_record": {
        **CASE,
        "subjects": SUBJECT["name"],
        "started_at": "2026年1月8日14时00分",
        "ended_at": "",
        "place": "连云港市康宁医院住院部",
        "investigators": OFFICERS,
        "person": "钱某（住院部护士长）",
        "person_details": "",
        "text": "检查住院部三楼病房，实际为普通病房，收费标准为单人间。",
    },
    "investigation_report": {
        **CASE,
        "subjects": SUBJECTS,
        "investigators": OFFICERS,
        "evidence": [
            {"kind": "询问笔录", "title": "赵某询问笔录", "collected_on": "2026年1月8日", "collected_by": "王丽、刘洋"}
        ],
        "summary": "经查，该院超标准收取床位费。",
        "violations": VIOLATIONS,
        "totals": TOTALS,
        "conclusion": "事实清楚，证据确凿，建议给予行政处罚。",
        "approved_by": "王丽",
        "approved_on": "2026年2月1日",
    },
    "case_closing_report": {
        **CASE,
        "subjects": SUBJECTS,
        "investigation_report": "连医保调终〔2026〕2号",
        "closed_on": "2026年4月1日",
        "conclusion": "该院超标准收取床位费。",
        "totals": TOTALS,
        "tracks": ["行政处罚"],
        "reasoning": "",
        "suspensions": [],
        "referrals": [],
        "credit": [],
        "money": [
            {"ledger": "罚款", "destination": "国库", "due": "19,753.00", "paid": "19,753.00", "balance": "0.00"}
        ],
        "summary": "处罚决定已执行完毕，建议结案。",
        "documents": [{"title": "行政处罚决定书", "number": "连医保罚决〔2026〕3号", "issued_on": "2026年3月1日"}],
        "approved_by": "王丽",
    },
    "breach_notice": {
        "subject_name": SUBJECT["name"],
        "subject_code": SUBJECT["code"],
        "subject_label": "定点医疗机构",
        "case_number": CASE["case_number"],
        "bureau_name": "连云港市医疗保障局",
        "regulation": "《医疗机构医疗保障定点管理暂行办法》（国家医疗保障局令第2号）",
        "agreement": "《医疗保障定点医疗机构服务协议》",
        "violations": [
            {
                "item": VIOLATIONS[0]["item"],
                "period": VIOLATIONS[0]["period"],
                "amount": "12,345.60",
                "fund_loss": "9,876.50",
                "description": "超标准收取床位费",
            }
        ],
        "totals": {"amount": "12,345.60", "fund_loss": "9,876.50"},
        "clauses": "服务协议第二十条",
        "measures": [{"heading": "追回医保基金", "text": "追回已由医保基金支付的违规费用9,876.50元。"}],
        "statement_days": "5",
        "statement_due": "2026年2月10日",
        "issued_on": "2026年2月3日",
        "handler": "周敏",
        "final": "",
        "we": "我局",
    },
    "penalty_prior_notice": {
        **CASE,
        "subject": SUBJECT,
        "article": ARTICLE,
        "facts": "经查，你单位2025年1月至6月超标准收取床位费。",
        "grounds": "你单位的上述行为违反了《医疗保障基金使用监督管理条例》第十五条的规定。",
        "evidence": ["询问笔录《赵某询问笔录》"],
        "measures": MEASURES,
        "statement_days": "5",
        "hearing_offered": True,
        "hearing_days": "5",
        "served_on": "2026年2月5日",
        "contact": "王丽",
    },
    "hearing_notice": {
        **CASE,
        "subject": SUBJECT,
        "article": ARTICLE,
        "facts": "",
        "grounds": "",
        "notice_number": "连医保罚告〔2026〕2号",
        "requested_on": "2026年2月7日",
        "hearing_at": "2026年2月20日9时30分",
        "place": "连云港市医疗保障局第一会议室",
        "public": True,
        "chair": "孙明",
        "notice_sent_on": "2026年2月9日",
        "contact": "王丽",
    },
    "hearing_record": {
        **CASE,
        "subject": SUBJECT,
        "article": ARTICLE,
        "measures": MEASURES,
        "hearing_at": "2026年2月20日9时30分",
        "held_on": "2026年2月20日",
        "place": "连云港市医疗保障局第一会议室",
        "public": "公开",
        "chair": "孙明",
        "clerk": "周敏",
        "participants": "调查人员：王丽、刘洋\n当事人代理人：赵某",
        "investigators_case": "当事人超标准收取床位费，证据确凿。",
        "subject_statement": "当事人对事实无异议，请求从轻处罚。",
    },
    "legal_review_opinion": {
        **CASE,
        "subject": SUBJECT,
        "article": ARTICLE,
        "measures": MEASURES,
        "statement": "当事人在规定期限内提出了陈述、申辩意见",
        "hearing_held": True,
        "passed": True,
        "opinion": "事实清楚，证据确凿，适用依据正确，程序合法，处罚适当。",
        "reviewer": "陈静",
        "reviewed_on": "2026年2月25日",
        "basis": "《中华人民共和国行政处罚法》第五十八条",
    },
    "collective_discussion_record": {
        **CASE,
        "subject": SUBJECT,
        "article": ARTICLE,
        "measures": MEASURES,
        "discussed_on": "2026年2月27日",
        "chair": "局长吴刚",
        "participants": "吴刚、王丽、陈静、孙明",
        "facts": "当事人超标准收取床位费。",
        "opinions": "与会人员一致认为应当予以处罚。",
        "conclusion": "同意作出行政处罚决定。",
        "basis": "《中华人民共和国行政处罚法》第五十七条",
    },
    "penalty_decision": {
        **CASE,
        "subject": SUBJECT,
        "article": ARTICLE,
        "facts": "经查，你单位2025年1月至6月超标准收取床位费。",
        "grounds": "你单位的上述行为违反了《医疗保障基金使用监督管理条例》第十五条的规定。",
        "evidence": ["询问笔录《赵某询问笔录》"],
        "measures": MEASURES,
        "notice_served_on": "2026年2月5日",
        "notice_number": "连医保罚告〔2026〕2号",
        "hearing_offered": True,
        "statement_kind": "none",
        "statement": "",
        "hearing_held_on": "",
        "has_money": True,
        "has_fine": True,
        "has_refund": True,
        "payment_days": "15",
        "government": "连云港市人民政府",
        "decided_on": "2026年3月1日",
    },
    "summary_penalty_decision": {
        "subject": PERSON,
        "decided_on": "2026年3月2日",
        "place": "连云港市海州区某药店",
        "facts": "当事人将本人医保卡转借他人使用。",
        "article": "《医疗保障基金使用监督管理条例》第四十一条",
        "basis": "《中华人民共和国行政处罚法》第五十一条",
        "measures": ["罚款人民币200.00元"],
        "statement": "",
        "has_fine": True,
        "payment_days": "15",
        "government": "连云港市人民政府",
        "officer": "王丽",
        "officer_id": "32070001",
    },
    "service_receipt": {
        **CASE,
        "served_document": "行政处罚决定书（连医保罚决〔2026〕3号）",
        "subject": SUBJECT,
        "address": SUBJECT["address"],
        "method": "直接送达",
        "served_on": "2026年3月3日",
        "recipient": "赵某",
        "server": "王丽、刘洋",
    },
    "payment_reminder": {
        "subject": SUBJECT,
        "decided_on": "2026年3月1日",
        "decision_number": "连医保罚决〔2026〕3号",
        "served_on": "2026年3月3日",
        "payment_due": "2026年3月18日",
        "reminded_on": "2026年9月10日",
        "owed": OWED,
        "has_late_fee": True,
        "late_fee": "19,753.00",
        "wait_days": "10",
        "contact": "王丽",
    },
    "enforcement_application": {
        "subject": SUBJECT,
        "decision_number": "连医保罚决〔2026〕3号",
        "owed": OWED,
        "decided_on": "2026年3月1日",
        "served_on": "2026年3月3日",
        "receipt_number": "连医保送证〔2026〕3号",
        "review_period_ended": "2026年9月3日",
        "reminded_on": "2026年9月10日",
        "reminder_number": "连医保催告〔2026〕1号",
        "has_late_fee": True,
        "late_fee": "19,753.00",
        "court": "连云港市海州区人民法院",
        "agency_head": "吴刚",
        "applied_on": "2026年9月25日",
    },
    "extension_approval": {
        **CASE,
        "subjects": SUBJECT["name"],
        "previous_due": "2026年4月5日",
        "days": "30",
        "new_due": "2026年5月5日",
        "reason": "案情复杂，需进一步调取外省就医记录。",
        "approved_by": "吴刚",
        "approved_on": "2026年3月30日",
        "basis": "《医疗保障行政处罚程序暂行规定》（国家医保局令第4号）",
    },
    "preservation_notice": {
        **CASE,
        "preservation_id": 1,
        "addressee": SUBJECT["name"],
        "subjects": [{"name": SUBJECT["name"], "code": SUBJECT["code"], "address": SUBJECT["address"]}],
        "is_person": False,
        "items": ["住院收费票据50张", "2025年住院病历12份"],
        "place": "连云港市康宁医院财务室",
        "registered_on": "2026年1月8日",
        "decision_days": "七",
        "decision_due": "2026年1月15日",
        "basis": "《中华人民共和国行政处罚法》第五十六条",
        "government": "连云港市人民政府",
        "officer": "王丽",
        "contact": "王丽",
    },
    # The statistics forms are built by stats.exports.document_context; a small table of each stands in.
    "stats_results_table": {
        "table": {
            "annex": "附件2",
            "title": "医保基金监管处理结果统计表",
            "providers": {
                "section": "一、定点医药机构",
                "rows": [{"number": 1, "label": "约谈限期整改", "institution": 3, "pharmacy": 1}],
                "total": {
                    "institution": {"subjects": 3, "money": "1.23"},
                    "pharmacy": {"subjects": 1, "money": "0.10"},
                },
            },
            "insured": {
                "section": "二、参保人员",
                "rows": [{"number": 1, "label": "约谈", "value": 2}],
                "total": {"persons": 2, "money": "0.05"},
            },
        },
        "region_line": "统筹区：连云港市　　统计期间：2026年1月1日至2026年3月31日",
        "remarks": ["本期检查定点医药机构120家，其中现场检查80家。"],
    },
    "stats_violations_table": {
        "table": {
            "annex": "附件3",
            "title": "医保基金违规行为统计表",
            "sections": [
                {
                    "title": "一、定点医疗机构",
                    "rows": [
                        {
                            "number": 7,
                            "label": "分解/超标准/重复/套用收费",
                            "cases": 2,
                            "amount": "12,345.60",
                            "fund": "9,876.50",
                        }
                    ],
                    "total": {"cases": 2, "amount": "12,345.60", "fund": "9,876.50"},
                }
            ],
        },
        "region_line": "统筹区：连云港市　　统计期间：2026年1月1日至2026年3月31日",
        "remarks": [],
    },
    "criminal_referral_letter": {
        "addressee": "连云港市公安局",
        "subject_names": SUBJECT["name"],
        "case_number": CASE["case_number"],
        "criminal": True,
        "basis": "《行政执法机关移送涉嫌犯罪案件的规定》",
        "grounds": GROUNDS,
        "facts": "该院虚构住院服务骗取医保基金。",
        "totals": TOTALS,
        "report_number": "连医保移调〔2026〕1号",
        "exhibit_list_number": "连医保物清〔2026〕1号",
        "evidence_count": 3,
        "copy_to": "连云港市人民检察院",
        "contact": "王丽",
    },
    "case_referral_letter": {
        "addressee": "连云港市卫生健康委员会",
        "subject_names": SUBJECT["name"],
        "case_number": CASE["case_number"],
        "criminal": False,
        "basis": "医保发〔2021〕49号",
        "grounds": [{"name": "医务人员违反诊疗规范", "basis": "医保发〔2021〕49号"}],
        "facts": "该院医师不合理诊疗。",
        "totals": TOTALS,
        "report_number": "连医保移调〔2026〕2号",
        "exhibit_list_number": "连医保物清〔2026〕2号",
        "evidence_count": 2,
        "copy_to": "",
        "contact": "王丽",
    },
    "referral_report": {
        **CASE,
        "subjects": SUBJECTS,
        "to_agency": "连云港市公安局",
        "evidence_count": 3,
        "investigation_closed_on": "2026年2月1日",
        "facts": "该院虚构住院服务骗取医保基金。",
        "violations": VIOLATIONS,
        "totals": TOTALS,
        "grounds": GROUNDS,
        "approved_by": "吴刚",
        "approved_on": "2026年2月3日",
        "approval_note": "",
        "reported_by": "王丽",
        "reported_on": "2026年2月2日",
    },
    "exhibit_list": {
        **CASE,
        "to_agency": "连云港市公安局",
        "evidence": [
            {
                "kind": "书证",
                "title": "住院收费票据",
                "collected_on": "2026年1月8日",
                "place": "连云港市康宁医院财务室",
                "sha256": "ab" * 32,
            }
        ],
        "preserved": [
            {"items": "住院病历12份", "place": "财务室", "registered_on": "2026年1月8日", "decision": "移送"}
        ],
    },
    "referral_receipt": {
        "sender": "连云港市医疗保障局",
        "letter_number": "连医保刑移〔2026〕1号",
        "letter_title": "涉嫌犯罪案件移送书",
        "evidence_count": 3,
        "received_on": "2026年2月4日",
        "criminal": True,
        "received_by": "郑警官",
    },
    "reward_decision": {
        "reporter": "张某某",
        "receipt_code": "JB7Q2K9M",
        "received_on": "2026年1月2日",
        "subject_name": SUBJECT["name"],
        "case_number": CASE["case_number"],
        "verified_amount": "12,345.60",
        "working": ["查实金额12,345.60元 × 5% = 617.28元"],
        "adjustment_reason": "",
        "basis": "《医疗保障基金使用监督管理举报处理暂行办法》；医保办发〔2022〕22号",
        "amount": "617.28",
        "collective_note": "",
        "approved_by": "王丽",
    },
    "reward_claim_notice": {
        "addressee": "张某某",
        "received_on": "2026年1月2日",
        "subject_name": SUBJECT["name"],
        "receipt_code": "JB7Q2K9M",
        "decision_number": "连医保奖决〔2026〕1号",
        "amount": "617.28",
        "claim_deadline": "2026年6月30日",
        "address": "连云港市医疗保障局一楼服务大厅",
    },
}
# The special action's report (inspections.actions.report_context) prints 附件2/附件3 as the statistics forms do.
SAMPLE_CONTEXTS["special_action_report"] = {
    "action": {
        "title": "连云港市打击欺诈骗取医疗保障基金专项行动",
        "period": "2026年9月1日至2026年11月30日",
        "scope": "连云港市",
        "leading_bureau": "连云港市医疗保障局",
        "goals": "聚焦定点医药机构违法违规和欺诈骗保行为。",
        "office": "领导小组办公室设在市医疗保障局基金监管科",
    },
    "members": ["连云港市卫生健康委员会", "连云港市公安局", "连云港市市场监督管理局"],
    "group": [{"position": "组　长", "name": "陈剑", "post": "市医疗保障局副局长"}],
    "phases": [{"title": "部署启动阶段", "starts": "2026年9月1日", "ends": "2026年9月10日", "tasks": "制定方案。"}],
    "plans": [
        {
            "title": "定点医疗机构双随机检查",
            "kind": "双随机抽查",
            "starts": "2026.09.01",
            "ends": "2026.11.30",
            "drawn": 10,
            "visited": 8,
            "found": 2,
        }
    ],
    "summary": "专项行动共检查定点医疗机构10家，发现问题2家，均已依法处理。",
    "annexes": [
        {
            "region": {"code": "320700", "name": "连云港市"},
            "results": SAMPLE_CONTEXTS["stats_results_table"],
            "violations": SAMPLE_CONTEXTS["stats_violations_table"],
        }
    ],
}

# Per kind: what the document must say besides the header (legal basis, rights notice, key facts).
MANDATORY: dict[str, list[str]] = {
    "case_opening_form": [CASE["case_number"], "立案依据", "国家医保局令第4号", "同意立案"],
    "non_opening_notice": ["不予立案", "国家医保局令第4号", "经核查，反映问题与事实不符。", "（印章）"],
    "report_acceptance_notice": ["已依法受理", "国家医保局令第5号", "JB7Q2K9M", "（印章）"],
    "report_result_notice": ["国家医保局令第5号", "JB7Q2K9M", "（印章）"],
    "interview_record": ["赵某（医保办主任）", "32070001", "申请执法人员回避"],
    "inspection_record": ["钱某（住院部护士长）", "32070002", "申请执法人员回避"],
    "investigation_report": [CASE["case_number"], "12,345.60", "调查结论"],
    "case_closing_report": [CASE["case_number"], "同意结案", "连医保罚决〔2026〕3号"],
    "breach_notice": ["陈述、申辩", "2026年2月10日", "行政复议", "（印章）"],
    "penalty_prior_notice": ["陈述和申辩", "要求举行听证", "第六十四条", ARTICLE, "（印章）"],
    "hearing_notice": ["第六十四条", "2026年2月20日9时30分", "申请回避", "（印章）"],
    "hearing_record": ["孙明", "陈述、申辩", ARTICLE],
    "legal_review_opinion": ["审核通过", ARTICLE, "陈静"],
    "collective_discussion_record": ["讨论决定", ARTICLE, "第五十七条"],
    "penalty_decision": [ARTICLE, "六十日内", "连云港市人民政府", "申请行政复议", "六个月内", "行政诉讼", "（印章）"],
    "summary_penalty_decision": ["第四十一条", "陈述、申辩", "六十日内", "行政复议", "六个月内", "（印章）"],
    "service_receipt": ["直接送达", "连医保罚决〔2026〕3号", "收件人"],
    "payment_reminder": ["行政强制法》第三十五条", "陈述和申辩", "19,753.00", "（印章）"],
    "enforcement_application": ["行政强制法》第五十三条", "连云港市海州区人民法院", "（印章）"],
    "extension_approval": ["延长", "2026年5月5日", "国家医保局令第4号"],
    "preservation_notice": [
        "住院收费票据50张",
        "连云港市康宁医院财务室",
        "第五十六条",
        "七日内",
        "2026年1月15日",
        "申请行政复议",
        "六十日内",
        "六个月内",
        "行政诉讼",
        "（印章）",
    ],
    "stats_results_table": ["附件2", "统计期间：2026年1月1日至2026年3月31日"],
    "stats_violations_table": ["附件3", "分解/超标准/重复/套用收费", "9,876.50"],
    "special_action_report": ["专项行动", "领导小组", "部署启动阶段", "附件2", "附件3", "9,876.50", "发现问题2家"],
    "criminal_referral_letter": ["移送情形", "三日内", "连云港市人民检察院", "（印章）"],
    "case_referral_letter": ["移送情形", "处理结果书面告知", "（印章）"],
    "referral_report": ["移送理由及依据", "医保发〔2021〕49号", "连云港市公安局"],
    "exhibit_list": ["住院收费票据", "先行登记保存", "abababababababab"],
    "referral_receipt": ["连医保刑移〔2026〕1号", "第八条", "（印章）"],
    "reward_decision": ["617.28", "医保办发〔2022〕22号", "予以保密", "（印章）"],
    "reward_claim_notice": ["617.28", "2026年6月30日", "连医保奖决〔2026〕1号", "（印章）"],
}

CJK = re.compile(r"[\u4e00-\u9fff]")


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def font_names(pdf: bytes) -> set[str]:
    """The base font names in every page's resources, without the subset tag (ABCDEF+)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for each in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                names.add(str(each["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


@pytest.fixture
def case(make_lead, alice):
    return triage_decide(lead=make_lead(), by=alice, decision="open").case


def test_every_kind_has_a_sample_context_and_mandatory_elements():
    assert set(SAMPLE_CONTEXTS) == set(KINDS)
    assert set(MANDATORY) == set(KINDS)


@pytest.mark.parametrize("code", sorted(KINDS))
def test_each_kind_renders_chinese_with_its_mandatory_elements_in_sc_faces(code, lyg_bureau, alice, case):
    kind = KINDS[code]
    get_template(kind.template)  # fails first, and clearly, if a kind's template is missing
    document = document_issue(kind=kind, agency=lyg_bureau, by=alice, case=case, context=SAMPLE_CONTEXTS[code])
    # 立案审批表 No.1 went to the case itself.
    assert document.number == f"连医保{kind.abbreviation}〔{document.year}〕{document.sequence}号"
    pdf = document_pdf_bytes(document=document)
    text = pdf_text(pdf)
    assert len(CJK.findall(text)) > 20
    assert kind.title in text
    assert document.number in text
    assert "连云港市医疗保障局" in text
    for element in MANDATORY[code]:
        assert element in text, f"{code}: {element!r} missing"
    fonts = font_names(pdf)
    assert fonts and all(re.match(r"Noto-?(Serif|Sans)-?CJK.*SC", name) for name in fonts), fonts
    assert not any("JP" in name for name in fonts)


def test_numbers_have_no_gaps_per_kind_under_repeated_issue(lyg_bureau, cz_bureau, alice):
    issued = [
        document_issue(kind=kind, agency=agency, by=alice, context={})
        for _ in range(3)
        for kind in (PENALTY_DECISION, PRESERVATION_NOTICE)
        for agency in (lyg_bureau, cz_bureau)
    ]
    for kind in (PENALTY_DECISION, PRESERVATION_NOTICE):
        for agency in (lyg_bureau, cz_bureau):
            rows = Document.objects.filter(kind=kind.code, agency=agency).order_by("sequence")
            assert [d.sequence for d in rows] == [1, 2, 3]
            year = rows[0].year
            assert [d.number for d in rows] == [
                f"{agency.number_prefix}{kind.abbreviation}〔{year}〕{n}号" for n in (1, 2, 3)
            ]
    assert len({d.number for d in issued}) == len(issued)


def test_issuing_renders_once_and_a_second_render_returns_the_same_bytes(lyg_bureau, alice, case):
    document = document_issue(
        kind=PENALTY_DECISION, agency=lyg_bureau, by=alice, case=case, context=SAMPLE_CONTEXTS["penalty_decision"]
    )
    first = document_pdf_bytes(document=document)
    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(first).hexdigest()
    again = document_render(document=Document.objects.get(pk=document.pk))
    assert bytes(again.pdf) == first and again.sha256 == document.sha256
    assert document_pdf_bytes(document=Document.objects.get(pk=document.pk)) == first


class TestPreservationNotice:
    def test_registering_a_preservation_issues_the_notice_to_the_party(self, case, alice):
        preservation = preservation_register(
            case=case, by=alice, items="住院收费票据50张\n2025年住院病历12份", place="财务室"
        )
        document = Document.objects.get(kind=PRESERVATION_NOTICE.code)
        assert document.case == case and document.agency == case.agency and document.issued_by == alice
        assert document.context["preservation_id"] == preservation.pk
        assert Document.objects.get(context__preservation_id=preservation.pk) == document
        text = pdf_text(document_pdf_bytes(document=document))
        subject_name = case.subjects.get().name
        for element in (
            "先行登记保存通知书",
            document.number,
            f"{subject_name}：",
            "住院收费票据50张",
            "2025年住院病历12份",
            "保存地点：财务室",
            "第五十六条",
            f"{preservation.decision_due.year}年{preservation.decision_due.month}月{preservation.decision_due.day}日前",
            "连云港市人民政府申请行政复议",
            "六个月内",
        ):
            assert element in text, element

    def test_the_case_page_lists_the_notice(self, client, case, alice):
        client.force_login(alice)
        client.post(reverse("preservation-add", args=[case.pk]), {"items": "处方单3本", "place": ""})
        document = Document.objects.get(kind=PRESERVATION_NOTICE.code)
        page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
        assert reverse("document-detail", args=[document.pk]) in page and "就地保存" in pdf_text(
            document_pdf_bytes(document=document)
        )


class TestDocumentPage:
    @pytest.fixture
    def chain(self, lyg_bureau, alice, case):
        """An original, its correction, and the correction's correction."""
        context = SAMPLE_CONTEXTS["penalty_decision"]
        original = document_issue(kind=PENALTY_DECISION, agency=lyg_bureau, by=alice, case=case, context=context)
        first = document_issue(
            kind=PENALTY_DECISION, agency=lyg_bureau, by=alice, case=case, context=context, supersedes=original
        )
        second = document_issue(
            kind=PENALTY_DECISION, agency=lyg_bureau, by=alice, case=case, context=context, supersedes=first
        )
        for document in (original, first, second):
            document_render(document=document)
        return [Document.objects.get(pk=d.pk) for d in (original, first, second)]

    def test_shows_the_metadata_and_the_supersede_chain_both_ways(self, client, alice, case, chain):
        original, first, second = chain
        client.force_login(alice)
        page = client.get(reverse("document-detail", args=[first.pk])).content.decode()
        for text in (first.number, "行政处罚决定书", "连云港市医疗保障局", first.sha256, alice.display_name):
            assert text in page
        assert reverse("document-pdf", args=[first.pk]) in page
        assert reverse("case-detail", args=[case.pk]) in page
        assert f"{reverse('document-verify')}?number=" in page and f"sha256={first.sha256}" in page
        assert reverse("document-detail", args=[original.pk]) in page
        assert reverse("document-detail", args=[second.pk]) in page
        # Oldest first: the original, this document, then its correction.
        history = page[page.index("doc-history") :]
        assert history.index(original.number) < history.index("doc-history-self") < history.index(second.number)
        # The original leads on to the document now in force, which the warning at the top names.
        page = client.get(reverse("document-detail", args=[original.pk])).content.decode()
        warning = page[page.index('class="alert') : page.index("doc-history")]
        assert second.number in warning and first.number not in warning
        history = page[page.index("doc-history") :]
        assert history.index("doc-history-self") < history.index(first.number) < history.index(second.number)

    def test_a_document_of_no_case_or_lead_is_seen_by_nobody(self, client, alice, lyg_bureau):
        document = document_issue(kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={})
        client.force_login(alice)
        assert client.get(reverse("document-detail", args=[document.pk])).status_code == 404

    def test_links_only_what_the_reader_may_open(self, client, alice, lead):
        triage_decide(lead=lead, by=alice, decision="dismiss", reason="不属实")
        document = Document.objects.get(lead=lead)
        client.force_login(alice)
        page = client.get(reverse("document-detail", args=[document.pk])).content.decode()
        assert "/documents/verify/" not in page  # not rendered yet: no hash to verify
        document_render(document=document)
        page = client.get(reverse("document-detail", args=[document.pk])).content.decode()
        assert f'href="{reverse("lead-detail", args=[lead.pk])}"' in page
        assert "doc-history-self" in page and "/documents/verify/" in page

    def test_a_referral_receiver_sees_the_package_document_without_the_case(self, client, police, sent_referral):
        letter = document_render(document=sent_referral.letter)
        client.force_login(police)
        page = client.get(reverse("document-detail", args=[letter.pk])).content.decode()
        assert letter.number in page and reverse("document-pdf", args=[letter.pk]) in page
        assert reverse("case-detail", args=[sent_referral.case_id]) not in page
        assert sent_referral.case.number not in page

    def test_a_superseding_document_the_reader_cannot_open_is_not_linked(self, client, alice, lyg_bureau, case):
        visible = document_issue(kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, case=case, context={})
        # A correction issued without case or lead is visible to nobody.
        hidden = document_issue(kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={}, supersedes=visible)
        client.force_login(alice)
        page = client.get(reverse("document-detail", args=[visible.pk])).content.decode()
        assert hidden.number not in page and reverse("document-detail", args=[hidden.pk]) not in page

    def test_another_agencys_user_gets_404_and_anonymous_goes_to_login(self, client, charlie, police, chain):
        url = reverse("document-detail", args=[chain[0].pk])
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        for outsider in (charlie, police):
            client.force_login(outsider)
            assert client.get(url).status_code == 404

    def test_the_document_table_links_to_the_page(self, client, alice, case, chain):
        client.force_login(alice)
        page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
        for document in chain:
            assert reverse("document-detail", args=[document.pk]) in page

    def test_query_count_does_not_grow_with_the_page(self, client, alice, chain, django_assert_max_num_queries):
        client.force_login(alice)
        # Session, user, access, chain walk (one per step), visibility, case and lead links.
        with django_assert_max_num_queries(20):
            assert client.get(reverse("document-detail", args=[chain[1].pk])).status_code == 200


class TestVerifyPage:
    @pytest.fixture
    def issued(self, lyg_bureau, alice):
        document = document_issue(kind=NON_OPENING_NOTICE, agency=lyg_bureau, by=alice, context={"reason": "不属实"})
        return document_render(document=document)

    def test_needs_no_login_and_shows_the_form(self, client, db):
        response = client.get(reverse("document-verify"))
        assert response.status_code == 200 and 'name="number"' in response.content.decode()

    def test_number_and_sha256_valid_and_invalid(self, client, issued):
        url = reverse("document-verify")
        page = client.get(url, {"number": issued.number, "sha256": issued.sha256.upper()}).content.decode()
        assert 'data-verify="valid"' in page
        page = client.post(url, {"number": issued.number, "sha256": "0" * 64}).content.decode()
        assert 'data-verify="invalid"' in page
        page = client.post(url, {"number": "连医保不立告〔2000〕1号", "sha256": issued.sha256}).content.decode()
        assert 'data-verify="invalid"' in page

    def test_uploading_the_pdf_hashes_it(self, client, issued):
        url = reverse("document-verify")
        pdf = bytes(issued.pdf)
        upload = SimpleUploadedFile("copy.pdf", pdf, content_type="application/pdf")
        page = client.post(url, {"number": issued.number, "pdf": upload}).content.decode()
        assert 'data-verify="valid"' in page and issued.sha256 in page
        altered = SimpleUploadedFile("copy.pdf", pdf + b"\n", content_type="application/pdf")
        page = client.post(url, {"number": issued.number, "pdf": altered}).content.decode()
        assert 'data-verify="invalid"' in page

    def test_form_errors(self, client, db):
        url = reverse("document-verify")
        response = client.post(url, {"number": "", "sha256": "xyz"})
        assert set(response.context["form"].errors) == {"number", "sha256"}
        response = client.post(url, {"number": "连医保罚决〔2026〕1号"})
        assert "sha256" in response.context["form"].errors and response.context["result"] is None


def test_demo_corrects_a_notice_twice_once(case, alice, lyg_region, cz_region):
    from django.utils import timezone

    from documents.demo import seed_document_corrections

    preservation_register(case=case, by=alice, items="处方单3本", place="药房")
    today = timezone.localdate()
    assert seed_document_corrections(region=lyg_region, today=today) == 2
    assert seed_document_corrections(region=lyg_region, today=today) == 0
    assert seed_document_corrections(region=cz_region, today=today) == 0
    original = Document.objects.get(kind=PRESERVATION_NOTICE.code, supersedes__isnull=True)
    first = original.superseded_by
    second = first.superseded_by
    assert second.case == case and second.context["items"] == ["处方单3本"] and second.sequence == 3
