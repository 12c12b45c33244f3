"""Forms of the documents pages: the year-end report's free texts, a document's number and date."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.documents.base import recipient_lines
from reports.models import DocumentDraft, ReportTexts, number_text
from units.concurrency import VersionedModelForm

_TEXT = {"rows": 6, "class": "form-control"}


class ReportTextsForm(VersionedModelForm):
    class Meta:
        model = ReportTexts
        fields = ["activities", "strengths", "limitations", "lessons", "directions"]
        widgets = {name: forms.Textarea(attrs=_TEXT) for name in fields}
        help_texts = {
            "strengths": gettext_lazy("Mỗi đoạn một dòng."),
            "limitations": gettext_lazy("Mỗi đoạn một dòng."),
            "lessons": gettext_lazy("Mỗi đoạn một dòng."),
            "directions": gettext_lazy(
                "Mỗi đoạn một dòng. Kết quả bầu khối trưởng, khối phó năm sau được đưa vào báo cáo tự động."
            ),
        }


class DraftForm(VersionedModelForm):
    """The number, date, place, signer and recipients of a document before it is issued."""

    class Meta:
        model = DocumentDraft
        fields = ["number", "symbol", "issued_on", "place", "signer_name", "recipients"]
        widgets = {
            "number": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "number": {"invalid": gettext_lazy("Nhập số văn bản là một số nguyên, ví dụ 12.")},
            "issued_on": {"invalid": gettext_lazy("Nhập ngày ban hành, ví dụ 28/12/2025.")},
        }

    def __init__(self, *args, issued_numbers=None, signed_by_head=True, **kwargs):
        super().__init__(*args, **kwargs)
        # (symbol, number) -> the document that already carries it
        self.issued_numbers = issued_numbers or {}
        self.fields["number"].min_value = 1
        self.fields["number"].widget.attrs["min"] = 1
        if not signed_by_head:
            del self.fields["signer_name"]
            del self.fields["recipients"]

    def clean_recipients(self) -> str:
        return "\n".join(recipient_lines(self.cleaned_data.get("recipients", "")))

    def clean(self):
        data = super().clean()
        number, symbol = data.get("number"), data.get("symbol")
        if number is not None and symbol:
            issued = self.issued_numbers.get((symbol, number))
            if issued is not None:
                self.add_error(
                    "number",
                    _("Số %(number)s đã dùng cho văn bản ban hành ngày %(date)s; hãy chọn số khác.")
                    % {"number": number_text(number, symbol), "date": issued.issued_on.strftime("%d/%m/%Y")},
                )
        return data


class IssueForm(DraftForm):
    """Issuing uses the values on the form (saved first, then frozen into the archived PDF)."""

    def clean_number(self):
        number = self.cleaned_data.get("number")
        if number is None:
            raise forms.ValidationError(_("Nhập số văn bản trước khi ban hành."))
        return number
