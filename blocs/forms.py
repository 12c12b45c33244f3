from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import AwardRule, AwardRulePriorAward, Bloc, MemberRole, Membership, RuleSet
from units.concurrency import VersionedModelForm
from units.models import AwardType, Unit


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

    def __init__(self, *args, award_type_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if award_type_choices is not None:  # read once for every row of the page
            self.fields["award_type"].choices = award_type_choices
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


class PriorAwardForm(forms.ModelForm):
    """One option of "within those years, at least `count` × `award_type`" under an award rule's row."""

    class Meta:
        model = AwardRulePriorAward
        fields = ["count", "award_type"]

    def __init__(self, *args, award_type_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        count = self.fields["count"]
        count.widget.attrs.update({"class": "form-control form-control-sm w-year", "min": 1})
        award_type = self.fields["award_type"]
        award_type.widget.attrs["class"] = "form-select form-select-sm"
        award_type.empty_label = "—"
        if award_type_choices is not None:  # read once for every row of the page
            award_type.choices = award_type_choices


class BasePriorAwardFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, award_type_choices=None, **kwargs):
        self.award_type_choices = award_type_choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "award_type_choices": self.award_type_choices}

    def get_queryset(self):
        """The rule's rows from the prefetched `prior_awards` when there (one query for the whole page)."""
        if not hasattr(self, "_queryset"):
            self._queryset = list(self.instance.prior_awards.all()) if self.instance.pk else []
        return self._queryset

    def clean(self):
        """One row per award type within a rule (Vietnamese message next to the repeated one)."""
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            award_type = form.cleaned_data.get("award_type")
            if award_type is None:
                continue
            if award_type.pk in seen:
                form.add_error("award_type", _("«%(award)s» đã có trong điều kiện này.") % {"award": award_type.name})
            seen.add(award_type.pk)

    def live_count(self) -> int:
        """Rows kept after saving (not deleted, not blank)."""
        return sum(
            1
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and not self._should_delete_form(form)
            and (form.instance.pk or form.has_changed())
        )


PriorAwardFormSet = forms.inlineformset_factory(
    AwardRule, AwardRulePriorAward, form=PriorAwardForm, formset=BasePriorAwardFormSet, extra=1, can_delete=True
)


class BaseAwardRuleFormSet(forms.BaseInlineFormSet):
    """The rule set's award rules, each with its own formset of awards to have been received (`form.prior`).

    Validated and saved together with the rules: a rule deleted takes its rows with it; rows typed under the
    blank new rule need that rule's award type first.
    """

    def __init__(self, *args, **kwargs):
        self.award_type_choices = [("", "—"), *((t.pk, t.name) for t in AwardType.objects.order_by("order", "name"))]
        kwargs.setdefault("queryset", AwardRule.objects.prefetch_related("prior_awards"))
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "award_type_choices": self.award_type_choices}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.prior = PriorAwardFormSet(
            data=form.data if form.is_bound else None,
            instance=form.instance,
            prefix=f"{form.prefix}-prior",
            award_type_choices=self.award_type_choices,
        )

    def is_valid(self):
        valid = super().is_valid()
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            valid = form.prior.is_valid() and valid
        return valid

    def clean(self):
        super().clean()
        for form in self.forms:
            if self._should_delete_form(form) or not form.prior.is_valid():
                continue
            rows = form.prior.live_count()
            if not rows:
                continue
            blank_rule = not form.instance.pk and not form.has_changed()
            if blank_rule:
                form.add_error(None, _("Chọn hình thức khen thưởng trước khi nhập khen thưởng đã nhận."))
            elif hasattr(form, "cleaned_data") and not form.cleaned_data.get("consecutive_years"):
                form.add_error(
                    "consecutive_years",
                    _("Nhập số năm liên tục: khen thưởng đã nhận được tính trong các năm đó."),
                )

    def save(self, commit=True):
        saved = super().save(commit=commit)
        for form in self.forms:
            if self._should_delete_form(form) or form.instance.pk is None:
                continue
            form.prior.instance = form.instance
            form.prior.save(commit=commit)
        return saved


AwardRuleFormSet = forms.inlineformset_factory(
    RuleSet, AwardRule, form=AwardRuleForm, formset=BaseAwardRuleFormSet, extra=1, can_delete=True
)


class NewRuleSetForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Năm"))
