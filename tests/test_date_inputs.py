"""Pre-filled <input type="date"> fields reach the browser as YYYY-MM-DD, the only form it accepts (in zh-hans
Django would otherwise write 2026/11/24 and the browser would show the field empty)."""

import datetime

from django import forms
from django.utils import translation


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_a_date_input_renders_its_initial_value_in_iso_form():
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": datetime.date(2026, 11, 24)})["day"])
    assert 'value="2026-11-24"' in html


def test_slashed_dates_are_still_accepted():
    with translation.override("zh-hans"):
        for typed in ("2026-11-24", "2026/11/24"):
            form = _Form({"day": typed})
            assert form.is_valid() and form.cleaned_data["day"] == datetime.date(2026, 11, 24), typed
