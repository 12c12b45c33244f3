"""Forms of the pledge and title-registration pages."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.models import Pledge, PledgeArticle, PledgeTarget, TargetKind, TargetMeasure
from units.concurrency import VersionedModelForm
from units.models import AwardType
from units.text import clean_text

_DATE = {"type": "date", "class": "form-control form-control-sm"}


class PledgeForm(VersionedModelForm):
    class Meta:
        model = Pledge
        fields = ["title", "adopted_on", "place", "note"]
        widgets = {
            "adopted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class _RowForm(forms.ModelForm):
    """A row of an edit table: small widgets, labels in the table header."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "DELETE":
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def has_changed(self) -> bool:
        """A blank new row comes with its order number filled in; that alone does not make it a row."""
        if self.instance.pk is None:
            return any(name != "order" for name in self.changed_data)
        return super().has_changed()


class ArticleForm(_RowForm):
    class Meta:
        model = PledgeArticle
        fields = ["order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class TargetForm(_RowForm):
    class Meta:
        model = PledgeTarget
        fields = ["order", "description", "kind", "target_value", "measure", "manual_value"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        localized_fields = ["target_value", "manual_value"]  # "70,5" as Vietnamese write it; "70.5" works too

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("target_value", "manual_value"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        data = super().clean()
        kind, measure = data.get("kind"), data.get("measure")
        target, manual = data.get("target_value"), data.get("manual_value")
        if target is not None and target < 0:
            self.add_error("target_value", _("Giá trị chỉ tiêu không được âm."))
        elif kind == TargetKind.PERCENT_UNITS and target is not None and target > 100:
            self.add_error("target_value", _("Chỉ tiêu tỷ lệ không được vượt quá 100%."))
        elif kind == TargetKind.COUNT and measure != TargetMeasure.MANUAL and target is not None and target % 1:
            self.add_error("target_value", _("Số đơn vị phải là số nguyên."))
        if manual is None:
            return data
        if measure != TargetMeasure.MANUAL:
            self.add_error("manual_value", _("Chỉ nhập kết quả khi cách đo là «Nhập tay»; hãy xóa số này."))
        elif manual < 0:
            self.add_error("manual_value", _("Kết quả không được âm."))
        elif kind == TargetKind.PERCENT_UNITS and manual > 100:
            self.add_error("manual_value", _("Tỷ lệ đạt được không được vượt quá 100%."))
        elif kind == TargetKind.YES_NO and manual not in (0, 1):
            self.add_error("manual_value", _("Có/Không: nhập 1 (có) hoặc 0 (không)."))
        return data


ArticleFormSet = forms.inlineformset_factory(Pledge, PledgeArticle, form=ArticleForm, extra=2, can_delete=True)
TargetFormSet = forms.inlineformset_factory(Pledge, PledgeTarget, form=TargetForm, extra=2, can_delete=True)


class SignatureForm(forms.Form):
    signed_on = forms.DateField(label=gettext_lazy("Ngày ký"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    signed_by = forms.CharField(label=gettext_lazy("Người ký"), max_length=150)
    signer_title = forms.CharField(label=gettext_lazy("Chức vụ người ký"), max_length=150, required=False)
    state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, unit_pk: int, **kwargs):
        super().__init__(*args, auto_id=f"sig{unit_pk}_%s", **kwargs)
        self.form_id = f"sig-form-{unit_pk}"
        for name in ("signed_by", "signer_title"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        for field in self.fields.values():
            field.widget.attrs["form"] = self.form_id

    def clean_signed_by(self):
        return clean_text(self.cleaned_data["signed_by"])

    def clean_signer_title(self):
        return clean_text(self.cleaned_data["signer_title"])


class RegistrationForm(forms.Form):
    award_types = forms.ModelMultipleChoiceField(queryset=AwardType.objects.filter(active=True), required=False)
    registered_on = forms.DateField(required=False)
    state = forms.CharField(required=False)
