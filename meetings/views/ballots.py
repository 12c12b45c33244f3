"""Ballots at a meeting: adding one, entering its counts, deleting it, writing an election's result.

Pages use MeetingMixin (another bloc's meeting is a 404); every page here writes, so it needs
`blocs.edit_records` on the bloc and an open year (else 403). Services write; views wire. After a
write the user goes back to the meeting page, where the ballot's result is shown.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from blocs.models import BlocYear, Membership, RuleSet
from meetings import voting
from meetings.access import MeetingMixin
from meetings.models import Ballot, BallotPurpose
from meetings.services_ballots import (
    ballot_create,
    ballot_delete,
    ballot_record_counts,
    ballot_result,
    ballots_queryset,
    election_apply,
    election_plan,
    meeting_quorum,
    proposed_ballot_title,
    quota_for,
)
from units.models import AwardType, NomineeKind, Unit

_NUMBER = {"class": "form-control", "inputmode": "numeric"}
_NOT_NEGATIVE = gettext_lazy("Không được là số âm.")
_WHOLE = gettext_lazy("Nhập một số nguyên.")


def _count_field(label, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=32767,
        widget=forms.NumberInput(attrs=_NUMBER),
        error_messages={
            "min_value": _NOT_NEGATIVE,
            "max_value": gettext_lazy("Số quá lớn."),
            "invalid": _WHOLE,
            "required": gettext_lazy("Nhập số thành viên có quyền bỏ phiếu."),
        },
    )


class UnitChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class BallotForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("Mục đích"), choices=BallotPurpose.choices, initial=BallotPurpose.AWARD,
        widget=forms.RadioSelect,
    )  # fmt: skip
    award_type = forms.ModelChoiceField(
        label=gettext_lazy("Hình thức khen thưởng đề nghị"),
        queryset=AwardType.objects.filter(active=True, nominee_kind=NomineeKind.COLLECTIVE),
        required=False,
        empty_label=gettext_lazy("— Chọn hình thức khen thưởng —"),
        help_text=gettext_lazy("Bắt buộc với phiếu bình xét, suy tôn đề nghị khen thưởng."),
    )
    title = forms.CharField(label=gettext_lazy("Nội dung bỏ phiếu"), max_length=255, required=False)
    seats = forms.IntegerField(
        label=gettext_lazy("Số đơn vị được chọn tối đa"), min_value=1, max_value=99, initial=1,
        help_text=gettext_lazy("Phiếu bầu khối trưởng, khối phó chọn một đơn vị."),
        error_messages={"min_value": gettext_lazy("Ít nhất là 1."), "invalid": _WHOLE},
    )  # fmt: skip
    candidates = UnitChoices(
        label=gettext_lazy("Các đơn vị được đưa vào phiếu"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Chọn ít nhất một đơn vị được bỏ phiếu."),
            "invalid_choice": gettext_lazy("Đơn vị không thuộc khối trong năm."),
        },
    )

    def __init__(self, *args, units, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).vietnamese_order()
        if not self.is_bound:
            self.initial.setdefault("candidates", [u.pk for u in units])
        examples = "; ".join(
            filter(None, [
                proposed_ballot_title(purpose=BallotPurpose.HEAD, award_type=None, year=year),
                _("Bình xét đề nghị tặng Cờ thi đua của UBND tỉnh"),
            ])
        )  # fmt: skip
        self.fields["title"].help_text = _(
            "Để trống: hệ thống đặt theo mục đích và hình thức, ví dụ: %(examples)s."
        ) % {"examples": examples}


class CountsForm(forms.Form):
    """The counts of a ballot, and one vote count per candidate (fields `votes_<unit id>`)."""

    entitled = _count_field(gettext_lazy("Số thành viên có quyền bỏ phiếu"), required=True)
    issued = _count_field(gettext_lazy("Số phiếu phát ra"))
    returned = _count_field(gettext_lazy("Số phiếu thu về"))
    valid = _count_field(gettext_lazy("Số phiếu hợp lệ"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, ballot: Ballot, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(ballot.candidates.all())
        self.total_errors: list[str] = []
        for candidate in self.candidates:
            name = voting.vote_field(candidate.unit_id)
            self.fields[name] = _count_field(candidate.unit.name)
            self.initial.setdefault(name, candidate.votes)
        for name in ("entitled", "issued", "returned", "valid", "version"):
            self.initial.setdefault(name, getattr(ballot, name))

    def vote_rows(self):
        return [(c, self[voting.vote_field(c.unit_id)]) for c in self.candidates]

    def votes(self) -> dict[int, int | None]:
        return {c.unit_id: self.cleaned_data.get(voting.vote_field(c.unit_id)) for c in self.candidates}

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put each problem the service found next to its field; the total below the votes."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            if name == voting.TOTAL:
                self.total_errors += [m for e in errors for m in e.messages]
            elif name in self.fields:
                self.add_error(name, errors)
            else:
                self.add_error(None, errors)

    def bump_version(self, version: int) -> None:
        data = self.data.copy()
        data["version"] = str(version)
        self.data = data


# --- Wiring --------------------------------------------------------------------------------------


def _refuse_if_closed(exc: ValidationError) -> None:
    """The year was closed between page load and save: refused like any closed-year write."""
    codes = [getattr(exc, "code", None)] + [getattr(e, "code", None) for e in getattr(exc, "error_list", [])]
    if "year_closed" in codes:
        raise PermissionDenied(" ".join(exc.messages))


def meeting_url(meeting, anchor: str = "") -> str:
    return reverse("meetings:detail", kwargs={"meeting_pk": meeting.pk}) + anchor


class BallotPage(MeetingMixin, TemplateView):
    """A page of a meeting's ballot: every one writes, so it needs edit rights on an open year."""

    def get_ballot(self) -> Ballot:
        if not hasattr(self, "_ballot"):
            self._ballot = get_object_or_404(ballots_queryset(), pk=self.kwargs["ballot_pk"], meeting=self.meeting)
        return self._ballot

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            meetings_tab=True,
            bloc_year=BlocYear.objects.filter(bloc=self.bloc, year=self.year).select_related("closed_by").first(),
            meeting_url=meeting_url(self.meeting),
        )
        return context


