from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import DocumentDraft, IssuedDocument, ReportTexts


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
