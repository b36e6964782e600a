"""The wording of the Liyang forms 附件2 (处理结果表) and 附件3 (违规行为表), as printed (seed 004).

Row labels, units and section titles are reproduced exactly, so the generated tables read like the paper
forms; the taxonomy (casework/data/taxonomy.json) keeps its shorter item names for the case pages.
"""

RESULTS_TITLE = "打击欺诈骗取医疗保障基金专项行动情况统计表（处理结果表）"
VIOLATIONS_TITLE = "打击欺诈骗取医疗保障基金专项行动情况统计表（违规行为表）"
RESULTS_ANNEX = "附件2"
VIOLATIONS_ANNEX = "附件3"

# 附件2 （一）定点服务机构: (key, label, unit); the unit says how the cell is counted.
PROVIDER_SECTION = "（一）定点服务机构"
PROVIDER_HEADERS = ("序号", "处理结果类型", "处理机构数量", "备注")
PROVIDER_COLUMNS = ("定点医疗机构", "定点药店")
PROVIDER_ROWS = (
    ("interview_rectification", "约谈期限整改（家）", "家"),
    ("criticism", "通报批评（家）", "家"),
    ("suspension", "暂停医保服务（家）", "家"),
    ("termination", "解除定点协议（家）", "家"),
    ("blacklist", "列入医保黑名单（家）", "家"),
    ("penalty", "行政处罚（家）", "家"),
    ("judicial", "移交司法机关（家）", "家"),
    ("fund_recovered", "追回医保基金（  万元，小数点两位）", "万元"),
    ("patient_recovered", "为患者追回资金（  万元，小数点两位）", "万元"),
    ("other", "其他处理情形（家，如有请注明）", "家"),
)
PROVIDER_TOTAL = "合计（不重复数）"

# 附件2 （二）参保人员.
INSURED_SECTION = "（二）参保人员"
INSURED_HEADERS = ("序号", "处理结果", "处理参保人员人数")
INSURED_ROWS = (
    ("interview", "约谈（人）", "人"),
    ("settlement_suspended", "暂停医保卡结算（人）", "人"),
    ("penalty", "行政处罚（人）", "人"),
    ("judicial", "移交司法机关（人）", "人"),
    ("other", "其他处理形式（人，如有请注明）", "人"),
    ("fund_recovered", "追回骗取医保基金（万元，小数点两位）", "万元"),
)
INSURED_TOTAL = "合计（不重复数）"

# 附件3: one section per kind of subject, its rows keyed by the taxonomy item number.
VIOLATION_HEADERS = ("序号", "违规行为类型", "违规例数", "追回金额（元）", "其中医保基金（元）")
VIOLATION_SECTIONS = (
    (
        "institution",
        "（一）医疗服务行为违规",
        {
            1: "通过虚假宣传、以体检等名目诱导、骗取参保人员住院等行为",
            2: "留存、盗刷、冒用参保人员社会保障卡的行为",
            3: "人证不符、恶意挂床住院、虚构医疗服务、伪造医疗文书或票据行为",
            4: "协助参保人员开具药品用于变现，从而套取医保基金等不法行为",
            5: "虚记、多记药品、诊疗项目、医用耗材、医疗服务设施费用",
            6: "串换药品、器械、诊疗项目等行为",
            7: "分解收费、超标准收费、重复收费、套用项目收费等违规收费行为",
            8: "不合理诊疗和其他违法违规和欺诈骗保行为",
            9: "重点检查一些特殊治疗项目：肿瘤放化疗、移植抗排异治疗，肾功能衰竭透析治疗等项目",
        },
    ),
    (
        "pharmacy",
        "（二）定点药店服务行为违规",
        {
            1: "虚记、多记药品费用",
            2: "替其它单位或个人代结算费用",
            3: "使用医保卡结算不能支付的费用",
            4: "药品进销存不符（药品实际销售数量少于医保记账数量）",
            5: "其他违规行为（如有请注明）",
        },
    ),
    (
        "insured",
        "（三）参保人员违规",
        {
            1: "冒用他人的社保卡就诊",
            2: "将本人社保卡转借其他人使用",
            3: "伪造变造医疗文书、医疗费用票据等虚假材料骗取医保待遇",
            4: "与医保定点服务机构串通，串换、多记、虚记医保项目费用、空刷社保卡及配购与本人疾病无关药品等",
            5: "恶意超量或者重复配购同类药品",
            6: "其他违规行为（如有请说明）",
        },
    ),
)
VIOLATION_TOTAL = "合计"
