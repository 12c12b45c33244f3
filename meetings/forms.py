"""Forms of the meeting pages: the meeting itself, its attendance (one row per member unit), its files."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Meeting
from meetings.services_meetings import proposed_title
from meetings.uploads import ACCEPT, check_upload
from units.concurrency import VersionedModelForm
from units.text import clean_text

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]  # the browser's date picker, or typed the Vietnamese way
TIME_INPUTS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh", "%H giờ %M", "%H giờ"]


class HeldAtField(forms.SplitDateTimeField):
    """Date and time of a meeting: two inputs (date picker, time picker), read in the site's time zone."""

    widget = forms.SplitDateTimeWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("input_date_formats", DATE_INPUTS)
        kwargs.setdefault("input_time_formats", TIME_INPUTS)
        kwargs.setdefault(
            "error_messages",
            {
                "required": gettext_lazy("Hãy nhập ngày và giờ họp."),
                "incomplete": gettext_lazy("Hãy nhập cả ngày và giờ họp."),
                "invalid_date": gettext_lazy("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 28/12/2025."),
                "invalid_time": gettext_lazy("Giờ không hợp lệ: nhập theo dạng giờ:phút, ví dụ 14:00."),
            },
        )
        super().__init__(**kwargs)
        self.widget = forms.SplitDateTimeWidget(
            date_attrs={"type": "date", "class": "form-control d-inline-block w-auto me-2"},
            time_attrs={"type": "time", "class": "form-control d-inline-block w-auto"},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        )


class MeetingForm(VersionedModelForm):
    """The meeting's header and free text. A blank title takes the usual title of the kind of meeting."""

    held_at = HeldAtField(label=gettext_lazy("Ngày, giờ họp"))

    class Meta:
        model = Meeting
        fields = ["kind", "title", "held_at", "place", "chair", "secretary", "agenda", "content", "conclusions"]
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 6}),
            "conclusions": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "title": gettext_lazy("Để trống: hệ thống đặt theo loại hội nghị và năm."),
            "content": gettext_lazy("Diễn biến, ý kiến phát biểu; đưa vào biên bản."),
        }

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["title"].required = False
        if not self.instance.pk and not self.is_bound:
            kind = self.initial.get("kind") or self.fields["kind"].initial or "year_end"
            self.initial.setdefault("kind", kind)
            self.initial.setdefault("title", proposed_title(kind, year))
        self.fields["title"].widget.attrs["data-proposed-titles"] = "|".join(
            f"{value}={proposed_title(value, year)}" for value, _label in Meeting._meta.get_field("kind").choices
        )

    def clean_held_at(self):
        held_at = self.cleaned_data["held_at"]
        local_year = timezone.localtime(held_at).year if timezone.is_aware(held_at) else held_at.year
        if not self.year - 1 <= local_year <= self.year + 1:
            raise forms.ValidationError(
                _("Hội nghị của năm %(year)s phải họp trong khoảng từ năm %(first)s đến năm %(last)s.")
                % {"year": self.year, "first": self.year - 1, "last": self.year + 1}
            )
        return held_at

    def clean(self):
        data = super().clean()
        if not clean_text(data.get("title") or "") and data.get("kind"):
            data["title"] = proposed_title(data["kind"], self.year)
            self.instance.title = data["title"]
        return data


class AttendanceRowForm(forms.Form):
    """One member unit: present or not, who represented it (name and title), a note (the reason if absent)."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.BooleanField(label=gettext_lazy("Có mặt"), required=False)
    name = forms.CharField(label=gettext_lazy("Họ tên người dự"), max_length=120, required=False)
    title = forms.CharField(label=gettext_lazy("Chức vụ"), max_length=120, required=False)
    note = forms.CharField(label=gettext_lazy("Ghi chú, lý do vắng"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].widget.attrs["class"] = "form-check-input"
        for name in ("name", "title", "note"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        name, title = clean_text(data.get("name") or ""), clean_text(data.get("title") or "")
        data["name"], data["title"] = name, title
        data["note"] = clean_text(data.get("note") or "")
        if title and not name:
            self.add_error("name", _("Ghi họ tên người dự (đã có chức vụ)."))
        if not data.get("present") and (name or title):
            self.add_error("present", _("Đơn vị vắng mặt thì không ghi người dự: đánh dấu «Có mặt» hoặc xóa tên."))
        return data


class _EveryRow(forms.BaseFormSet):
    """Every row stands for a member unit, so none may come back empty (only a tampered post does that)."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "empty_permitted": False}


# A bloc has 4-15 members: no more forms than this are built from a posted form count, and more is refused.
ATTENDANCE_MAX_ROWS = 200
AttendanceFormSet = forms.formset_factory(
    AttendanceRowForm, formset=_EveryRow, extra=0, max_num=ATTENDANCE_MAX_ROWS, absolute_max=ATTENDANCE_MAX_ROWS
)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp"),
        help_text=gettext_lazy("PDF, Word (.docx), Excel (.xlsx), ảnh JPG hoặc PNG."),
        error_messages={"required": gettext_lazy("Hãy chọn tệp cần tải lên.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Tên tài liệu"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Để trống: lấy tên tệp."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ACCEPT

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)  # raises a ValidationError shown next to the field
        return upload
