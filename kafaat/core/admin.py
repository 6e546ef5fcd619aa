from django.contrib import admin

from kafaat.core.models import ApiToken, AuditEvent, Job, Membership, Organisation, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name_fr", "name_ar", "name_en")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "type", "territory", "is_active")
    list_filter = ("type", "is_active")
    search_fields = ("code", "name_fr", "name_ar", "acronym")
    raw_id_fields = ("territory",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "territory_scope", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "organisation", "territory_scope")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "target_type", "target_id", "count")
    list_filter = ("action", "target_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are retried from Kafaat's own jobs page (/jobs/), which readies the app's record."""

    list_display = ("kind", "user", "organisation", "status", "created_at", "attempts", "message")
    list_filter = ("status", "kind")
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
