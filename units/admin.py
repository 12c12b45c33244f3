from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from units.models import AwardType, Unit


def _bump_version(obj) -> None:
    """A row edited here gets a new version, so an edit form opened before this change notices it."""
    if obj.pk is not None and hasattr(obj, "version"):
        obj.version += 1


class VersionedAdmin(SimpleHistoryAdmin):
    """The admin of a model with optimistic locking (and of its inlines): every change bumps `version`."""

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            _bump_version(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.instance.pk is not None and inline_form.has_changed():
                _bump_version(inline_form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(Unit)
class UnitAdmin(VersionedAdmin):
    list_display = ("name", "short_name", "code", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "code", "search_key")
    exclude = ("version",)


@admin.register(AwardType)
class AwardTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "level", "nominee_kind", "is_title", "order", "active")
    list_filter = ("level", "nominee_kind", "active")
    search_fields = ("name", "code")
