"""Fetching a meeting the user may see, and whether they may change it."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.generic.base import ContextMixin

from blocs.access import in_visible_blocs
from blocs.models import BlocYear
from meetings.models import Meeting


class MeetingMixin(LoginRequiredMixin, ContextMixin):
    """Resolves `meeting_pk` among the meetings of blocs the user may see (else 404).

    Sets self.meeting, self.bloc, self.year, self.closed (the meeting's bloc-year is closed) and
    self.can_edit (the user may edit the bloc's records and the year is open). Writing views call
    `self.require_edit()`; services check the year again inside their transaction.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting = get_object_or_404(
            in_visible_blocs(Meeting.objects.select_related("bloc"), request.user),
            pk=kwargs["meeting_pk"],
        )
        self.bloc, self.year = self.meeting.bloc, self.meeting.year
        self.bloc_year = BlocYear.objects.filter(bloc=self.bloc, year=self.year).select_related("closed_by").first()
        self.closed = bool(self.bloc_year and self.bloc_year.is_closed)
        self.can_edit = request.user.has_perm("blocs.edit_records", self.bloc) and not self.closed
        return super().dispatch(request, *args, **kwargs)

    def require_edit(self) -> None:
        if not self.can_edit:
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            meeting=self.meeting,
            bloc=self.bloc,
            bloc_year=self.bloc_year,
            year=self.year,
            closed=self.closed,
            can_edit=self.can_edit,
            selected_year=self.year,
        )
        return context
