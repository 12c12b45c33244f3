from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from blocs.models import AwardRule, Bloc, Membership, Role, RuleSet
from units.admin import VersionedAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)
    exclude = ("version",)


@admin.register(Bloc)
class BlocAdmin(VersionedAdmin):
    list_display = ("name", "code", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "code", "search_key")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(VersionedAdmin):
    list_display = ("year", "bloc", "unit", "role")
    list_filter = ("year", "role", "bloc")
    search_fields = ("unit__name", "bloc__name", "unit__search_key")
    autocomplete_fields = ("bloc", "unit")
    exclude = ("version",)


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "kind", "bloc", "unit")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ("user", "bloc", "unit")


class AwardRuleInline(admin.TabularInline):
    model = AwardRule
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(VersionedAdmin):
    list_display = ("year", "name", "vote_base", "vote_threshold_num", "vote_threshold_den")
    inlines = [AwardRuleInline]
    exclude = ("version",)
