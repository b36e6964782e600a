"""Install the demo (api.md "Demo installation"): regions, agencies, users, subjects, leads and cases.

Idempotent. Regions, agencies, users, roles and passwords are re-ensured on every run; missing
subjects are created; a city's leads are created only while its bureau has none, so a second run
changes nothing. Leads go through the triage flow (triage_start / triage_decide) so permissions,
deadlines and documents are made as in real use. All data is fictional and deterministic.
"""

import datetime
import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from casework.models import Case, Lead, Subject
from casework.models.subjects import mask_id_number
from casework.services import case_start_investigation, case_withdraw
from organisation.models import Agency, Region, User
from organisation.roles import Role
from organisation.services import user_set_roles
from workflows.triage import triage_decide, triage_start

PROVINCE = ("320000", "江苏省")
PROVINCE_BUREAU = ("320000-bureau", "江苏省医疗保障局", "苏医保")
SUBJECT_SEED = 3207_0400
LEAD_SEED = 2026_0101


@dataclass(frozen=True)
class District:
    code: str
    name: str
    streets: tuple[str, ...]


@dataclass(frozen=True)
class City:
    code: str
    name: str
    short: str  # 连云港, used in shop names
    abbr: str  # 连, used in number prefixes
    prefix: str  # login prefix
    county: District
    districts: tuple[District, ...]
    neighbours: tuple[tuple[str, str], ...]  # (bureau sending 协查 requests, the mechanism it uses)
    people: dict[str, str] = field(default_factory=dict)


CITIES = (
    City(
        code="320700",
        name="连云港市",
        short="连云港",
        abbr="连",
        prefix="lyg",
        county=District("320722", "东海县", ("牛山街道", "石榴街道", "白塔埠镇", "黄川镇", "桃林镇", "温泉镇")),
        districts=(
            District("320706", "海州区", ("新海街道", "新东街道", "朐阳街道", "洪门街道")),
            District("320703", "连云区", ("墟沟街道", "连云街道", "板桥街道")),
            District("320707", "赣榆区", ("青口镇", "海头镇", "城头镇")),
        ),
        neighbours=(
            ("山东省临沂市医疗保障局", "跨省异地就医协查机制"),
            ("上海市医疗保障局", "长三角医保基金监管协查机制"),
            ("江苏省宿迁市医疗保障局", "省内异地协查机制"),
        ),
        people={
            "clerk": "张丽娟",
            "head": "王建国",
            "inv1": "李明",
            "inv2": "赵磊",
            "legal": "陈静",
            "director": "刘志强",
            "agreement": "郑红梅",
            "reward": "孙晓燕",
            "finance": "周敏",
            "recovery": "吴海涛",
            "police": "马超",
            "procuratorate": "胡玉兰",
            "court": "朱振华",
            "discipline": "何立新",
            "health": "高秀英",
            "market": "林峰",
            "screening": "智能监控接口（连云港）",
        },
    ),
    City(
        code="320400",
        name="常州市",
        short="常州",
        abbr="常",
        prefix="cz",
        county=District("320481", "溧阳市", ("溧城街道", "昆仑街道", "埭头镇", "戴埠镇", "天目湖镇", "社渚镇")),
        districts=(
            District("320402", "天宁区", ("茶山街道", "红梅街道", "兰陵街道")),
            District("320404", "钟楼区", ("南大街街道", "荷花池街道", "五星街道")),
            District("320411", "新北区", ("三井街道", "河海街道", "薛家镇")),
            District("320412", "武进区", ("湖塘镇", "牛塘镇")),
        ),
        neighbours=(
            ("浙江省湖州市医疗保障局", "长三角医保基金监管协查机制"),
            ("安徽省宣城市医疗保障局", "长三角医保基金监管协查机制"),
            ("上海市医疗保障局", "长三角医保基金监管协查机制"),
        ),
        people={
            "clerk": "徐婷",
            "head": "钱国平",
            "inv1": "蒋伟",
            "inv2": "沈浩",
            "legal": "韩雪",
            "director": "杨卫东",
            "agreement": "冯静怡",
            "reward": "曹丹",
            "finance": "许洁",
            "recovery": "邓刚",
            "police": "彭勇",
            "procuratorate": "潘文君",
            "court": "袁志刚",
            "discipline": "田春生",
            "health": "董丽华",
            "market": "范涛",
            "screening": "智能监控接口（常州）",
        },
    ),
)

