"""The award history in Excel: the page (format, downloads, upload form), the template, the export, and
the import. Reading and writing workbooks lives in `awards.history_xlsx`.

The province-wide roles download; only the board admin imports (`awards.rules_decisions`).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import FormView, TemplateView

import awards.rules_decisions  # noqa: F401  (registers the permissions these views ask for)
from awards import history_xlsx
from blocs.views.mixins import Guarded, YearMixin
from blocs.views.xlsx_io import XlsxImport, XlsxPage, export_year, xlsx_download, xlsx_response
from units.models import AwardType


class _HistoryPage(XlsxPage, Guarded, YearMixin):
    template_name = "awards/decisions/history_io.html"
    import_permission = "awards.import_award_history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            notes=history_xlsx.guide_notes(),
            columns=history_xlsx.guide_columns(),
            award_types=AwardType.objects.order_by("order", "name"),
            sheet=history_xlsx.SHEET_AWARDS,
            export_url=reverse("awards:history_export"),
        )
        return context


class HistoryIO(_HistoryPage, TemplateView):
    permission_required = "awards.export_award_history"


class HistoryImport(XlsxImport, _HistoryPage, FormView):
    """Upload the workbook: checked whole, written whole or not at all; the page shows errors or counts."""

    permission_required = "awards.import_award_history"

    def get(self, request, *args, **kwargs):
        return redirect("awards:history_io")

    def run_import(self, data: bytes):
        return history_xlsx.history_import(data=data, user=self.request.user)


@xlsx_download("awards.export_award_history")
def history_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(history_xlsx.build_template(), "thidua-mau-lich-su-khen-thuong.xlsx")


@xlsx_download("awards.export_award_history")
def history_export(request: HttpRequest) -> HttpResponse:
    """`?nam=2021`: that year's awards; without it, every year's."""
    year = export_year(request)
    name = f"thidua-khen-thuong-{year}.xlsx" if year else "thidua-khen-thuong-cac-nam.xlsx"
    return xlsx_response(history_xlsx.export_history(year), name)


urls = [
    path("khen-thuong/lich-su/", HistoryIO.as_view(), name="history_io"),
    path("khen-thuong/lich-su/nhap/", HistoryImport.as_view(), name="history_import"),
    path("khen-thuong/lich-su/mau.xlsx", history_template, name="history_template"),
    path("khen-thuong/lich-su/xuat.xlsx", history_export, name="history_export"),
]
