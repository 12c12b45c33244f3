"""Wiring shared by the registry views: permission checks and the working year."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic.edit import BaseCreateView
from rules.contrib.views import PermissionRequiredMixin

from blocs.years import selected_year


class Guarded(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the sign-in page; signed-in users without the `rules` permission get 403.

    Objects come from `get_queryset`, which holds only what the user may see, so another bloc's
    id is a 404 before any permission is asked.
    """

    def get_permission_object(self):
        getter = getattr(self, "get_object", None)
        if isinstance(self, BaseCreateView) or getter is None:
            return None
        return getter()


class ObjectGuarded(Guarded):
    """Guarded, for detail and edit views: the object is fetched once, for the check and the page."""

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = super().get_object(queryset)
        return self._object


class YearMixin:
    """The working year: `?nam=` in the URL wins (links stay shareable), else the session's."""

    def get_year(self) -> int:
        raw = self.request.GET.get("nam", "")
        if raw.isdigit() and 2000 <= int(raw) <= 2100:
            return int(raw)
        return selected_year(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.get_year()
        return context
