from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, UpdateView

from blocs import services
from blocs.forms import AwardRuleFormSet, NewRuleSetForm, RuleSetForm
from blocs.models import RuleSet
from blocs.views.mixins import Guarded
from units.concurrency import VersionConflict
from units.history import history_rows


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
        context["award_rules"] = self.object.award_rules.select_related("award_type")
        context["history"] = history_rows(self.object)
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
