from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from blocs import services
from blocs.access import blocs_visible_to, in_visible_blocs
from blocs.forms import BlocForm, CopyYearForm, MembershipAddForm, MembershipChangeForm
from blocs.models import Bloc, BlocKind, MemberRole, Membership
from blocs.views.mixins import Guarded, ObjectGuarded, YearMixin
from units.concurrency import VersionedUpdateMixin
from units.history import history_rows, membership_history


class BlocList(Guarded, YearMixin, ListView):
    """Every bloc the user may see, with the year's head, deputy and member count."""

    permission_required = "blocs.view_bloc"
    template_name = "blocs/bloc_list.html"
    paginate_by = 50

    def get_permission_object(self):
        return None

    def has_permission(self):
        return self.request.user.is_authenticated

    def get_queryset(self):
        year = self.get_year()
        qs = blocs_visible_to(self.request.user)
        query = self.request.GET.get("q", "").strip()
        if query:
            qs = qs.search(query)
        kind = self.request.GET.get("loai", "")
        if kind in BlocKind.values:
            qs = qs.filter(kind=kind)
        leaders = Membership.objects.filter(year=year, role__in=[MemberRole.HEAD, MemberRole.DEPUTY]).select_related(
            "unit"
        )
        return (
            qs.annotate(member_count=Count("memberships", filter=Q(memberships__year=year)))
            .prefetch_related(Prefetch("memberships", queryset=leaders, to_attr="leaders"))
            .order_by("sort_key", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for bloc in context["object_list"]:
            bloc.head = next((m.unit for m in bloc.leaders if m.role == MemberRole.HEAD), None)
            bloc.deputy = next((m.unit for m in bloc.leaders if m.role == MemberRole.DEPUTY), None)
        context["query"] = self.request.GET.get("q", "")
        context["kind"] = self.request.GET.get("loai", "")
        context["kinds"] = BlocKind.choices
        context["copy_form"] = CopyYearForm(initial={"from_year": context["year"] - 1, "to_year": context["year"]})
        return context


class BlocDetail(ObjectGuarded, YearMixin, DetailView):
    """A bloc's members for the working year, its history across years, and its change log."""

    permission_required = "blocs.view_bloc"
    template_name = "blocs/bloc_detail.html"
    context_object_name = "bloc"

    def get_queryset(self):
        return blocs_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bloc, year = self.object, context["year"]
        all_years = list(bloc.memberships.select_related("unit").order_by("-year", "unit__sort_key"))
        members = [m for m in all_years if m.year == year]
        role_order = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}
        members.sort(key=lambda m: (role_order[m.role], m.unit.sort_key))
        by_year: dict[int, list[Membership]] = {}
        for membership in all_years:
            by_year.setdefault(membership.year, []).append(membership)
        context.update(
            members=members,
            years=[
                {
                    "year": y,
                    "count": len(ms),
                    "head": next((m.unit for m in ms if m.role == MemberRole.HEAD), None),
                    "deputy": next((m.unit for m in ms if m.role == MemberRole.DEPUTY), None),
                }
                for y, ms in sorted(by_year.items(), reverse=True)
            ],
            can_edit=self.request.user.has_perm("blocs.change_membership", bloc),
            add_form=MembershipAddForm(year=year),
            copy_form=CopyYearForm(initial={"from_year": year - 1, "to_year": year}),
            history=history_rows(bloc),
            membership_history=membership_history(bloc),
            role_choices=MemberRole.choices,
        )
        return context


class BlocCreate(Guarded, CreateView):
    permission_required = "blocs.add_bloc"
    model = Bloc
    form_class = BlocForm
    template_name = "blocs/form.html"

    def get_success_url(self):
        messages.success(self.request, _("Đã tạo %(bloc)s.") % {"bloc": self.object})
        return reverse("blocs:detail", args=[self.object.pk])


class BlocUpdate(ObjectGuarded, VersionedUpdateMixin, UpdateView):
    permission_required = "blocs.change_bloc"
    form_class = BlocForm
    template_name = "blocs/form.html"
    context_object_name = "bloc"

    def get_queryset(self):
        return blocs_visible_to(self.request.user)

    def get_success_url(self):
        messages.success(self.request, _("Đã lưu %(bloc)s.") % {"bloc": self.object})
        return reverse("blocs:detail", args=[self.object.pk])


class _MembershipAction(Guarded, YearMixin, FormView):
    """POST-only actions on a bloc's membership; on success or error, back to the bloc page."""

    permission_required = "blocs.change_membership"
    http_method_names = ["post"]

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(blocs_visible_to(self.request.user), pk=self.kwargs["pk"])
        return self._object

    def back(self):
        return redirect(f"{reverse('blocs:detail', args=[self.get_object().pk])}?nam={self.get_year()}")

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return self.back()


class MembershipAdd(_MembershipAction):
    form_class = MembershipAddForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "year": self.get_year()}

    def form_valid(self, form):
        try:
            membership = services.membership_add(
                bloc=self.get_object(),
                unit=form.cleaned_data["unit"],
                year=self.get_year(),
                role=form.cleaned_data["role"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(self.request, _("Đã thêm %(unit)s vào khối.") % {"unit": membership.unit})
        return self.back()


class MembershipChange(_MembershipAction):
    form_class = MembershipChangeForm

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self.membership = get_object_or_404(
                in_visible_blocs(Membership.objects.select_related("bloc", "unit"), self.request.user),
                pk=self.kwargs["membership_pk"],
            )
            self._object = self.membership.bloc
        return self._object

    def get_year(self) -> int:
        self.get_object()
        return self.membership.year

    def form_valid(self, form):
        if self.request.POST.get("action") == "remove":
            services.membership_remove(membership=self.membership)
            messages.success(self.request, _("Đã đưa %(unit)s ra khỏi khối năm %(year)s.") % {
                "unit": self.membership.unit, "year": self.membership.year})  # fmt: skip
            return self.back()
        try:
            services.membership_change(
                membership=self.membership,
                role=form.cleaned_data["role"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(self.request, _("Đã lưu vai trò của %(unit)s.") % {"unit": self.membership.unit})
        return self.back()


class CopyYear(Guarded, FormView):
    """Set up a year by copying the previous one, for one bloc (pk given) or for every bloc."""

    permission_required = "blocs.change_membership"
    form_class = CopyYearForm
    http_method_names = ["post"]

    def get_permission_object(self):
        if "pk" in self.kwargs:
            self.bloc = get_object_or_404(blocs_visible_to(self.request.user), pk=self.kwargs["pk"])
            return self.bloc
        self.bloc = None
        return None

    def form_valid(self, form):
        target = form.cleaned_data["to_year"]
        try:
            count, skipped = services.membership_copy_year(
                from_year=form.cleaned_data["from_year"],
                to_year=target,
                blocs=[self.bloc] if self.bloc else None,
            )
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(self.request, _("Đã sao chép %(count)s thành viên sang năm %(year)s.") % {
                "count": count, "year": target})  # fmt: skip
            for line in skipped:
                messages.warning(self.request, line)
        return self.done(target)

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return self.done(form.data.get("to_year", ""))

    def done(self, year):
        url = reverse("blocs:detail", args=[self.bloc.pk]) if self.bloc else reverse("blocs:list")
        return redirect(f"{url}?nam={year}")
