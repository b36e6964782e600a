"""The JSON shape of 附件2 and 附件3 (what stats.tables returns), for the OpenAPI schema."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONEY_PATTERN = r"^-?\d+\.\d{2}$"


def _money(help_text: str):
    return serializers.RegexField(MONEY_PATTERN, help_text=help_text)


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "pattern": MONEY_PATTERN}],
        "nullable": True,
        "description": "Distinct subjects (家/人) for count rows; 万元 with two decimals for money rows; "
        "null where the system records nothing for this cell (shown as —).",
    }
)
class CellField(serializers.Field):
    def to_representation(self, value):
        return value

    def to_internal_value(self, data):
        return data


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProviderOverviewSerializer(serializers.Serializer):
    registered = serializers.IntegerField(help_text="designated subjects of this kind in the region (统筹区内共…家)")
    checked = serializers.IntegerField(help_text="subjects of cases opened in the period (检查…合计)")
    checked_on_site = serializers.IntegerField(help_text="of which with an on-site inspection record (其中现场检查)")


class ProviderOverviewsSerializer(serializers.Serializer):
    institution = ProviderOverviewSerializer()
    pharmacy = ProviderOverviewSerializer()


class MoneyOverviewSerializer(serializers.Serializer):
    total = _money("追回资金 (万元)")
    fund = _money("其中医保基金 (万元)")
    personal = _money("个人 (万元)")


class ProviderRowSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.ChoiceField(choices=["家", "万元"])
    institution = CellField()
    pharmacy = CellField()


class ProviderTotalSerializer(serializers.Serializer):
    subjects = serializers.IntegerField(help_text="distinct subjects (不重复数)")
    money = _money("fund and patients' money recovered (万元)")


class ProviderTotalsSerializer(serializers.Serializer):
    institution = ProviderTotalSerializer()
    pharmacy = ProviderTotalSerializer()


class ProvidersSerializer(serializers.Serializer):
    section = serializers.CharField()
    overview = ProviderOverviewsSerializer()
    money = MoneyOverviewSerializer()
    rows = ProviderRowSerializer(many=True)
    total = ProviderTotalsSerializer()


class InsuredRowSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.ChoiceField(choices=["人", "万元"])
    value = CellField()


class InsuredTotalSerializer(serializers.Serializer):
    persons = serializers.IntegerField(help_text="distinct insured persons (不重复数)")
    money = _money("fund money recovered (万元)")


class InsuredSerializer(serializers.Serializer):
    section = serializers.CharField()
    rows = InsuredRowSerializer(many=True)
    total = InsuredTotalSerializer()


class TableHeaderSerializer(serializers.Serializer):
    region = RegionRefSerializer()
    # "from" is a Python keyword: declared below.
    to = serializers.DateField()
    title = serializers.CharField()
    annex = serializers.CharField()


TableHeaderSerializer._declared_fields["from"] = serializers.DateField()


class ResultsTableSerializer(TableHeaderSerializer):
    """附件2 处理结果表."""

    providers = ProvidersSerializer()
    insured = InsuredSerializer()


class ViolationRowSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="taxonomy item number (序号)")
    label = serializers.CharField()
    cases = serializers.IntegerField(help_text="违规例数")
    amount = _money("追回金额 (元)")
    fund = _money("其中医保基金 (元)")


class ViolationTotalSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    amount = _money("元")
    fund = _money("元")


class ViolationSectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["institution", "pharmacy", "insured"])
    title = serializers.CharField()
    rows = ViolationRowSerializer(many=True)
    total = ViolationTotalSerializer()


class ViolationsTableSerializer(TableHeaderSerializer):
    """附件3 违规行为表."""

    sections = ViolationSectionSerializer(many=True)
