from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import DocumentDraft, IssuedDocument, RenderJob, ReportTexts


@admin.register(ReportTexts)
class ReportTextsAdmin(SimpleHistoryAdmin):
    list_display = ("bloc_year",)
    list_select_related = ("bloc_year__bloc",)
    search_fields = ("bloc_year__bloc__name",)


@admin.register(DocumentDraft)
class DocumentDraftAdmin(SimpleHistoryAdmin):
    list_display = ("bloc", "year", "kind", "number", "symbol", "issued_on")
    list_filter = ("year", "kind")
    list_select_related = ("bloc",)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """Issued documents are an archive: shown, never added, changed or removed here."""

    list_display = ("number_text", "bloc", "year", "kind", "issued_on", "issued_by", "issued_at")
    list_filter = ("year", "kind")
    list_select_related = ("bloc", "issued_by")
    search_fields = ("bloc__name", "title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    """Background jobs: shown for the record (who asked what, how it went); started from the board's page."""

    list_display = ("pk", "kind", "fmt", "params", "requested_by", "status", "progress", "created_at", "finished_at")
    list_filter = ("status", "kind", "fmt")
    list_select_related = ("requested_by",)
    readonly_fields = [field.name for field in RenderJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a row deleted here would leave its file behind in the private storage