# (code suffix, kind, name, number prefix); {city} is the city's name, {abbr} its one-character abbreviation.
AGENCY_SPECS = (
    ("bureau", Agency.Kind.BUREAU, "{city}医疗保障局", "{abbr}医保"),
    ("agency", Agency.Kind.INSURANCE_AGENCY, "{city}医疗保险管理中心", "{abbr}医管"),
    ("police", Agency.Kind.POLICE, "{city}公安局", "{abbr}公"),
    ("procuratorate", Agency.Kind.PROCURATORATE, "{city}人民检察院", "{abbr}检"),
    ("court", Agency.Kind.COURT, "{city}中级人民法院", "{abbr}中法"),
    ("discipline", Agency.Kind.DISCIPLINE, "{city}纪委监委", "{abbr}纪"),
    ("health", Agency.Kind.HEALTH, "{city}卫生健康委员会", "{abbr}卫健"),
    ("market", Agency.Kind.MARKET, "{city}市场监督管理局", "{abbr}市监"),
)

# (login suffix, role, agency suffix), api.md "Demo installation".
STAFF = (
    ("clerk", Role.CLERK, "bureau"),
    ("head", Role.SECTION_HEAD, "bureau"),
    ("inv1", Role.INVESTIGATOR, "bureau"),
    ("inv2", Role.INVESTIGATOR, "bureau"),
    ("legal", Role.LEGAL_REVIEWER, "bureau"),
    ("director", Role.DIRECTOR, "bureau"),
    ("agreement", Role.AGREEMENT_MANAGER, "agency"),
    ("reward", Role.REWARD_HANDLER, "bureau"),
    ("finance", Role.FINANCE, "bureau"),
    ("recovery", Role.RECOVERY_OFFICER, "bureau"),
    ("police", Role.LIAISON, "police"),
    ("procuratorate", Role.LIAISON, "procuratorate"),
    ("court", Role.LIAISON, "court"),
    ("discipline", Role.LIAISON, "discipline"),
    ("health", Role.LIAISON, "health"),
    ("market", Role.LIAISON, "market"),
    ("screening", Role.SCREENING_SERVICE, "bureau"),
)
AUDITOR = ("js_auditor", "顾文斌")

# Shown in the login table; the command prints Chinese whatever the active locale.
ROLE_NAMES = {
    Role.CLERK: "举报受理员",
    Role.INVESTIGATOR: "稽查员",
    Role.SECTION_HEAD: "科室负责人",
    Role.LEGAL_REVIEWER: "法制审核员",
    Role.DIRECTOR: "负责人",
    Role.AGREEMENT_MANAGER: "协议管理员",
    Role.LIAISON: "联络员",
    Role.REWARD_HANDLER: "奖励经办人",
    Role.FINANCE: "财务",
    Role.RECOVERY_OFFICER: "追缴专员",
    Role.AUDITOR: "审计监督（只读）",
    Role.SCREENING_SERVICE: "智能监控服务账号",
}

# ---------------------------------------------------------------------------------------------
# Subjects (fictional names built from common patterns).

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈"
    "曾彭吕苏卢蒋蔡丁魏薛叶潘杜戴夏汪田姜范石姚谭邹金陆孔崔毛邱秦江史顾侯邵孟万"
)
GIVEN_NAMES = (
    "建国",
    "秀英",
    "桂兰",
    "志强",
    "海燕",
    "丽华",
    "明",
    "伟",
    "芳",
    "敏",
    "静",
    "磊",
    "勇",
    "艳",
    "杰",
    "军",
    "涛",
    "超",
    "明辉",
    "玉梅",
    "春梅",
    "红霞",
    "文斌",
    "国庆",
    "晓东",
    "凤英",
    "德华",
    "淑珍",
    "永强",
    "金凤",
    "子涵",
    "浩然",
    "雨欣",
    "思远",
    "佳怡",
    "宇航",
    "梦瑶",
    "俊杰",
    "长林",
    "素琴",
    "卫红",
    "爱华",
)
# (name pattern, level, ownership, category, in county?) for hospitals; {c} city, {s} short, {k} county.
HOSPITALS = (
    ("{c}第一人民医院", "3", "public", "综合医院", False),
    ("{c}第二人民医院", "3", "public", "综合医院", False),
    ("{c}中医院", "3", "public", "中医医院", False),
    ("{c}妇幼保健院", "2", "public", "妇幼保健院", False),
    ("{c}第四人民医院", "2", "public", "精神专科医院", False),
    ("{c}口腔医院", "2", "public", "口腔医院", False),
    ("{k}人民医院", "2", "public", "综合医院", True),
    ("{k}中医院", "2", "public", "中医医院", True),
    ("{k}第二人民医院", "2", "public", "综合医院", True),
    ("{s}仁爱医院", "2", "private", "综合医院", False),
    ("{s}康华医院", "1", "private", "综合医院", False),
    ("{s}同德骨科医院", "1", "private", "骨科医院", False),
    ("{s}博爱眼科医院", "1", "private", "眼科医院", False),
    ("{s}和美肛肠医院", "1", "private", "专科医院", False),
    ("{s}颐和康复医院", "1", "private", "康复医院", False),
    ("{k}康泰医院", "1", "private", "综合医院", True),
    ("{k}济民医院", "1", "private", "综合医院", True),
)
CLINIC_KINDS = (("诊所", "诊所"), ("中医诊所", "中医诊所"), ("口腔诊所", "口腔诊所"), ("门诊部", "门诊部"))
PHARMACY_BRANDS = (
    "仁和堂大药房",
    "百信大药房",
    "康源大药房",
    "惠民大药房",
    "福寿堂大药房",
    "济生堂大药房",
    "天济大药房",
    "华康大药房",
    "德仁堂大药房",
)
DEPARTMENTS = ("内科", "外科", "骨科", "中医科", "康复医学科", "心血管内科", "内分泌科", "全科医学科")
INSURANCE_SCHEMES = ("职工基本医疗保险", "城乡居民基本医疗保险")
COUNTS = {"clinic": 8, "pharmacy": 35, "insured": 50, "practitioner": 25}

