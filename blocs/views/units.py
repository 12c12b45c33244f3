"""Unit pages. They live in `blocs` because a unit's page shows its bloc in every year."""

from django.contrib import messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from blocs.access import units_visible_to
from blocs.forms import UnitForm
from blocs.models import Membership
from blocs.views.mixins import Guarded, ObjectGuarded, YearMixin
from units.concurrency import VersionedUpdateMixin
from units.history import history_rows
from units.models import Unit, UnitKind


class UnitList(Guarded, YearMixin, ListView):
    """Units the user may see, searchable without diacritics, in Vietnamese order, with their bloc this year."""

    template_name = "units/unit_list.html"
    paginate_by = 50

    def has_permission(self):
        return self.request.user.is_authenticated

    def get_queryset(self):
        year = self.get_year()
        qs = units_visible_to(self.request.user)
        query = self.request.GET.get("q", "").strip()
        if query:
            qs = qs.search(query)
        kind = self.request.GET.get("loai", "")
        if kind in UnitKind.values:
            qs = qs.filter(kind=kind)
        if self.request.GET.get("trang_thai") == "ngung":
            qs = qs.filter(active=False)
        elif self.request.GET.get("trang_thai") != "tat_ca":
            qs = qs.filter(active=True)
        this_year = Membership.objects.filter(year=year).select_related("bloc")
        return qs.prefetch_related(Prefetch("memberships", queryset=this_year, to_attr="this_year")).order_by(
            "sort_key", "pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for unit in context["object_list"]:
            unit.membership = unit.this_year[0] if unit.this_year else None
        context.update(
            query=self.request.GET.get("q", ""),
            kind=self.request.GET.get("loai", ""),
            status=self.request.GET.get("trang_thai", ""),
            kinds=UnitKind.choices,
        )
        return context


class UnitDetail(ObjectGuarded, DetailView):
    permission_required = "units.view_unit"
    template_name = "units/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return units_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.object.memberships.select_related("bloc").order_by("-year")
        context["awards"] = self.object.awards.select_related("award_type").order_by("-year", "award_type__order")
        context["history"] = history_rows(self.object)
        return context


class UnitCreate(Guarded, CreateView):
    permission_required = "units.add_unit"
    model = Unit
    form_class = UnitForm
    template_name = "units/form.html"

    def get_success_url(self):
        messages.success(self.request, _("Đã tạo đơn vị %(unit)s.") % {"unit": self.object})
        return reverse("blocs:unit_detail", args=[self.object.pk])


class UnitUpdate(ObjectGuarded, VersionedUpdateMixin, UpdateView):
    permission_required = "units.change_unit"
    form_class = UnitForm
    template_name = "units/form.html"
    context_object_name = "unit"

    def get_queryset(self):
        return units_visible_to(self.request.user)

    def get_success_url(self):
        messages.success(self.request, _("Đã lưu đơn vị %(unit)s.") % {"unit": self.object})
        return reverse("blocs:unit_detail", args=[self.object.pk])
