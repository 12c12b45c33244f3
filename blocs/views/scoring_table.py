"""The bloc-year's scoring table: created from the province template or last year's, then edited.

Once scores have been entered, every structural change asks for confirmation first and keeps the
scores: a removed criterion is archived, not deleted, and can be restored.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from blocs.models import Criterion, CriterionKind, ScoringTable
from blocs.services_scoring import (
    criterion_remove,
    criterion_restore,
    criterion_save,
    scoring_table_copy,
    scoring_template_ensure,
    structure_change_needs_confirmation,
)
from blocs.services_year import ensure_year_open
from blocs.views.year import BlocYearMixin
from units.concurrency import VersionConflict, VersionedModelForm


class CriterionForm(forms.ModelForm):
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Criterion
        fields = ["parent", "code", "title", "kind", "max_points", "order", "tie_break_rank"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}
        labels = {"order": gettext_lazy("Thứ tự (để 0: cuối bảng)")}

    def __init__(self, *args, table: ScoringTable, **kwargs):
        super().__init__(*args, **kwargs)
        groups = table.criteria.filter(kind=CriterionKind.GROUP, archived=False)
        if self.instance.pk:
            groups = groups.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = groups.order_by("order")
        self.fields["parent"].empty_label = _("— không thuộc nhóm nào (cấp cao nhất) —")
        self.fields["order"].required = False
        self.fields["max_points"].min_value = 0
        self.fields["max_points"].validators.append(MinValueValidator(0))


class TableSettingsForm(VersionedModelForm):
    class Meta:
        model = ScoringTable
        fields = ["name", "bonus_cap", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class ScoringTablePage(BlocYearMixin, TemplateView):
    """The table as a tree, with what can be done to it."""

    template_name = "blocs/year/scoring_table.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = ScoringTable.objects.filter(bloc=self.bloc, year=self.year).first()
        context["table"] = table
        if table is None:
            context["previous"] = (
                ScoringTable.objects.filter(bloc=self.bloc, year__lt=self.year).order_by("-year").first()
            )
            context["template"] = ScoringTable.objects.filter(is_template=True).order_by("pk").first()
            return context
        criteria = list(table.criteria.order_by("order", "pk"))
        children: dict[int | None, list[Criterion]] = {}
        for criterion in criteria:
            children.setdefault(criterion.parent_id, []).append(criterion)
        rows = []

        def walk(parent_id, depth):
            for node in children.get(parent_id, []):
                node.depth = depth
                rows.append(node)
                walk(node.pk, depth + 1)

        walk(None, 0)
        active = [c for c in criteria if not c.archived]
        context.update(
            rows=rows,
            score_count=structure_change_needs_confirmation(table),
            total_max=sum(c.max_points for c in active if c.kind == CriterionKind.NORMAL) + table.bonus_cap,
            settings_form=TableSettingsForm(instance=table),
        )
        return context


class ScoringTableCreate(BlocYearMixin, TemplateView):
    """POST: copy the province template (source=template) or the latest earlier table (source=previous)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_edit()
        source_kind = request.POST.get("source")
        if source_kind == "previous":
            source = ScoringTable.objects.filter(bloc=self.bloc, year__lt=self.year).order_by("-year").first()
        else:
            source = scoring_template_ensure()
        if source is None:
            messages.error(request, _("Khối chưa có bảng chấm điểm năm nào trước năm %(year)s.") % {"year": self.year})
        else:
            try:
                scoring_table_copy(source=source, bloc=self.bloc, year=self.year)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Đã tạo bảng chấm điểm năm %(year)s từ «%(source)s».") % {
                    "year": self.year, "source": source.name})  # fmt: skip
        return redirect("blocs:scoring_table", pk=self.bloc.pk, year=self.year)


class _TableMixin(BlocYearMixin):
    def get_table(self) -> ScoringTable:
        return get_object_or_404(ScoringTable, bloc=self.bloc, year=self.year)

    def back(self):
        return redirect("blocs:scoring_table", pk=self.bloc.pk, year=self.year)