# ---------------------------------------------------------------------------------------------
# Leads.

INSTITUTION, PHARMACY = Subject.Kind.INSTITUTION, Subject.Kind.PHARMACY
INSURED, PRACTITIONER = Subject.Kind.INSURED, Subject.Kind.PRACTITIONER


@dataclass(frozen=True)
class Issue:
    """What a lead reports about one kind of subject; fits limits it to subjects where it makes sense."""

    fits: str  # any | beds (has in-patient beds) | private (private hospital) | large | doctor | pharmacist
    title: str
    detail: str  # {name} the subject, {n} a count
    low: int  # estimated amount range, yuan
    high: int
    rule: str  # the screening rule that would flag it


ISSUES = {
    INSTITUTION: (
        Issue(
            "beds",
            "涉嫌挂床住院",
            "{name}部分住院患者长期不在院，床头卡、护理记录与实际不符，约{n}名患者白天离院回家、仅在查房时返回，"
            "涉嫌挂床住院、虚构住院天数骗取医保基金。",
            20_000,
            300_000,
            "JG-031 住院天数异常偏长且日均费用偏低",
        ),
        Issue(
            "any",
            "涉嫌串换药品、诊疗项目",
            "{name}将医保目录外的自费药品、保健品串换为目录内药品结算，并将普通理疗串换为康复项目收费，"
            "涉及参保人员约{n}人次。",
            10_000,
            150_000,
            "JG-027 目录外药品进货量与目录内同类药品结算量不匹配",
        ),
        Issue(
            "any",
            "涉嫌分解收费、重复收费",
            "{name}存在分解收费、重复收费：同一次治疗的材料费重复计收，静脉输液、换药按次数多记，"
            "抽查病历{n}份中均有类似情况。",
            5_000,
            80_000,
            "JG-045 同一项目单日重复收费",
        ),
        Issue(
            "beds",
            "涉嫌虚记多记医用耗材费用",
            "{name}住院病历中记录的高值医用耗材数量多于实际使用数量，耗材进销存台账与医保结算数据不符，涉及病历{n}份。",
            30_000,
            400_000,
            "JG-052 高值耗材结算量超过采购量",
        ),
        Issue(
            "private",
            "涉嫌以免费体检名义诱导参保人员住院",
            "{name}组织车辆到乡镇以免费体检、免费接送、住院返现为名招揽中老年参保人员住院，"
            "住院期间仅做常规检查，涉及参保人员约{n}人。",
            50_000,
            500_000,
            "JG-018 同村同日集中入院",
        ),
        Issue(
            "any",
            "涉嫌留存、盗刷参保人员社保卡",
            "{name}工作人员留存多名参保人员的社会保障卡，在参保人员未就诊的情况下刷卡结算，涉及社保卡{n}张。",
            8_000,
            120_000,
            "JG-012 同一参保人住院期间发生门诊结算",
        ),
        Issue(
            "large",
            "血液透析项目超标准收费",
            "{name}血液透析治疗中透析器、血路管按高于规定的标准收费，部分透析记录与实际治疗次数不符，涉及患者{n}人。",
            20_000,
            200_000,
            "JG-063 透析频次超过临床常规",
        ),
    ),
    PHARMACY: (
        Issue(
            "any",
            "涉嫌刷医保卡销售化妆品、日用品",
            "{name}允许参保人员使用医保个人账户购买洗发水、护肤品、食用油等日用品和化妆品，"
            "以药品名义上传结算，涉嫌串换药品，约{n}笔。",
            2_000,
            60_000,
            "YD-015 非药品进货与药品结算量异常",
        ),
        Issue(
            "any",
            "药品进销存不符",
            "{name}部分药品医保结算数量明显大于进货数量，进销存台账不符，涉嫌虚记药品费用，涉及品种{n}个。",
            5_000,
            90_000,
            "YD-011 药品结算量超过进货量",
        ),
        Issue(
            "any",
            "涉嫌替他人代刷医保卡结算",
            "{name}店员持多名参保人员的医保卡集中刷卡，为非持卡人代结算药品费用，涉及医保卡{n}张。",
            3_000,
            50_000,
            "YD-021 同一终端短时间内多卡连续结算",
        ),
        Issue(
            "any",
            "夜间集中刷卡、超量售药",
            "{name}在夜间非营业时段集中发生医保结算，单张处方药量明显超过常规用量，共{n}笔。",
            4_000,
            70_000,
            "YD-007 非营业时段集中结算",
        ),
    ),
    INSURED: (
        Issue(
            "any",
            "涉嫌冒用他人社保卡就医",
            "{name}持其亲属的社会保障卡在多家定点医疗机构就诊、开药，人证不符，共{n}次。",
            1_000,
            30_000,
            "CB-009 同一医保卡同日异地就诊",
        ),
        Issue(
            "any",
            "涉嫌转借社保卡",
            "{name}将本人社会保障卡转借他人在定点药店购药，累计结算{n}次。",
            800,
            20_000,
            "CB-014 购药品种与本人诊断明显不符",
        ),
        Issue(
            "any",
            "短期内重复配购同类药品",
            "{name}在三个月内于多家定点医疗机构和药店重复配购降糖、降压类药品{n}次，配药量远超治疗需要，涉嫌倒卖药品。",
            3_000,
            60_000,
            "CB-003 三十日内多机构重复配药",
        ),
        Issue(
            "any",
            "涉嫌伪造异地就医票据报销",
            "{name}提交的异地就医手工报销票据经核查与就诊医院记录不符，涉嫌伪造、变造医疗票据"
            "骗取医保待遇，涉及票据{n}张。",
            10_000,
            150_000,
            "CB-021 异地手工报销票据信息不一致",
        ),
    ),
    PRACTITIONER: (
        Issue(
            "doctor",
            "涉嫌开具与病情不符的药品",
            "{name}为参保人员开具与诊断不符的高价药品，{n}张处方未见相应检查结果。",
            5_000,
            60_000,
            "YS-004 医师处方金额异常偏高",
        ),
        Issue(
            "doctor",
            "涉嫌协助参保人员开药变现",
            "{name}多次为同一批参保人员大量开具药品，药品被回收倒卖，涉及处方{n}张。",
            10_000,
            120_000,
            "YS-008 同一医师为固定人群高频开药",
        ),
        Issue(
            "pharmacist",
            "涉嫌协助串换药品结算",
            "{name}在审核调配时将保健品和非医保药品串换为医保目录内药品结算，涉及处方{n}张。",
            3_000,
            50_000,
            "YS-012 药师审核处方中串换品种占比异常",
        ),
    ),
}
# How the subject is named in titles and descriptions.
PERSON_LABELS = {
    INSURED: "参保人员",
    Subject.Profession.DOCTOR: "医保医师",
    Subject.Profession.PHARMACIST: "医保药师",
}
REPORT_CHANNELS = ("12393医保服务热线", "12345政务服务热线转办", "来信", "医保局网上举报平台", "来访")
REPORT_EVIDENCE = {
    INSTITUTION: ("住院期间的现场照片", "费用清单复印件", "聊天记录截图", "录音"),
    PHARMACY: ("购药小票照片", "现场视频", "聊天记录截图"),
    INSURED: ("就诊记录截图", "聊天记录截图"),
    PRACTITIONER: ("处方照片", "聊天记录截图"),
}
INSPECTIONS = ("“双随机、一公开”监督检查", "飞行检查", "专项检查")
# (kinds it fits, reason); None fits every kind.
DISMISS_REASONS = (
    (None, "经核查，线索反映的问题缺乏具体事实和证据，无法核实，不予立案。"),
    ((INSTITUTION,), "经现场核查，相关患者均在院接受治疗，病历记录与实际相符，未发现线索所反映的违法行为，不予立案。"),
    ((INSTITUTION, PHARMACY), "线索反映的事项已由经办机构按服务协议处理完毕（违约处理通知书已送达），不再重复立案。"),
    (None, "经核查，相关费用属于医保基金支付范围，结算符合规定，违法事实不成立，不予立案。"),
    ((PHARMACY,), "经核查，该药店已注销并解除定点协议，不具备立案条件，相关情况转经办机构备案。"),
    (
        (INSTITUTION, PRACTITIONER),
        "经核查，反映情况属医疗服务质量问题，不涉及医保基金使用，转卫生健康部门处理，不予立案。",
    ),
    ((INSURED,), "经核查，相关就医购药记录系本人真实就诊所致，未发现冒用、转借社保卡情形，不予立案。"),
)
WITHDRAW_REASONS = (
    "立案后查明该事项已由公安机关以涉嫌诈骗罪立案侦查，经负责人批准撤销立案，待司法处理结果后依法处理。",
    "经调查，违法事实不能成立，经负责人批准撤销立案。",
)
# How many leads of each outcome per city; together about 30.
PLAN = {"opened": 4, "investigating": 5, "withdrawn": 2, "merged": 3, "dismissed": 6, "overdue": 5, "pending": 6}
SOURCE_WEIGHTS = {
    Lead.SourceKind.REPORT: 35,
    Lead.SourceKind.SCREEN_HIT: 25,
    Lead.SourceKind.INSPECTION: 20,
    Lead.SourceKind.ASSIST_REQUEST: 10,
    Lead.SourceKind.SUPERIOR: 10,
}
KIND_WEIGHTS = {INSTITUTION: 40, PHARMACY: 30, INSURED: 20, PRACTITIONER: 10}


