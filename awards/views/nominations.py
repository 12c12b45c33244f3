"""Nominations on the bloc side: the bloc-year's list, creating (from a ballot result or by hand), the
nomination page with its summary, dossier files, workflow actions and timeline.

A nomination is visible to whoever may see its bloc (else 404, files included); bloc staff edit it while
the bloc holds it (draft/returned), the bloc head submits and withdraws, the board reviews. Services write.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from django.views.generic.base import ContextMixin

from awards import services, workflow
from awards.checks import Assessment, assess, check_summaries
from awards.models import DossierKind, Nomination, ReviewEvent, State
from blocs.access import in_visible_blocs
from blocs.views.year import BlocYearMixin
from meetings.forms import AttachmentForm
from meetings.models import Ballot
from meetings.services_ballots import ballot_result, ballots_queryset, meeting_quorum
from meetings.views.meetings import _chunks, content_disposition
from units.models import AnnualRating, Award, AwardType, Unit
from units.prepared import Prepared

HISTORY_YEARS = 5


# --- Forms ---------------------------------------------------------------------------------------


class NominationCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Đơn vị"), queryset=Unit.objects.none())
    award_type = forms.ModelChoiceField(label=gettext_lazy("Hình thức đề nghị"), queryset=AwardType.objects.none())
    summary = forms.CharField(
        label=gettext_lazy("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[m.unit_id for m in members])
        self.fields["unit"].choices = [("", "---------")] + [(m.unit_id, m.unit.name) for m in members]
        self.fields["award_type"].queryset = AwardType.objects.filter(active=True).order_by("order", "name")


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DossierForm(AttachmentForm):
    """A meeting attachment's form (content-checked upload, name), plus which part of the dossier it is."""

    kind = forms.ChoiceField(label=gettext_lazy("Loại tài liệu"), choices=DossierKind.choices)
    field_order = ["kind", "file", "name"]


# --- Reading -------------------------------------------------------------------------------------


def ballot_lines(nominations) -> dict[int, tuple[str, str]]:
    """nomination pk -> (share text, rule text) of its unit on its ballot; queries grow with the number of
    distinct meetings, not of nominations. The nominations' `ballot` are the ballots read (with their meeting)."""
    ballot_ids = {n.ballot_id for n in nominations if n.ballot_id}
    if not ballot_ids:
        return {}
    quorums = {}
    results = {}
    ballots = {}
    for ballot in ballots_queryset().filter(pk__in=ballot_ids):
        if ballot.meeting_id not in quorums:
            quorums[ballot.meeting_id] = meeting_quorum(ballot.meeting)
        results[ballot.pk] = ballot_result(ballot, quorum=quorums[ballot.meeting_id])
        ballots[ballot.pk] = ballot
    lines = {}
    for n in nominations:
        result = results.get(n.ballot_id)
        if result is None:
            continue
        n.ballot = ballots[n.ballot_id]
        row = next((r for r in result.rows if r.key == n.unit_id), None)
        lines[n.pk] = (row.share_text if row else "", result.rule_text)
    return lines


def history_rows(nomination: Nomination, assessment: Assessment | None = None) -> tuple[list[AnnualRating], list]:
    """The unit's ratings and awards (with their award type) of the five years up to the nomination's, newest
    first: from the rows the nomination's assessment read (`records=True`), else read (two queries)."""
    first = nomination.year - HISTORY_YEARS + 1

    def within(row) -> bool:
        return row.unit_id == nomination.unit_id and first <= row.year <= nomination.year

    if assessment is not None and assessment.records:
        ratings = [r for r in assessment.ratings if within(r)]
        awards = [a for a in assessment.awards if within(a)]
    else:
        ratings = list(AnnualRating.objects.filter(unit_id=nomination.unit_id, year__range=(first, nomination.year)))
        awards = list(
            Award.objects.filter(unit_id=nomination.unit_id, year__range=(first, nomination.year)).select_related(
                "award_type"
            )
        )
    ratings.sort(key=lambda r: -r.year)
    awards.sort(key=lambda a: (-a.year, a.award_type.order, a.award_type.name))
    return ratings, awards


@dataclass(frozen=True)
class TimelineEntry:
    """One review event as the timeline shows it: its time, who, the states' names and the reason given."""

    at: str  # d/m/Y H:i, local time
    by: str  # the person's full name, else user name
    from_state: str  # the state's name; empty for the first event
    to_state: str
    reason: str


_EVENTS = Prepared(
    lambda nomination_id: ReviewEvent.objects.filter(nomination_id=nomination_id)
    .order_by("at", "pk")
    .values_list("at", "by__full_name", "by__first_name", "by__last_name", "by__username", "from_state", "to_state",
                 "reason")
)  # fmt: skip