class CriterionEdit(_TableMixin, FormView):
    """Add (no cid) or change a criterion; with scores entered, the first submit asks for confirmation."""

    template_name = "blocs/year/criterion_form.html"
    form_class = CriterionForm

    def get_criterion(self) -> Criterion | None:
        if "cid" not in self.kwargs:
            return None
        return get_object_or_404(Criterion, pk=self.kwargs["cid"], table__bloc=self.bloc, table__year=self.year)

    def get(self, request, *args, **kwargs):
        self.require_edit()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.require_edit()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["table"] = self.get_table()
        kwargs["instance"] = self.get_criterion()
        if kwargs["instance"] is None and "nhom" in self.request.GET:
            kwargs.setdefault("initial", {})["parent"] = self.request.GET["nhom"]
        return kwargs

    def form_valid(self, form):
        values = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        values["order"] = values.get("order") or 0
        try:
            saved, affected = criterion_save(
                table=self.get_table(),
                criterion=self.get_criterion(),
                values=values,
                confirmed=form.cleaned_data["confirm"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.form_invalid(form)
        if saved is None:
            data = form.data.copy()
            data["confirm"] = "True"
            form.data = data
            return self.render_to_response(self.get_context_data(form=form, needs_confirmation=affected))
        messages.success(self.request, _("Đã lưu tiêu chí %(code)s.") % {"code": saved.code})
        return self.back()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["criterion"] = self.get_criterion()
        return context


class CriterionRemove(_TableMixin, TemplateView):
    """Remove a criterion; with scores, confirm first and archive (scores kept) instead of deleting."""

    template_name = "blocs/year/criterion_remove.html"

    def post(self, request, *args, **kwargs):
        self.require_edit()
        criterion = get_object_or_404(Criterion, pk=kwargs["cid"], table__bloc=self.bloc, table__year=self.year)
        if request.POST.get("action") == "restore":
            criterion_restore(criterion=criterion)
            messages.success(request, _("Đã đưa tiêu chí %(code)s trở lại bảng, cùng các điểm đã chấm.") % {
                "code": criterion.code})  # fmt: skip
            return self.back()
        try:
            outcome, count = criterion_remove(criterion=criterion, confirmed=request.POST.get("confirm") == "1")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.back()
        if outcome == "needs_confirmation":
            return self.render_to_response(self.get_context_data(criterion=criterion, count=count))
        if outcome == "archived":
            text = _("Đã bỏ tiêu chí %(code)s khỏi bảng; %(n)s điểm đã chấm được giữ lại và có thể khôi phục.")
            messages.warning(request, text % {"code": criterion.code, "n": count})
        else:
            messages.success(request, _("Đã xóa tiêu chí %(code)s.") % {"code": criterion.code})
        return self.back()


class TableSettings(_TableMixin, TemplateView):
    """POST: the table's name, bonus cap and note (versioned: a concurrent edit is refused)."""

    template_name = "blocs/year/scoring_table.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_edit()
        table = self.get_table()
        form = TableSettingsForm(request.POST, instance=table)
        if form.is_valid():
            try:
                with transaction.atomic():
                    ensure_year_open(bloc=self.bloc, year=self.year)
                    form.save()
            except VersionConflict:
                pass
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Đã lưu thông tin bảng điểm."))
                return self.back()
        for error in form.non_field_errors():
            messages.error(request, error)
        for name, errors in form.errors.items():
            if name != "__all__":
                messages.error(request, f"{form.fields[name].label}: {' '.join(errors)}")
        return self.back()


urls = [
    path("khoi/<int:pk>/nam/<int:year>/bang-diem/", ScoringTablePage.as_view(), name="scoring_table"),
    path("khoi/<int:pk>/nam/<int:year>/bang-diem/tao/", ScoringTableCreate.as_view(), name="scoring_table_create"),
    path("khoi/<int:pk>/nam/<int:year>/bang-diem/thong-tin/", TableSettings.as_view(), name="scoring_table_settings"),
    path("khoi/<int:pk>/nam/<int:year>/bang-diem/them/", CriterionEdit.as_view(), name="criterion_add"),
    path("khoi/<int:pk>/nam/<int:year>/bang-diem/<int:cid>/sua/", CriterionEdit.as_view(), name="criterion_edit"),
    path("khoi/<int:pk>/nam/<int:year>/bang-diem/<int:cid>/xoa/", CriterionRemove.as_view(), name="criterion_remove"),
]