class Command(BaseCommand):
    help = "Install the demo regions, agencies, users, subjects, leads and cases (idempotent)."

    def handle(self, *args, **options):
        started = time.monotonic()
        password = settings.DEMO_PASSWORD
        passwords = PasswordSetter(password)
        with transaction.atomic():
            agencies = ensure_regions_and_agencies()
            logins = ensure_users(agencies, passwords)
        with transaction.atomic():
            created_subjects = ensure_subjects()
        for city in CITIES:
            bureau = agencies[f"{city.code}-bureau"]
            if Lead.objects.filter(agency=bureau).exists():
                self.stdout.write(f"{bureau.name}已有线索，跳过线索和案件的生成。")
                continue
            with transaction.atomic():
                LeadSeeder(city, bureau).run()
        self._report(agencies, logins, password, created_subjects, time.monotonic() - started)

    def _report(self, agencies, logins, password, created_subjects, seconds):
        write = self.stdout.write
        write(f"检查对象：本次新增 {created_subjects} 个，共 {Subject.objects.count()} 个。")
        for city in CITIES:
            bureau = agencies[f"{city.code}-bureau"]
            leads = Lead.objects.filter(agency=bureau)
            write(
                f"{bureau.name}：线索 {_counts(leads, Lead.Status)}（逾期未研判 {leads.overdue().count()}）；"
                f"案件 {_counts(Case.objects.filter(agency=bureau), Case.Status)}"
            )
        write("")
        write(_table(["用户名", "姓名", "机构", "角色", "密码"], [[*row, password] for row in logins]))
        write("")
        write("网页：     http://127.0.0.1:8000/")
        write("API 文档： http://127.0.0.1:8000/api/docs/")
        write("管理后台： http://127.0.0.1:8000/admin/  （用户名 admin）")
        write(self.style.SUCCESS(f"演示数据已就绪，用时 {seconds:.1f} 秒。"))


