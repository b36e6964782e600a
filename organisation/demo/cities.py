"""The demo's regions, agencies and staff (api.md "Demo installation"), as data."""

from dataclasses import dataclass, field

from organisation.models import Agency
from organisation.roles import Role

PROVINCE = ("320000", "江苏省")
PROVINCE_BUREAU = ("320000-bureau", "江苏省医疗保障局", "苏医保")


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
