"""Award decisions on the board side: the list (filter by year and award type), recording one, its page
with the nominations attached and the approved ones waiting for it, attaching, editing, deleting.

The board and the province-wide viewer read decisions; the board records them (`awards.rules_decisions`).
Decisions belong to the province, not to a bloc: other roles get 403. Services write
(`awards.services_decisions`); these views only wire forms to them.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from awards import services_decisions as services
from awards.models import AwardDecision, Nomination, State
from blocs.views.mixins import Guarded
from blocs.years import MAX_YEAR, MIN_YEAR, selected_year
from meetings.services_meetings import date_words
from units.history import history_rows
from units.models import AwardType

# --- Forms ---------------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Số quyết định"),
        max_length=100,
        help_text=gettext_lazy("Ví dụ: 125/QĐ-UBND (Chủ tịch UBND tỉnh) hoặc 1234/QĐ-TTg (Thủ tướng Chính phủ)."),
    )
    date = forms.DateField(
        label=gettext_lazy("Ngày ký"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    signer = forms.CharField(label=gettext_lazy("Người ký"), max_length=150)
    signer_title = forms.CharField(
        label=gettext_lazy("Chức vụ người ký"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Ví dụ: Chủ tịch; KT. Chủ tịch, Phó Chủ tịch."),
    )
    award_type = forms.ModelChoiceField(label=gettext_lazy("Hình thức khen thưởng"), queryset=AwardType.objects.none())
    year = forms.IntegerField(label=gettext_lazy("Năm thành tích"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = AwardType.objects.filter(active=True).order_by("order", "name")

    def values(self) -> services.DecisionValues:
        data = self.cleaned_data
        return services.DecisionValues(
            number=data["number"],
            date=data["date"],
            signer=data["signer"],
            signer_title=data["signer_title"],
            award_type=data["award_type"],
            year=data["year"],
            note=data["note"],
        )


class NoteForm(forms.Form):
    """A decision with nominations attached: only the note can change."""

    note = forms.CharField(label=gettext_lazy("Ghi chú"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


def _initial(decision: AwardDecision) -> dict:
    return {name: getattr(decision, name) for name in services.FIELDS} | {"version": decision.version}


# --- Wiring --------------------------------------------------------------------------------------


class _ReadDecisions(Guarded):
    permission_required = "awards.view_decision"

    def get_permission_object(self):
        return None


class _RecordDecisions(Guarded):
    permission_required = "awards.record_decision"

    def get_permission_object(self):
        return None


def _decision_or_404(pk: int) -> AwardDecision:
    return get_object_or_404(AwardDecision.objects.select_related("award_type", "created_by"), pk=pk)


# --- The list ------------------------------------------------------------------------------------


def _int_param(request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


class DecisionList(_ReadDecisions, ListView):
    """Decisions, newest first, with how many nominations each awards; filter by year and award type.
    Above them, the approved nominations that no decision names yet, by year and award type."""

    template_name = "awards/decisions/list.html"
    paginate_by = 50
    context_object_name = "decisions"

    def get_queryset(self):
        qs = AwardDecision.objects.select_related("award_type").annotate(attached=Count("nominations"))
        year = _int_param(self.request, "nam")
        if year:
            qs = qs.filter(year=year)
        award = _int_param(self.request, "hinh_thuc")
        if award:
            qs = qs.filter(award_type_id=award)
        return qs.order_by("-date", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = sorted(set(AwardDecision.objects.values_list("year", flat=True).distinct()), reverse=True)
        types = list(AwardType.objects.order_by("order", "name"))
        by_pk = {t.pk: t for t in types}
        waiting = [
            (year, by_pk[type_id], count)
            for year, type_id, count in Nomination.objects.filter(state=State.APPROVED, decision__isnull=True)
            .values_list("year", "award_type_id")
            .annotate(n=Count("pk"))
            .order_by("-year", "award_type__order")
        ]
        context.update(
            years=years,
            award_types=types,
            chosen_year=_int_param(self.request, "nam"),
            chosen_award=_int_param(self.request, "hinh_thuc"),
            waiting=waiting,
            can_record=self.request.user.has_perm("awards.record_decision"),
        )
        return context


# --- Recording -----------------------------------------------------------------------------------


class DecisionCreate(_RecordDecisions, FormView):
    template_name = "awards/decisions/form.html"
    form_class = DecisionForm

    def get_initial(self):
        initial = {"year": _int_param(self.request, "nam") or selected_year(self.request) - 1}
        award = _int_param(self.request, "hinh_thuc")
        if award:
            initial["award_type"] = award
        return initial

    def form_valid(self, form):
        try:
            decision = services.decision_create(values=form.values(), user=self.request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã ghi quyết định số %(number)s.") % {"number": decision.number})
        return HttpResponseRedirect(reverse("awards:decision_detail", kwargs={"decision_pk": decision.pk}))


class DecisionDetail(_ReadDecisions, TemplateView):
    """The decision, the nominations it awards, and (for the board) the approved nominations of its year
    and award type waiting for a decision, with checkboxes. Queries do not grow with the nominations."""

    template_name = "awards/decisions/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = _decision_or_404(kwargs["decision_pk"])
        attached = list(
            decision.nominations.select_related("unit", "bloc").order_by(
                "bloc__sort_key", "bloc__pk", "unit__sort_key", "unit__pk"
            )
        )
        can_record = self.request.user.has_perm("awards.record_decision")
        context.update(
            decision=decision,
            date_words=date_words(decision.date),
            attached=attached,
            candidates=list(services.attachable(decision)) if can_record else [],
            can_record=can_record,
            locked=bool(attached),
            history=history_rows(decision),
        )
        return context


class DecisionUpdate(_RecordDecisions, FormView):
    """Every field while no nomination is attached; then only the note."""

    template_name = "awards/decisions/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.decision = _decision_or_404(kwargs["decision_pk"])
            self.locked = services.attached_count(self.decision) > 0
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return NoteForm if self.locked else DecisionForm

    def get_initial(self):
        return _initial(self.decision)

    def form_valid(self, form):
        data = form.cleaned_data
        if self.locked:
            values = services.DecisionValues(
                **{name: getattr(self.decision, name) for name in services.FIELDS if name != "note"}, note=data["note"]
            )
        else:
            values = form.values()
        try:
            services.decision_update(
                decision=self.decision, values=values, expected_version=data["version"] or 0, user=self.request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu quyết định số %(number)s.") % {"number": self.decision.number})
        return HttpResponseRedirect(self._detail_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(decision=self.decision, locked=self.locked, cancel_url=self._detail_url())
        return context

    def _detail_url(self) -> str:
        return reverse("awards:decision_detail", kwargs={"decision_pk": self.decision.pk})


class DecisionDelete(_RecordDecisions, View):
    def post(self, request, *args, **kwargs):
        decision = _decision_or_404(kwargs["decision_pk"])
        try:
            services.decision_delete(decision=decision, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("awards:decision_detail", kwargs={"decision_pk": decision.pk}))
        messages.success(request, _("Đã xóa quyết định số %(number)s.") % {"number": decision.number})
        return HttpResponseRedirect(reverse("awards:decision_list"))


class DecisionAttach(_RecordDecisions, View):
    """POST `nomination` (the ticked pks) and `version-<pk>` (each one's version as the page showed it)."""

    def get(self, request, *args, **kwargs):
        raise Http404

    def post(self, request, *args, **kwargs):
        decision = _decision_or_404(kwargs["decision_pk"])
        detail = reverse("awards:decision_detail", kwargs={"decision_pk": decision.pk})
        versions = {}
        for raw in request.POST.getlist("nomination"):
            version = request.POST.get(f"version-{raw}", "")
            if raw.isdigit():
                versions[int(raw)] = int(version) if version.isdigit() else 0
        try:
            attached = services.decision_attach(decision=decision, versions=versions, user=request.user)
        except ValidationError as exc:
            messages.error(request, _("Chưa gắn hồ sơ nào: %(reasons)s") % {"reasons": " ".join(exc.messages)})
            return HttpResponseRedirect(detail + "#cho-quyet-dinh")
        messages.success(
            request,
            _("Đã gắn %(count)s hồ sơ vào quyết định; lịch sử khen thưởng của các đơn vị đã được ghi.")
            % {"count": len(attached)},
        )
        return HttpResponseRedirect(detail + "#da-khen-thuong")


_D = "quyet-dinh/<int:decision_pk>/"
urls = [
    path("quyet-dinh/", DecisionList.as_view(), name="decision_list"),
    path("quyet-dinh/them/", DecisionCreate.as_view(), name="decision_create"),
    path(_D, DecisionDetail.as_view(), name="decision_detail"),
    path(_D + "sua/", DecisionUpdate.as_view(), name="decision_update"),
    path(_D + "xoa/", DecisionDelete.as_view(), name="decision_delete"),
    path(_D + "gan-ho-so/", DecisionAttach.as_view(), name="decision_attach"),
]