def timeline(nomination: Nomination) -> list[TimelineEntry]:
    """The nomination's review events, oldest first, with their texts (each state's name translated once per
    page, not by `get_FOO_display` per event): one prepared query."""
    states = State.display_names()
    return [
        TimelineEntry(
            at=localtime(at).strftime("%d/%m/%Y %H:%M"),
            by=full_name or f"{first_name} {last_name}".strip() or username,  # as User.get_full_name, else username
            from_state=states.get(from_state, from_state) if from_state else "",
            to_state=states.get(to_state, to_state),
            reason=reason,
        )
        for at, full_name, first_name, last_name, username, from_state, to_state, reason in _EVENTS(
            nomination_id=nomination.pk
        )
    ]


def _visible_nominations(user):
    """The nominations the user may see, with their bloc, unit and award type (the ballot and its meeting come
    from `ballot_lines`)."""
    return in_visible_blocs(Nomination.objects.select_related("bloc", "unit", "award_type"), user)


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- The bloc-year's nominations -----------------------------------------------------------------


class BlocNominations(BlocYearMixin, TemplateView):
    """The bloc-year's nominations: unit, award type, state, eligibility, share; a form to add one by hand."""

    template_name = "awards/bloc_list.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        nominations = list(
            Nomination.objects.filter(bloc=self.bloc, year=self.year).select_related("unit", "award_type")
        )
        nominations.sort(key=lambda n: (n.award_type.order, n.award_type.name, n.unit.sort_key))
        lines = ballot_lines(nominations)
        summaries = check_summaries(nominations)
        can_create = workflow.BLOC_STAFF in services.roles_of(self.request.user, self.bloc.pk) and not self.closed
        if can_create and form is None:
            form = NominationCreateForm(members=self.members())
        context.update(
            rows=[(n, lines.get(n.pk), summaries[n.pk]) for n in nominations],
            can_create=can_create,
            form=form,
            nominations_tab=True,
        )
        return context