# ---------------------------------------------------------------------------------------------
# Regions, agencies, users.


def ensure_regions_and_agencies() -> dict[str, Agency]:
    """Create or update the five regions and seventeen agencies; return agencies by code."""
    province = _region(PROVINCE[0], PROVINCE[1], Region.Level.PROVINCE, None)
    agencies = {
        PROVINCE_BUREAU[0]: _agency(
            PROVINCE_BUREAU[0], PROVINCE_BUREAU[1], Agency.Kind.BUREAU, province, PROVINCE_BUREAU[2]
        )
    }
    for city in CITIES:
        region = _region(city.code, city.name, Region.Level.CITY, province)
        _region(city.county.code, city.county.name, Region.Level.COUNTY, region)
        for suffix, kind, name, prefix in AGENCY_SPECS:
            code = f"{city.code}-{suffix}"
            agencies[code] = _agency(code, name.format(city=city.name), kind, region, prefix.format(abbr=city.abbr))
    return agencies


def _region(code: str, name: str, level: str, parent: Region | None) -> Region:
    region, _ = Region.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return region


def _agency(code: str, name: str, kind: str, region: Region, number_prefix: str) -> Agency:
    agency, _ = Agency.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "region": region, "number_prefix": number_prefix}
    )
    return agency


class PasswordSetter:
    """Give users the demo password, hashing it once and keeping hashes that already match.

    Hashing is slow on purpose (PBKDF2), and rewriting a matching hash would log users out.
    """

    def __init__(self, password: str):
        self.password = password
        self.verified: set[str] = set()
        self.new_hash = ""

    def apply(self, user: User) -> None:
        if user.password in self.verified:
            return
        if user.password and check_password(self.password, user.password):
            self.verified.add(user.password)
            return
        self.new_hash = self.new_hash or make_password(self.password)
        self.verified.add(self.new_hash)
        user.password = self.new_hash


def ensure_users(agencies: dict[str, Agency], passwords: PasswordSetter) -> list[list[str]]:
    """Create or update the demo users with their roles; return rows for the login table.

    The auditor comes first: auditors' groups are granted access when a lead or case is created.
    """
    province_bureau = agencies[PROVINCE_BUREAU[0]]
    rows = [_user(AUDITOR[0], AUDITOR[1], province_bureau, Role.AUDITOR, passwords)]
    for city in CITIES:
        for suffix, role, agency_suffix in STAFF:
            agency = agencies[f"{city.code}-{agency_suffix}"]
            rows.append(_user(f"{city.prefix}_{suffix}", city.people[suffix], agency, role, passwords))
    rows.append(_superuser(passwords))
    return rows


