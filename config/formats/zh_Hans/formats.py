"""zh-hans input formats with ISO dates first: Django renders a form's date value in the first input format, and an
<input type="date"> accepts only YYYY-MM-DD (with Django's "%Y/%m/%d" a pre-filled date showed empty)."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
