"""The meetings of a bloc's year: list, record, edit, attendance, files, and the minutes preview.

Per bloc-year pages use BlocYearMixin; per meeting pages use MeetingMixin (another bloc's meeting is
a 404; writes need `blocs.edit_records` and an open year, else 403). Services write; views wire.
"""

import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from blocs.models import BlocYear, Membership
from blocs.views.year import BlocYearMixin
from meetings.access import MeetingMixin
from meetings.forms import AttachmentForm, AttendanceFormSet, MeetingForm
from meetings.models import Meeting, MeetingKind
from meetings.services_meetings import (
    AttendanceInput,
    attachment_add,
    attachment_delete,
    attendance_rows,
    attendance_save,
    attendance_state,
    date_words,
    datetime_words,
    download_filename,
    join_representative,
    meeting_create,
    meeting_delete,
    meeting_quorum,
    meeting_record,
    meeting_update,
    split_representative,
    year_meetings,
)
from units.concurrency import VersionConflict
from units.history import history_rows


def _refuse_if_closed(exc: ValidationError) -> None:
    """The year was closed between page load and save: refused like any closed-year write."""
    if getattr(exc, "code", None) == "year_closed" or any(
        getattr(e, "code", None) == "year_closed" for e in getattr(exc, "error_list", [])
    ):
        raise PermissionDenied(" ".join(exc.messages))


# --- The bloc-year's meetings --------------------------------------------------------------------


class MeetingList(BlocYearMixin, TemplateView):
    """The year's meetings: kind, date, place, attendance, number of ballots (three queries)."""

    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            meetings=year_meetings(bloc=self.bloc, year=self.year),
            member_count=Membership.objects.filter(bloc=self.bloc, year=self.year).count(),
            meetings_tab=True,
        )
        return context