def _user(username: str, full_name: str, agency: Agency, role: str, passwords: PasswordSetter) -> list[str]:
    # Chinese names read surname first; get_full_name() joins first and last, so all of it goes first.
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.agency, user.is_active = full_name, "", agency, True
    passwords.apply(user)
    user.save()
    user_set_roles(user=user, roles=[role])
    return [username, full_name, agency.name, ROLE_NAMES[role]]


def _superuser(passwords: PasswordSetter) -> list[str]:
    user, _ = User.objects.get_or_create(username="admin")
    user.first_name, user.last_name, user.agency = "系统管理员", "", None
    user.is_staff = user.is_superuser = user.is_active = True
    passwords.apply(user)
    user.save()
    return ["admin", "系统管理员", "—", "超级管理员（Django 管理后台）"]


# ---------------------------------------------------------------------------------------------
# Subjects.


def ensure_subjects() -> int:
    """Create the demo subjects that are missing; existing ones are left as they are."""
    rng = random.Random(SUBJECT_SEED)
    specs = [spec for city in CITIES for spec in SubjectGenerator(city, rng).generate()]
    existing = set(Subject.objects.filter(code__in=[s["code"] for s in specs]).values_list("kind", "code"))
    regions = {region.code: region for region in Region.objects.all()}
    created = 0
    for spec in specs:
        if (spec["kind"], spec["code"]) in existing:
            continue
        institution_code = spec.pop("institution_code", "")
        Subject.objects.create(
            **{**spec, "region": regions[spec["region"]]},
            institution=Subject.objects.filter(code=institution_code).first() if institution_code else None,
        )
        created += 1
    return created


class SubjectGenerator:
    """Build one city's subjects (dicts of Subject fields) from name patterns and a seeded generator."""

    def __init__(self, city: City, rng: random.Random):
        self.city, self.rng = city, rng
        self.used_codes: set[str] = set()
        # Every place a shop or clinic can be: (district-level code, region code, district name, street).
        self.places = [(d.code, city.code, d.name, s) for d in city.districts for s in d.streets] + [
            (city.county.code, city.county.code, city.county.name, s) for s in city.county.streets
        ]

    def generate(self) -> list[dict]:
        institutions = self.hospitals() + self.community_centres() + self.clinics()
        pharmacies = self.pharmacies()
        return institutions + pharmacies + self.insured() + self.practitioners(institutions, pharmacies)

    def _code(self, letter: str, area: str, digits: int) -> str:
        while True:
            code = f"{letter}{area}{self.rng.randrange(1, 10**digits):0{digits}d}"
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _institution(self, name, level, ownership, category, area, region, address) -> dict:
        return {
            "kind": Subject.Kind.INSTITUTION,
            "code": self._code("H", area, 5),
            "name": name,
            "region": region,
            "level": level,
            "ownership": ownership,
            "category": category,
            "address": address,
        }

    def _address(self, district: str, street: str) -> str:
        road = self.rng.choice(("人民路", "解放路", "建设路", "通灌路", "朝阳路", "新民路", "和平路", "育才路"))
        return f"{district}{street}{road}{self.rng.randint(1, 399)}号"

    def hospitals(self) -> list[dict]:
        city, county = self.city, self.city.county
        result = []
        for pattern, level, ownership, category, in_county in HOSPITALS:
            name = pattern.format(c=city.name, s=city.short, k=county.name)
            district = county if in_county else self.rng.choice(city.districts)
            region = county.code if in_county else city.code
            address = self._address(district.name, self.rng.choice(district.streets))
            result.append(self._institution(name, level, ownership, category, district.code, region, address))
        return result

    def community_centres(self) -> list[dict]:
        """One 社区卫生服务中心 per street (街道), one 卫生院 per town (镇)."""
        result = []
        for area, region, district, street in self.places:
            if street.endswith("镇"):
                name, category = f"{district}{street}卫生院", "乡镇卫生院"
            else:
                name, category = f"{district}{street}社区卫生服务中心", "社区卫生服务中心"
            result.append(
                self._institution(name, "1", "public", category, area, region, self._address(district, street))
            )
        return result

    def clinics(self) -> list[dict]:
        result = []
        for _ in range(COUNTS["clinic"]):
            area, region, district, street = self.rng.choice(self.places)
            suffix, category = self.rng.choice(CLINIC_KINDS)
            owner = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
            result.append(
                self._institution(
                    f"{district}{owner}{suffix}",
                    "0",
                    "private",
                    category,
                    area,
                    region,
                    self._address(district, street),
                )
            )
        return result

    def pharmacies(self) -> list[dict]:
        result, names = [], set()
        while len(result) < COUNTS["pharmacy"]:
            area, region, district, street = self.rng.choice(self.places)
            brand = self.rng.choice(PHARMACY_BRANDS)
            branch = street.removesuffix("街道").removesuffix("镇")
            chain = self.rng.random() < 0.8
            if chain:
                name = f"{self.city.short}{brand}（{branch}店）"
            else:
                name = f"{district}{branch}{brand.removesuffix('大药房')}药店"
            if name in names:
                continue
            names.add(name)
            result.append(
                {
                    "kind": Subject.Kind.PHARMACY,
                    "code": self._code("P", area, 5),
                    "name": name,
                    "region": region,
                    "ownership": "private",
                    "category": "连锁药店" if chain else "单体药店",
                    "address": self._address(district, street),
                }
            )
        return result

    def _person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def _id_number(self, area: str) -> str:
        birth = datetime.date(1945, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 60 * 365))
        body = f"{area}{birth:%Y%m%d}{self.rng.randrange(0, 1000):03d}"
        return body + id_check_digit(body)

    def insured(self) -> list[dict]:
        result = []
        for _ in range(COUNTS["insured"]):
            area, region, district, street = self.rng.choice(self.places)
            result.append(
                {
                    "kind": Subject.Kind.INSURED,
                    "code": self._code("", region, 10),
                    "name": self._person_name(),
                    "region": region,
                    "category": self.rng.choice(INSURANCE_SCHEMES),
                    "address": self._address(district, street),
                    "id_number_masked": mask_id_number(self._id_number(area)),
                }
            )
        return result

    def practitioners(self, institutions: list[dict], pharmacies: list[dict]) -> list[dict]:
        """Doctors of the city's hospitals and clinics; a few licensed pharmacists of its pharmacies."""
        result = []
        for index in range(COUNTS["practitioner"]):
            pharmacist = index % 5 == 4
            employer = self.rng.choice(pharmacies if pharmacist else institutions)
            result.append(
                {
                    "kind": Subject.Kind.PRACTITIONER,
                    "name": self._person_name(),
                    "code": self._code("Y" if pharmacist else "D", employer["code"][1:7], 6),
                    "region": employer["region"],
                    "profession": Subject.Profession.PHARMACIST if pharmacist else Subject.Profession.DOCTOR,
                    "category": "执业药师" if pharmacist else self.rng.choice(DEPARTMENTS),
                    "institution_code": employer["code"],
                }
            )
        return result


