from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import AwardRule, Bloc, MemberRole, Membership, RuleSet
from units.concurrency import VersionedModelForm
from units.models import Unit


class BlocForm(VersionedModelForm):
    class Meta:
        model = Bloc
        fields = ["name", "code", "kind", "description", "active"]


class UnitForm(VersionedModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "kind", "leader_name", "leader_title", "address", "note", "active"]


class MembershipAddForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Đơn vị"), widget=forms.Select(attrs={"class": "form-select"})
    )
    role = forms.ChoiceField(
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        label=_("Vai trò"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(max_length=255, required=False, label=_("Ghi chú"))

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        taken = Membership.objects.filter(year=year).values("unit_id")
        self.fields["unit"].queryset = Unit.objects.active().exclude(pk__in=taken)
        self.fields["unit"].empty_label = _("— chọn đơn vị chưa thuộc khối nào năm %(year)s —") % {"year": year}


class MembershipChangeForm(forms.Form):
    role = forms.ChoiceField(choices=MemberRole.choices, label=_("Vai trò"))
    note = forms.CharField(max_length=255, required=False, label=_("Ghi chú"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class CopyYearForm(forms.Form):
    from_year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Sao chép từ năm"))
    to_year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Sang năm"))


class RuleSetForm(VersionedModelForm):
    class Meta:
        model = RuleSet
        fields = [
            "name",
            "issued_by",
            "legal_basis",
            "vote_base",
            "vote_threshold_num",
            "vote_threshold_den",
            "vote_threshold_strict",
            "quorum_num",
            "quorum_den",
            "score_max",
            "score_step",
            "bonus_cap",
            "tie_break",
            "note",
        ]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 5}),
            "tie_break": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "name",
            "issued_by",
            "legal_basis",
            Row(Column("vote_base", css_class="col-md-6"), Column("vote_threshold_num"), Column("vote_threshold_den")),
            "vote_threshold_strict",
            Row(Column("quorum_num"), Column("quorum_den")),
            Row(Column("score_max"), Column("score_step"), Column("bonus_cap")),
            "tie_break",
            "note",
            "version",
        )

    def clean(self):
        data = super().clean()
        for num, den, label in (
            ("vote_threshold_num", "vote_threshold_den", _("Ngưỡng phiếu")),
            ("quorum_num", "quorum_den", _("Tỷ lệ dự họp tối thiểu")),
        ):
            if data.get(den) == 0:
                self.add_error(den, _("Mẫu số phải lớn hơn 0."))
            elif data.get(num) is not None and data.get(den) and data[num] > data[den]:
                self.add_error(num, _("%(label)s không được vượt quá 100%%.") % {"label": label})
        return data


class AwardRuleForm(forms.ModelForm):
    """One row of the rule set's award table: plain widgets, labels in the table header."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            if name != "DELETE":
                field.widget.attrs["class"] = css
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = "—"
            elif isinstance(field, forms.ChoiceField) and not field.required:
                field.choices = [("", "—"), *(c for c in field.choices if c[0] != "")]

    class Meta:
        model = AwardRule
        fields = [
            "award_type",
            "quota_percent",
            "quota_base",
            "quota_count",
            "required_rating",
            "consecutive_years",
            "citation",
        ]


AwardRuleFormSet = forms.inlineformset_factory(RuleSet, AwardRule, form=AwardRuleForm, extra=1, can_delete=True)


class NewRuleSetForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Năm"))
