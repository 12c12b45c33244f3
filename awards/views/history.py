"""The award history in Excel: the page (format, downloads, upload form), the template, the export, and
the import. Reading and writing workbooks lives in `awards.history_xlsx`.

The province-wide roles download; only the board admin imports (`awards.rules_decisions`).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView
from rules.contrib.views import permission_required

import awards.rules_decisions  # noqa: F401  (registers the permissions these views ask for)
from awards import history_xlsx
from blocs.views.mixins import Guarded, YearMixin
from blocs.views.registry_io import ERRORS_SHOWN, RegistryUploadForm
from blocs.years import MAX_YEAR, MIN_YEAR
from units.models import AwardType


class _HistoryPage(Guarded, YearMixin):
    template_name = "awards/decisions/history_io.html"

    def get_permission_object(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_import = self.request.user.has_perm("awards.import_award_history")
        if can_import:
            context.setdefault("form", RegistryUploadForm())
        else:
            context.pop("form", None)
        result = context.get("result")
        context.update(
            can_import=can_import,
            notes=history_xlsx.guide_notes(),
            columns=history_xlsx.guide_columns(),
            award_types=AwardType.objects.order_by("order", "name"),
            sheet=history_xlsx.SHEET_AWARDS,
            upload_limit=settings.UPLOAD_MAX_MB,
            errors=result.errors[:ERRORS_SHOWN] if result else [],
            errors_hidden=max(len(result.errors) - ERRORS_SHOWN, 0) if result else 0,
            export_url=reverse("awards:history_export"),
        )
        return context


class HistoryIO(_HistoryPage, TemplateView):
    permission_required = "awards.export_award_history"


class HistoryImport(_HistoryPage, FormView):
    """Upload the workbook: checked whole, written whole or not at all; the page shows errors or counts."""

    permission_required = "awards.import_award_history"
    form_class = RegistryUploadForm

    def get(self, request, *args, **kwargs):
        return redirect("awards:history_io")

    def form_valid(self, form):
        result = history_xlsx.history_import(data=form.cleaned_data["file"], user=self.request.user)
        return self.render_to_response(self.get_context_data(form=RegistryUploadForm(), result=result))


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        data,
        content_type=history_xlsx.XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_safe
@login_required
@permission_required("awards.export_award_history", raise_exception=True)
@never_cache
def history_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(history_xlsx.build_template(), "thidua-mau-lich-su-khen-thuong.xlsx")


@require_safe
@login_required
@permission_required("awards.export_award_history", raise_exception=True)
@never_cache
def history_export(request: HttpRequest) -> HttpResponse:
    """`?nam=2021`: that year's awards; without it, every year's."""
    raw = request.GET.get("nam", "")
    year = int(raw) if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR else None
    name = f"thidua-khen-thuong-{year}.xlsx" if year else "thidua-khen-thuong-cac-nam.xlsx"
    return _xlsx(history_xlsx.export_history(year), name)


urls = [
    path("khen-thuong/lich-su/", HistoryIO.as_view(), name="history_io"),
    path("khen-thuong/lich-su/nhap/", HistoryImport.as_view(), name="history_import"),
    path("khen-thuong/lich-su/mau.xlsx", history_template, name="history_template"),
    path("khen-thuong/lich-su/xuat.xlsx", history_export, name="history_export"),
]