class BallotAdd(BallotPage):
    template_name = "meetings/ballot_form.html"

    def member_units(self) -> list[Unit]:
        memberships = Membership.objects.filter(bloc=self.bloc, year=self.year).select_related("unit")
        return sorted((m.unit for m in memberships), key=lambda u: (u.sort_key, u.pk))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule_set = RuleSet.objects.filter(year=self.year).first()
        quotas = []
        if rule_set is not None:
            members = Membership.objects.filter(bloc=self.bloc, year=self.year).count()
            for rule in rule_set.award_rules.select_related("award_type"):
                _limit, text = quota_for(award_rule=rule, bloc=self.bloc, year=self.year, members=members)
                if text:
                    quotas.append((rule.award_type.name, text))
        context.update(rule_set=rule_set, quotas=quotas)
        return context

    def get(self, request, *args, **kwargs):
        self.require_edit()
        form = BallotForm(units=self.member_units(), year=self.year)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.require_edit()
        form = BallotForm(request.POST, units=self.member_units(), year=self.year)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ballot = ballot_create(
                    meeting=self.meeting,
                    purpose=data["purpose"],
                    award_type=data["award_type"],
                    title=data["title"],
                    seats=data["seats"],
                    candidates=list(data["candidates"]),
                )
            except ValidationError as exc:
                _refuse_if_closed(exc)
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Đã thêm phiếu «%(title)s». Hãy nhập số liệu kiểm phiếu.") % {"title": ballot.title}
                )
                return HttpResponseRedirect(meeting_url(self.meeting, f"#phieu-{ballot.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class BallotCounts(BallotPage):
    """The counts of a ballot: impossible counts come back with every problem by its field, nothing saved."""

    template_name = "meetings/ballot_counts.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        ballot = self.get_ballot()
        quorum = meeting_quorum(self.meeting)
        context.update(
            ballot=ballot,
            form=form or CountsForm(ballot=ballot),
            quorum=quorum,
            result=ballot_result(ballot, quorum=quorum),
            minutes=True,  # the result shown under the form, without its buttons
        )
        return context

    def get(self, request, *args, **kwargs):
        self.require_edit()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.require_edit()
        ballot = self.get_ballot()
        form = CountsForm(request.POST, ballot=ballot)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ballot_record_counts(
                    ballot=ballot,
                    entitled=data["entitled"],
                    issued=data["issued"],
                    returned=data["returned"],
                    valid=data["valid"],
                    votes=form.votes(),
                    expected_version=data["version"],
                )
            except ValidationError as exc:
                _refuse_if_closed(exc)
                if getattr(exc, "code", None) == "conflict":
                    form.bump_version(Ballot.objects.values_list("version", flat=True).get(pk=ballot.pk))
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã lưu số liệu kiểm phiếu «%(title)s».") % {"title": ballot.title})
                return HttpResponseRedirect(meeting_url(self.meeting, f"#phieu-{ballot.pk}"))
        return self.render_to_response(self.get_context_data(form=form))


class BallotDelete(MeetingMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_edit()
        ballot = get_object_or_404(Ballot, pk=kwargs["ballot_pk"], meeting=self.meeting)
        try:
            ballot_delete(ballot=ballot)
        except ValidationError as exc:
            _refuse_if_closed(exc)
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(meeting_url(self.meeting, f"#phieu-{ballot.pk}"))
        messages.success(request, _("Đã xóa phiếu «%(title)s».") % {"title": ballot.title})
        return HttpResponseRedirect(meeting_url(self.meeting, "#bo-phieu"))


class ElectionApply(BallotPage):
    """Confirm, then write the elected head or deputy into next year's membership."""

    template_name = "meetings/election_confirm.html"

    def require_edit(self) -> None:
        super().require_edit()
        next_closed = BlocYear.objects.filter(bloc=self.bloc, year=self.year + 1, closed_at__isnull=False).exists()
        if next_closed:
            raise PermissionDenied

    def get_context_data(self, errors=None, **kwargs):
        context = super().get_context_data(**kwargs)
        ballot = self.get_ballot()
        if ballot.purpose not in (BallotPurpose.HEAD, BallotPurpose.DEPUTY):
            raise Http404
        context.update(ballot=ballot, plan=election_plan(ballot), errors=errors or [], next_year=self.year + 1)
        return context

    def get(self, request, *args, **kwargs):
        self.require_edit()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.require_edit()
        ballot = self.get_ballot()
        try:
            membership = election_apply(ballot=ballot, user=request.user, confirmed=request.POST.get("confirm") == "1")
        except ValidationError as exc:
            _refuse_if_closed(exc)
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        messages.success(
            request,
            _("Đã ghi %(unit)s là %(role)s năm %(year)s.")
            % {"unit": membership.unit, "role": membership.get_role_display().lower(), "year": membership.year},
        )
        return HttpResponseRedirect(meeting_url(self.meeting, f"#phieu-{ballot.pk}"))


_B = "hoi-nghi/<int:meeting_pk>/phieu/"

urls = [
    path(_B + "them/", BallotAdd.as_view(), name="ballot_add"),
    path(_B + "<int:ballot_pk>/so-lieu/", BallotCounts.as_view(), name="ballot_counts"),
    path(_B + "<int:ballot_pk>/xoa/", BallotDelete.as_view(), name="ballot_delete"),
    path(_B + "<int:ballot_pk>/ghi-ket-qua-bau/", ElectionApply.as_view(), name="election_apply"),
]