class MeetingCreate(BlocYearMixin, TemplateView):
    """Record a meeting of the bloc-year; then on to its attendance."""

    template_name = "meetings/meeting_form.html"

    def get(self, request, *args, **kwargs):
        self.require_edit()
        kind = request.GET.get("loai") or "year_end"
        form = MeetingForm(year=self.year, initial={"kind": kind})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.require_edit()
        form = MeetingForm(request.POST, year=self.year)
        if form.is_valid():
            try:
                meeting = meeting_create(bloc=self.bloc, year=self.year, form=form)
            except ValidationError as exc:
                _refuse_if_closed(exc)
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã ghi hội nghị. Tiếp theo: ghi thành phần dự họp."))
                return redirect("meetings:attendance", meeting_pk=meeting.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(meetings_tab=True, creating=True)
        return context


# --- One meeting ---------------------------------------------------------------------------------


class MeetingPage(MeetingMixin):
    """What every page of one meeting shares: the year's tabs, the closed-year banner."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bloc_year = None
        if self.closed:
            bloc_year = BlocYear.objects.select_related("closed_by").filter(bloc=self.bloc, year=self.year).first()
        context.update(bloc_year=bloc_year, meetings_tab=True)
        return context

    def detail_url(self, anchor: str = "") -> str:
        return reverse("meetings:detail", kwargs={"meeting_pk": self.meeting.pk}) + anchor


class MeetingDetail(MeetingPage, TemplateView):
    """Header, attendance and quorum, ballots with their results, files, history (a fixed number of queries)."""

    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, attachment_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        record = meeting_record(self.meeting)
        context.update(
            record=record,
            quorum=record.quorum,
            ballots=record.ballots,
            held_words=datetime_words(self.meeting.held_at),
            attachment_form=attachment_form or AttachmentForm(),
            history=history_rows(self.meeting),
        )
        return context


class MeetingUpdate(MeetingPage, TemplateView):
    template_name = "meetings/meeting_form.html"

    def get(self, request, *args, **kwargs):
        self.require_edit()
        return self.render_to_response(self.get_context_data(form=MeetingForm(instance=self.meeting, year=self.year)))

    def post(self, request, *args, **kwargs):
        self.require_edit()
        form = MeetingForm(request.POST, instance=self.meeting, year=self.year)
        if form.is_valid():
            try:
                meeting_update(form=form)
            except VersionConflict:
                pass  # the form carries the message and the other person's values
            except ValidationError as exc:
                _refuse_if_closed(exc)
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu hội nghị."))
                return HttpResponseRedirect(self.detail_url())
        return self.render_to_response(self.get_context_data(form=form))


class MeetingDelete(MeetingPage, View):
    """POST: delete a meeting that has no ballots."""

    def post(self, request, *args, **kwargs):
        self.require_edit()
        try:
            meeting_delete(meeting=self.meeting)
        except ValidationError as exc:
            _refuse_if_closed(exc)
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(self.detail_url())
        messages.success(request, _("Đã xóa hội nghị «%(title)s».") % {"title": self.meeting.title})
        return redirect("meetings:list", pk=self.bloc.pk, year=self.year)


# --- Attendance ----------------------------------------------------------------------------------


class AttendanceEdit(MeetingPage, TemplateView):
    """One row per member unit: present, by whom, a note. Saved in one go; the quorum is shown."""

    template_name = "meetings/attendance_form.html"

    def get(self, request, *args, **kwargs):
        rows = attendance_rows(self.meeting)
        return self.render_to_response(self.get_context_data(rows=rows, formset=self._formset(rows)))

    def post(self, request, *args, **kwargs):
        self.require_edit()
        data = request.POST.copy()
        if "all_present" in data:  # the shortcut: everyone present, the names and notes as typed
            total = data.get("dh-TOTAL_FORMS", "0")
            # isdecimal, not isdigit ("²" is a digit int() refuses); no more rows than a formset accepts
            rows = min(int(total), AttendanceFormSet.absolute_max) if total.isdecimal() else 0
            for index in range(rows):
                data[f"dh-{index}-present"] = "on"
        formset = AttendanceFormSet(data, prefix="dh")
        state, conflict = data.get("state", ""), None
        if formset.is_valid():
            inputs = [
                AttendanceInput(
                    unit_id=row["unit"],
                    present=row["present"],
                    represented_by=join_representative(row["name"], row["title"]),
                    note=row["note"],
                )
                for row in formset.cleaned_data
            ]
            try:
                quorum = attendance_save(meeting=self.meeting, rows=inputs, expected_state=state)
            except ValidationError as exc:
                _refuse_if_closed(exc)
                if getattr(exc, "code", None) == "members_changed":
                    messages.error(request, " ".join(exc.messages))
                    return HttpResponseRedirect(request.path)
                conflict = " ".join(exc.messages)
            else:
                level = messages.success if quorum.met else messages.warning
                level(request, _("Đã lưu thành phần dự họp.") + " " + quorum.text)
                return HttpResponseRedirect(request.path)
        rows = attendance_rows(self.meeting)
        if conflict:  # saving again is now a deliberate choice over what the other person saved
            state = attendance_state(r.record for r in rows if r.record)
        return self.render_to_response(
            self.get_context_data(rows=rows, formset=formset, conflict=conflict, state=state)
        )

    def _formset(self, rows):
        initial = []
        for row in rows:
            record = row.record
            initial.append(
                {
                    "unit": row.unit.pk,
                    "present": record.present if record else False,
                    "name": row.name,
                    "title": row.title,
                    "note": record.note if record else "",
                }
            )
        return AttendanceFormSet(initial=initial, prefix="dh")

    def get_context_data(self, rows=None, formset=None, conflict=None, state=None, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = rows if rows is not None else attendance_rows(self.meeting)
        by_unit = {row.unit.pk: row for row in rows}
        lines = []
        for form in formset.forms:
            raw = form["unit"].value()
            row = by_unit.get(int(raw)) if str(raw).isdigit() else None
            if row is not None:
                lines.append((row, form))
        context.update(
            rows=rows,
            formset=formset,
            lines=lines,
            conflict=conflict,
            state=state if state is not None else attendance_state(r.record for r in rows if r.record),
            quorum=meeting_quorum(self.meeting),
        )
        return context


# --- Files ---------------------------------------------------------------------------------------


class AttachmentAdd(MeetingDetail):
    """POST: upload a file, checked by content. A refused file comes back with the reason next to the field."""

    def get(self, request, *args, **kwargs):
        raise Http404

    def post(self, request, *args, **kwargs):
        self.require_edit()
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment_add(
                    meeting=self.meeting,
                    upload=form.cleaned_data["file"],
                    user=request.user,
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                _refuse_if_closed(exc)
                form.add_error("file", exc)
            else:
                messages.success(request, _("Đã tải lên tài liệu."))
                return HttpResponseRedirect(self.detail_url("#tai-lieu"))
        return self.render_to_response(self.get_context_data(attachment_form=form))


class AttachmentDownload(MeetingPage, View):
    """GET: the stored file, streamed to those who may see the meeting, with its Vietnamese name."""

    def get(self, request, *args, **kwargs):
        attachment = get_object_or_404(self.meeting.attachments, pk=kwargs["attachment_pk"])
        name = attachment.file.name
        if not name or not default_storage.exists(name):
            raise Http404(_("Không tìm thấy tệp đã lưu."))
        response = StreamingHttpResponse(_chunks(name), content_type=attachment.content_type)
        response["Content-Length"] = str(default_storage.size(name))
        response["Content-Disposition"] = content_disposition(download_filename(attachment))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def _chunks(name: str, size: int = 64 * 1024):
    """The stored file in pieces; it is opened only when the response is sent, and closed after."""
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987 form (filename*=UTF-8'')."""
    fallback = _ascii_name(filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii_name(filename: str) -> str:
    """For old clients that ignore filename*: "Biên bản họp.pdf" -> "Bien ban hop.pdf"."""
    text = filename.replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = "".join(ch if ch.isascii() and (ch.isalnum() or ch in " -_.()") else "_" for ch in text).strip()
    return text or "tai-lieu"


class AttachmentDelete(MeetingPage, View):
    """POST: delete the record and, once that has committed, the stored file."""

    def post(self, request, *args, **kwargs):
        self.require_edit()
        attachment = get_object_or_404(self.meeting.attachments, pk=kwargs["attachment_pk"])
        try:
            attachment_delete(attachment=attachment)
        except ValidationError as exc:
            _refuse_if_closed(exc)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã xóa tài liệu «%(name)s».") % {"name": attachment.name})
        return HttpResponseRedirect(self.detail_url("#tai-lieu"))


# --- Minutes -------------------------------------------------------------------------------------


class Minutes(MeetingPage, TemplateView):
    """The minutes (biên bản) assembled from the records, as a page. The official minutes of the bloc-year
    (preview, PDF to sign, DOCX to edit) are the documents app's, made from the year-end meeting (the
    latest one recorded): this page links to them, by URL name, for those who read the bloc's documents."""

    template_name = "meetings/minutes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = meeting_record(self.meeting, with_attachments=False)
        votes = [view for view in record.ballots if not view.is_election]
        elections = [view for view in record.ballots if view.is_election]
        numerals = iter(["I", "II", "III", "IV", "V", "VI"])
        sections = {"attendance": next(numerals)}
        if self.meeting.agenda or self.meeting.content:
            sections["content"] = next(numerals)
        ballot_groups = []
        if votes:
            ballot_groups.append((next(numerals), _("KẾT QUẢ BÌNH XÉT, BỎ PHIẾU"), votes))
        if elections:
            heading = _("BẦU ĐƠN VỊ KHỐI TRƯỞNG, KHỐI PHÓ NĂM %(year)s") % {"year": self.year + 1}
            ballot_groups.append((next(numerals), heading, elections))
        if self.meeting.conclusions:
            sections["conclusions"] = next(numerals)
        held = timezone.localtime(self.meeting.held_at)
        context.update(
            record=record,
            quorum=record.quorum,
            ballot_groups=ballot_groups,
            sections=sections,
            held_words=datetime_words(self.meeting.held_at),
            date_line=_("%(place)s, %(date)s") % {"place": settings.PROVINCE_NAME, "date": date_words(held.date())},
            chair_name=split_representative(self.meeting.chair)[0],
            secretary_name=split_representative(self.meeting.secretary)[0],
            official_minutes=self._official_minutes(),
        )
        return context

    def _official_minutes(self) -> str:
        """ "this": this meeting's minutes are the bloc-year's document; "other": they are another meeting's
        (this is not the year-end meeting, or not the latest); "": the user does not read the documents."""
        if not self.request.user.has_perm("reports.view_documents", self.bloc):
            return ""
        year_end = (
            Meeting.objects.filter(bloc=self.bloc, year=self.year, kind=MeetingKind.YEAR_END)
            .order_by("-held_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        return "this" if year_end == self.meeting.pk else "other"


_M = "hoi-nghi/<int:meeting_pk>/"
urls = [
    path("khoi/<int:pk>/nam/<int:year>/hoi-nghi/", MeetingList.as_view(), name="list"),
    path("khoi/<int:pk>/nam/<int:year>/hoi-nghi/them/", MeetingCreate.as_view(), name="create"),
    path(_M, MeetingDetail.as_view(), name="detail"),
    path(_M + "sua/", MeetingUpdate.as_view(), name="update"),
    path(_M + "xoa/", MeetingDelete.as_view(), name="delete"),
    path(_M + "du-hop/", AttendanceEdit.as_view(), name="attendance"),
    path(_M + "tai-lieu/", AttachmentAdd.as_view(), name="attachment_add"),
    path(_M + "tai-lieu/<int:attachment_pk>/", AttachmentDownload.as_view(), name="attachment_download"),
    path(_M + "tai-lieu/<int:attachment_pk>/xoa/", AttachmentDelete.as_view(), name="attachment_delete"),
    path(_M + "bien-ban/", Minutes.as_view(), name="minutes"),
]
