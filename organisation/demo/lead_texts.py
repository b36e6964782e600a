"""What the demo leads say: issues by kind of subject, report channels, and reasons for decisions."""

from dataclasses import dataclass

from casework.models import Subject

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
