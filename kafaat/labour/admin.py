from django.contrib import admin

from kafaat.labour.models import CodingDecision, Employer, Occupation, Sector, Survey, Vacancy


@admin.register(Occupation, Sector)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ("code", "label_en", "label_fr", "label_ar")
    search_fields = ("code", "label_en", "label_fr")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "territory", "organisation")
    search_fields = ("name",)
    raw_id_fields = ("territory", "sector", "organisation", "created_by")


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ("title", "employer", "occupation", "coding_status", "posted_on", "organisation")
    list_filter = ("coding_status", "contract_type", "source")
    search_fields = ("title", "employer__name")
    raw_id_fields = ("employer", "occupation", "sector", "territory", "organisation", "created_by")


admin.site.register(Survey)
admin.site.register(CodingDecision)
