from django import forms
from django.utils.translation import gettext_lazy as _

from casework.errors import DomainError
from intake.screening_import import MAX_FILE_BYTES, file_kind


class ScreeningImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export of the screening system"),
        help_text=_(
            "CSV (UTF-8 or GB18030) or Excel .xlsx, at most 20 MB, header in the first row: source, external_id, "
            "rule_code, rule_name, subject_kind, subject_code, subject_name, period_from, period_to, amount "
            "(or 来源, 疑点编号, 规则编码, 规则名称, 对象类别, 对象编码, 对象名称, 开始日期, 结束日期, 金额). "
            "Other columns are kept as details."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        content = upload.read()
        try:
            file_kind(content[:8], upload.name)
        except DomainError as error:
            raise forms.ValidationError(str(error.message)) from error
        self.content = content
        return upload