class NominationCreate(BlocNominations):
    """POST: a nomination entered by hand; a refused one comes back to the list with the form."""

    def get(self, request, *args, **kwargs):
        raise Http404

    def post(self, request, *args, **kwargs):
        if workflow.BLOC_STAFF not in services.roles_of(request.user, self.bloc.pk) or self.closed:
            raise PermissionDenied  # a closed year is read-only: no new nomination by hand
        form = NominationCreateForm(request.POST, members=self.members())
        if form.is_valid():
            try:
                nomination = services.nomination_create(
                    bloc=self.bloc,
                    year=self.year,
                    unit=form.cleaned_data["unit"],
                    award_type=form.cleaned_data["award_type"],
                    summary=form.cleaned_data["summary"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lập hồ sơ đề nghị."))
                return redirect("awards:detail", nomination_pk=nomination.pk)
        return self.render_to_response(self.get_context_data(form=form))


class NominationFromBallot(LoginRequiredMixin, View):
    """POST: a draft nomination for a unit the ballot proposes; refused (with a message) otherwise."""

    def post(self, request, *args, **kwargs):
        ballot = get_object_or_404(
            in_visible_blocs(Ballot.objects.select_related("meeting"), request.user, "meeting__bloc"),
            pk=kwargs["ballot_pk"],
        )
        unit = get_object_or_404(Unit, pk=kwargs["unit_pk"])
        if workflow.BLOC_STAFF not in services.roles_of(request.user, ballot.meeting.bloc_id):
            raise PermissionDenied
        try:
            nomination = services.nomination_create_from_ballot(ballot=ballot, unit=unit, user=request.user)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
            return HttpResponseRedirect(reverse("meetings:detail", kwargs={"meeting_pk": ballot.meeting_id}))
        messages.success(request, _("Đã lập hồ sơ đề nghị từ kết quả bình xét."))
        return redirect("awards:detail", nomination_pk=nomination.pk)


# --- One nomination ------------------------------------------------------------------------------


class NominationMixin(LoginRequiredMixin, ContextMixin):
    """Resolves `nomination_pk` among the nominations of blocs the user may see (else 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.nomination = get_object_or_404(_visible_nominations(request.user), pk=kwargs["nomination_pk"])
        self.roles = services.roles_of(request.user, self.nomination.bloc_id)
        self.can_edit = workflow.BLOC_STAFF in self.roles and workflow.is_editable(self.nomination.state)
        return super().dispatch(request, *args, **kwargs)

    def require_staff(self) -> None:
        if workflow.BLOC_STAFF not in self.roles:
            raise PermissionDenied

    def detail_url(self, anchor: str = "") -> str:
        return reverse("awards:detail", kwargs={"nomination_pk": self.nomination.pk}) + anchor


class NominationDetail(NominationMixin, TemplateView):
    template_name = "awards/detail.html"

    def get_context_data(self, summary_form=None, dossier_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        n = self.nomination
        first_year = n.year - HISTORY_YEARS + 1
        ballot_line = ballot_lines([n]).get(n.pk)
        assessment = assess([n], records=True)
        ratings, awards = history_rows(n, assessment)
        context.update(
            nomination=n,
            bloc=n.bloc,
            year=n.year,
            can_edit=self.can_edit,
            ballot_line=ballot_line,
            summary_form=summary_form or SummaryForm(initial={"summary": n.summary, "version": n.version}),
            dossier_form=dossier_form or DossierForm(),
            files=assessment.files.get(n.pk, []),
            actions=workflow.actions_for(n.state, self.roles),
            events=timeline(n),
            ratings=ratings,
            awards=awards,
            history_from=first_year,
            checks=assessment.checks.get(n.pk, []),
        )
        return context


class NominationUpdate(NominationDetail):
    """POST: the achievements summary; a conflicting save comes back with the other person's text."""

    def get(self, request, *args, **kwargs):
        raise Http404

    def post(self, request, *args, **kwargs):
        self.require_staff()
        form = SummaryForm(request.POST)
        if form.is_valid():
            try:
                services.nomination_update(
                    nomination=self.nomination,
                    summary=form.cleaned_data["summary"],
                    expected_version=form.cleaned_data["version"],
                    user=request.user,
                )
            except ValidationError as exc:
                if not self.can_edit:  # the form is not on the page any more: say it at the top
                    messages.error(request, _messages_of(exc))
                    return HttpResponseRedirect(self.detail_url())
                form.add_error("summary", exc)
            else:
                messages.success(request, _("Đã lưu tóm tắt thành tích."))
                return HttpResponseRedirect(self.detail_url())
        return self.render_to_response(self.get_context_data(summary_form=form))


class NominationTransition(NominationMixin, View):
    """POST action (+ reason): one step of the workflow."""

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if not workflow.roles_for_action(action) & self.roles:
            raise PermissionDenied
        try:
            services.nomination_transition(
                nomination=self.nomination, action=action, user=request.user, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("Đã chuyển hồ sơ: %(action)s.") % {"action": workflow.ACTION_LABELS[action]})
        return HttpResponseRedirect(self.detail_url("#tien-trinh"))


class DossierAdd(NominationDetail):
    """POST: upload a dossier file, checked by content; a refused file comes back with the reason."""

    def get(self, request, *args, **kwargs):
        raise Http404

    def post(self, request, *args, **kwargs):
        self.require_staff()
        form = DossierForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.dossier_add(
                    nomination=self.nomination,
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    user=request.user,
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                if not self.can_edit:  # the form is not on the page any more: say it at the top
                    messages.error(request, _messages_of(exc))
                    return HttpResponseRedirect(self.detail_url("#ho-so"))
                form.add_error("file", exc)
            else:
                messages.success(request, _("Đã tải lên tài liệu."))
                return HttpResponseRedirect(self.detail_url("#ho-so"))
        return self.render_to_response(self.get_context_data(dossier_form=form))


class DossierDownload(NominationMixin, View):
    """GET: the stored file, streamed only to those who may see the nomination."""

    def get(self, request, *args, **kwargs):
        dossier = get_object_or_404(self.nomination.files, pk=kwargs["file_pk"])
        name = dossier.file.name
        if not name or not default_storage.exists(name):
            raise Http404(_("Không tìm thấy tệp đã lưu."))
        response = StreamingHttpResponse(_chunks(name), content_type=dossier.content_type)
        response["Content-Length"] = str(default_storage.size(name))
        response["Content-Disposition"] = content_disposition(_download_name(dossier))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def _download_name(dossier) -> str:
    extension = PurePath(dossier.file.name).suffix.lower()
    own = PurePath(dossier.name).suffix.lower()
    if not extension or own == extension or {own, extension} <= {".jpg", ".jpeg"}:
        return dossier.name
    return dossier.name + extension


class DossierDelete(NominationMixin, View):
    def post(self, request, *args, **kwargs):
        self.require_staff()
        dossier = get_object_or_404(self.nomination.files, pk=kwargs["file_pk"])
        try:
            services.dossier_remove(dossier=dossier, user=request.user)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, _("Đã xóa tài liệu «%(name)s».") % {"name": dossier.name})
        return HttpResponseRedirect(self.detail_url("#ho-so"))


_Y = "khoi/<int:pk>/nam/<int:year>/de-nghi/"
_N = "de-nghi/<int:nomination_pk>/"
urls = [
    path(_Y, BlocNominations.as_view(), name="bloc_list"),
    path(_Y + "them/", NominationCreate.as_view(), name="create"),
    path("de-nghi/tu-phieu/<int:ballot_pk>/<int:unit_pk>/", NominationFromBallot.as_view(), name="create_from_ballot"),
    path(_N, NominationDetail.as_view(), name="detail"),
    path(_N + "sua/", NominationUpdate.as_view(), name="update"),
    path(_N + "chuyen/", NominationTransition.as_view(), name="transition"),
    path(_N + "tai-lieu/", DossierAdd.as_view(), name="dossier_add"),
    path(_N + "tai-lieu/<int:file_pk>/", DossierDownload.as_view(), name="dossier_download"),
    path(_N + "tai-lieu/<int:file_pk>/xoa/", DossierDelete.as_view(), name="dossier_delete"),
]
