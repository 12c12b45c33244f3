from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import Attendance, Ballot, BallotCandidate, Meeting, MeetingAttachment
from units.admin import VersionedAdmin


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ("unit",)


class BallotInline(admin.TabularInline):
    model = Ballot
    extra = 0
    fields = ("order", "purpose", "award_type", "title", "seats", "entitled", "issued", "returned", "valid")
    show_change_link = True


class AttachmentInline(admin.TabularInline):
    model = MeetingAttachment
    extra = 0
    fields = ("name", "file", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("file", "content_type", "size", "uploaded_by", "uploaded_at")

    def has_add_permission(self, request, obj=None):
        return False  # files are uploaded through the meeting page, where their content is checked


@admin.register(Meeting)
class MeetingAdmin(VersionedAdmin):
    list_display = ("title", "bloc", "year", "kind", "held_at", "place")
    list_filter = ("year", "kind", "bloc")
    search_fields = ("title", "place", "chair", "bloc__name")
    date_hierarchy = "held_at"
    autocomplete_fields = ("bloc",)
    exclude = ("version",)
    inlines = [AttendanceInline, BallotInline, AttachmentInline]


@admin.register(Attendance)
class AttendanceAdmin(VersionedAdmin):
    list_display = ("meeting", "unit", "present", "represented_by", "note")
    list_filter = ("present", "meeting__year")
    search_fields = ("unit__name", "meeting__title", "represented_by")
    autocomplete_fields = ("unit",)
    raw_id_fields = ("meeting",)


@admin.register(MeetingAttachment)
class MeetingAttachmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "meeting", "content_type", "size", "uploaded_by", "uploaded_at")
    search_fields = ("name", "meeting__title")
    readonly_fields = ("file", "content_type", "size", "uploaded_by", "uploaded_at")
    raw_id_fields = ("meeting",)

    def has_add_permission(self, request):
        return False  # files are uploaded through the meeting page, where their content is checked


class CandidateInline(admin.TabularInline):
    model = BallotCandidate
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Ballot)
class BallotAdmin(VersionedAdmin):
    list_display = ("title", "meeting", "purpose", "award_type", "seats", "entitled", "issued", "returned", "valid")
    list_filter = ("purpose", "meeting__year", "award_type")
    search_fields = ("title", "meeting__title")
    raw_id_fields = ("meeting", "applied_by")
    exclude = ("version",)
    inlines = [CandidateInline]


@admin.register(BallotCandidate)
class BallotCandidateAdmin(SimpleHistoryAdmin):
    list_display = ("ballot", "unit", "votes", "order")
    search_fields = ("unit__name", "ballot__title")
    autocomplete_fields = ("unit",)
    raw_id_fields = ("ballot",)