def id_check_digit(body: str) -> str:
    """The GB 11643 check character of the first 17 digits of a citizen ID number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


# ---------------------------------------------------------------------------------------------
# Leads and cases.


class LeadSeeder:
    """Register and triage one city's leads so that every lead and case status occurs."""

    def __init__(self, city: City, bureau: Agency):
        self.city, self.bureau = city, bureau
        self.rng = random.Random(f"{LEAD_SEED}-{city.code}")
        self.now = timezone.now()
        users = {u.username: u for u in User.objects.filter(username__startswith=f"{city.prefix}_")}
        self.clerk, self.head = users[f"{city.prefix}_clerk"], users[f"{city.prefix}_head"]
        self.investigator = users[f"{city.prefix}_inv1"]
        regions = [city.code, city.county.code]
        self.pools = {
            kind: self._shuffled(Subject.objects.filter(kind=kind, region__code__in=regions)) for kind in KIND_WEIGHTS
        }

    def _shuffled(self, queryset) -> list[Subject]:
        subjects = list(queryset.order_by("code"))
        self.rng.shuffle(subjects)
        return subjects

    def run(self) -> None:
        opened, investigating = PLAN["opened"], PLAN["investigating"]
        cases = [self._open_case() for _ in range(opened + investigating + PLAN["withdrawn"])]
        # The withdrawn cases: the first never left "opened", the others were under investigation.
        withdrawn = cases[opened + investigating :]
        for case in cases[opened : opened + investigating] + withdrawn[1:]:
            case_start_investigation(case=case, by=self.investigator)
        for case, reason in zip(withdrawn, WITHDRAW_REASONS, strict=True):
            case_withdraw(case=case, by=self.head, reason=reason)
        for case in cases[opened : opened + PLAN["merged"]]:
            self._merge_into(case)
        for _ in range(PLAN["dismissed"]):
            lead = self._register(days_ago=self.rng.randint(20, 115))
            triage_decide(lead=lead, by=self.head, decision="dismiss", reason=self._dismiss_reason(lead))
        for _ in range(PLAN["overdue"]):
            self._register(days_ago=self.rng.randint(32, 110))
        for _ in range(PLAN["pending"]):
            self._register(days_ago=self.rng.randint(1, 9))

    def _open_case(self) -> Case:
        lead = self._register(days_ago=self.rng.randint(40, 120))
        return triage_decide(lead=lead, by=self.head, decision="open").case

    def _merge_into(self, case: Case) -> None:
        """A later lead on a subject of an open case, merged into it (并案)."""
        subject = case.subjects.order_by("pk").first()
        lead = self._register(days_ago=self.rng.randint(5, 35), subject=subject)
        triage_decide(lead=lead, by=self.head, decision="merge", case=case)

    def _register(self, *, days_ago: int, subject: Subject | None = None) -> Lead:
        subject = subject or self._next_subject()
        source = self.rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]
        issue = self.rng.choice([issue for issue in ISSUES[subject.kind] if _fits(issue.fits, subject)])
        subjects = [subject] + ([subject.institution] if subject.institution_id else [])
        amount = Decimal(self.rng.randrange(issue.low * 100, issue.high * 100)) / 100
        return triage_start(
            agency=self.bureau,
            source_kind=source,
            title=_title(source, subject, issue),
            description=self._description(source, subject, issue),
            subjects=subjects,
            received_at=self._received_at(days_ago),
            amount_estimate=None if source == Lead.SourceKind.REPORT and self.rng.random() < 0.3 else amount,
            by=self.clerk,
        )

    def _next_subject(self) -> Subject:
        kind = self.rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        return self.pools[kind].pop()

    def _description(self, source: str, subject: Subject, issue: Issue) -> str:
        name = _label(subject) + subject.name
        if subject.kind == PRACTITIONER and subject.institution_id:
            name = f"{name}（{subject.institution.name}）"
        body = issue.detail.format(name=name, n=self.rng.randint(3, 40))
        rng = self.rng
        if source == Lead.SourceKind.REPORT:
            evidence = rng.choice(REPORT_EVIDENCE[subject.kind])
            return f"举报人通过{rng.choice(REPORT_CHANNELS)}反映：{body}举报人提供了{evidence}。"
        if source == Lead.SourceKind.SCREEN_HIT:
            return f"智能监控系统规则“{issue.rule}”命中疑点数据：{body}"
        if source == Lead.SourceKind.INSPECTION:
            return f"在{rng.choice(INSPECTIONS)}中，检查组发现：{body}已调取相关结算数据和原始凭证。"
        if source == Lead.SourceKind.ASSIST_REQUEST:
            bureau, mechanism = rng.choice(self.city.neighbours)
            return f"{bureau}通过{mechanism}发来协查函，请求核查：{body}"
        return f"江苏省医疗保障局交办：{body}请依法核查处理，并按期报送处理结果。"

    def _dismiss_reason(self, lead: Lead) -> str:
        kind = lead.subjects.order_by("pk").first().kind
        return self.rng.choice([reason for kinds, reason in DISMISS_REASONS if kinds is None or kind in kinds])

    def _received_at(self, days_ago: int) -> datetime.datetime:
        local = timezone.localtime(self.now) - datetime.timedelta(days=days_ago)
        moment = local.replace(hour=self.rng.randint(8, 17), minute=self.rng.randint(0, 59), second=0, microsecond=0)
        return min(moment, self.now - datetime.timedelta(minutes=5))


