from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, UpdateView

from blocs import services
from blocs.forms import AwardRuleFormSet, NewRuleSetForm, RuleSetForm
from blocs.models import AwardRulePriorAward, RuleSet
from blocs.views.mixins import Guarded
from units.concurrency import VersionConflict
from units.history import HistoryRow, history_rows
from units.models import AwardType

HISTORY_LIMIT = 25


def prior_award_history(rule_set: RuleSet, limit: int = HISTORY_LIMIT) -> list[HistoryRow]:
    """The changes of the rule set's conditions on awards already received, newest first, as history rows:
    each says the rule's award type and the condition before and after. Three queries (the rules, the history
    rows with their users, the award types), whatever the number of changes."""
    rules = dict(rule_set.award_rules.values_list("pk", "award_type__name"))
    records = list(
        AwardRulePriorAward.history.filter(rule_id__in=rules)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = dict(AwardType.objects.filter(pk__in={r.award_type_id for r in records}).values_list("pk", "name"))
    previous: dict[int, str] = {}
    rows = []
    for record in records:
        text = _("ít nhất %(count)s %(award)s") % {"count": record.count, "award": names.get(record.award_type_id, "?")}
        before = previous.get(record.id, "—")
        after = "—" if record.history_type == "-" else text
        previous[record.id] = after
        label = _("Khen thưởng đã nhận — %(award)s") % {"award": rules[record.rule_id]}
        who = str(record.history_user) if record.history_user else _("Hệ thống")
        rows.append(HistoryRow(record.history_date, who, _action(record.history_type), [(label, before, after)]))
    return rows[::-1][:limit]


def _action(kind: str) -> str:
    return {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}[kind]


class RuleSetList(Guarded, ListView):
    permission_required = "blocs.view_ruleset"
    template_name = "blocs/ruleset_list.html"
    queryset = RuleSet.objects.order_by("-year")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["new_form"] = NewRuleSetForm()
        context["can_edit"] = self.request.user.has_perm("blocs.change_ruleset")
        return context


class RuleSetDetail(Guarded, DetailView):
    permission_required = "blocs.view_ruleset"
    template_name = "blocs/ruleset_detail.html"
    context_object_name = "rule_set"

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(RuleSet, year=self.kwargs["year"])
        return self._object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["award_rules"] = self.object.award_rules.select_related("award_type").prefetch_related(
            "prior_awards__award_type"
        )
        rows = history_rows(self.object) + prior_award_history(self.object)
        context["history"] = sorted(rows, key=lambda row: row.when, reverse=True)[:HISTORY_LIMIT]
        context["can_edit"] = self.request.user.has_perm("blocs.change_ruleset", self.object)
        return context


class RuleSetUpdate(Guarded, UpdateView):
    """The rule set and its per-award conditions, saved together in one transaction."""

    permission_required = "blocs.change_ruleset"
    form_class = RuleSetForm
    template_name = "blocs/ruleset_form.html"
    context_object_name = "rule_set"

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(RuleSet, year=self.kwargs["year"])
        return self._object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "formset" not in context:
            context["formset"] = AwardRuleFormSet(instance=self.object, prefix="rules")
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        formset = AwardRuleFormSet(request.POST, instance=self.object, prefix="rules")
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    self.object = form.save()
                    formset.instance = self.object
                    formset.save()
            except VersionConflict:
                pass
            else:
                messages.success(request, _("Đã lưu quy chế năm %(year)s.") % {"year": self.object.year})
                return redirect("blocs:ruleset_detail", year=self.object.year)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class RuleSetCreate(Guarded, FormView):
    """A new year's rule set, copied from the latest earlier one, then edited."""

    permission_required = "blocs.change_ruleset"
    form_class = NewRuleSetForm
    http_method_names = ["post"]

    def form_valid(self, form):
        try:
            rule_set = services.ruleset_create_for_year(year=form.cleaned_data["year"])
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect("blocs:ruleset_list")
        messages.success(
            self.request, _("Đã tạo quy chế năm %(year)s; hãy xem lại từng mục.") % {"year": rule_set.year}
        )
        return redirect(reverse("blocs:ruleset_update", kwargs={"year": rule_set.year}))

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect("blocs:ruleset_list")
