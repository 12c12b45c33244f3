from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from units.models import AwardType, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "code", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "code", "search_key")
    exclude = ("version",)


@admin.register(AwardType)
class AwardTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "level", "nominee_kind", "is_title", "order", "active")
    list_filter = ("level", "nominee_kind", "active")
    search_fields = ("name", "code")
