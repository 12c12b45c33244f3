"""The bloc-year: what every page of a bloc's year shares, the overview, closing and reopening."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView, View
from django.views.generic.base import ContextMixin

from blocs.access import blocs_visible_to
from blocs.models import BlocYear, Membership


class BlocYearMixin(LoginRequiredMixin, ContextMixin):
    """Resolves `pk` (a bloc the user may see, else 404) and `year` from the URL.

    Sets self.bloc, self.year, self.bloc_year (None until the year is first written or closed),
    self.closed and self.can_edit (the user may edit this bloc's records and the year is open).
    Views that write call `self.require_edit()`; services check the year again inside their transaction.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.bloc = get_object_or_404(blocs_visible_to(request.user), pk=kwargs["pk"])
        self.year = kwargs["year"]
        if not request.user.has_perm("blocs.view_bloc", self.bloc):
            raise PermissionDenied
        self.bloc_year = BlocYear.objects.filter(bloc=self.bloc, year=self.year).select_related("closed_by").first()
        self.closed = bool(self.bloc_year and self.bloc_year.is_closed)
        self.may_edit = request.user.has_perm("blocs.edit_records", self.bloc)
        self.can_edit = self.may_edit and not self.closed
        return super().dispatch(request, *args, **kwargs)

    def require_edit(self) -> None:
        """403 for users who may not edit this bloc's records, and for anyone while the year is closed."""
        if not self.can_edit:
            raise PermissionDenied

    def members(self):
        """This year's member units, head and deputy first, then in Vietnamese order (one query)."""
        memberships = list(Membership.objects.filter(bloc=self.bloc, year=self.year).select_related("unit"))
        order = {"head": 0, "deputy": 1, "member": 2}
        memberships.sort(key=lambda m: (order[m.role], m.unit.sort_key))
        return memberships

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            bloc=self.bloc,
            year=self.year,
            bloc_year=self.bloc_year,
            closed=self.closed,
            can_edit=self.can_edit,
        )
        return context


class YearOverview(BlocYearMixin, TemplateView):
    template_name = "blocs/year/overview.html"


class YearClose(BlocYearMixin, View):
    pass


class YearReopen(BlocYearMixin, View):
    pass