def _fits(tag: str, subject: Subject) -> bool:
    outpatient_only = {"诊所", "中医诊所", "口腔诊所", "门诊部", "社区卫生服务中心"}
    checks = {
        "beds": lambda: subject.category not in outpatient_only,
        "private": lambda: subject.ownership == Subject.Ownership.PRIVATE and subject.category not in outpatient_only,
        "large": lambda: subject.level in {Subject.Level.TERTIARY, Subject.Level.SECONDARY},
        "doctor": lambda: subject.profession == Subject.Profession.DOCTOR,
        "pharmacist": lambda: subject.profession == Subject.Profession.PHARMACIST,
    }
    return checks.get(tag, lambda: True)()


def _label(subject: Subject) -> str:
    """参保人员 / 医保医师 / 医保药师 before a person's name; nothing before an organisation's."""
    return PERSON_LABELS.get(subject.kind) or PERSON_LABELS.get(subject.profession, "")


def _title(source: str, subject: Subject, issue: Issue) -> str:
    text = f"{_label(subject)}{subject.name}{issue.title}"
    prefixes = {
        Lead.SourceKind.SCREEN_HIT: "智能监控疑点：",
        Lead.SourceKind.ASSIST_REQUEST: "协查：",
        Lead.SourceKind.SUPERIOR: "上级交办：",
    }
    return prefixes.get(source, "") + text


# ---------------------------------------------------------------------------------------------
# Output.


def _counts(queryset, statuses) -> str:
    counts = Counter(queryset.values_list("status", flat=True))
    return "，".join(f"{status} {counts.get(status, 0)}" for status in statuses.values)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table whose columns line up in a terminal, counting CJK characters as two wide."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row):
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
