"""The Excel page of the registry: download the template or the year's data, upload a file to import.

Reading and writing workbooks lives in `blocs.registry_xlsx`; these views only check who may do
what, take the upload, and show the outcome on the same page.
"""

from django.http import HttpRequest, HttpResponse
from django.views.generic import FormView, TemplateView

from blocs import registry_xlsx
from blocs.views.mixins import Guarded, YearMixin
from blocs.views.xlsx_io import XlsxImport, XlsxPage, xlsx_download, xlsx_response


class _RegistryPage(XlsxPage, Guarded, YearMixin):
    """What the page shows in every case: the format, the download links, the upload form if allowed."""

    template_name = "blocs/registry_io.html"
    import_permission = "blocs.import_registry"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            member_sheet=registry_xlsx.member_sheet_title(context["year"]),
            notes=registry_xlsx.guide_notes(),
            sheets=registry_xlsx.guide(),
        )
        return context


class RegistryIO(_RegistryPage, TemplateView):
    permission_required = "blocs.export_registry"


class RegistryImport(XlsxImport, _RegistryPage, FormView):
    """Import an uploaded workbook for the working year; the page comes back with errors or counts."""

    permission_required = "blocs.import_registry"
    http_method_names = ["post"]

    def run_import(self, data: bytes):
        return registry_xlsx.registry_import(data=data, year=self.get_year())


def _year_of(request: HttpRequest) -> int:
    """The working year with exactly the class views' rule (`?nam=`, else the session's)."""
    helper = YearMixin()
    helper.request = request
    return helper.get_year()


@xlsx_download("blocs.export_registry")
def template_download(request: HttpRequest) -> HttpResponse:
    year = _year_of(request)
    return xlsx_response(registry_xlsx.build_template(year=year), f"thidua-mau-nhap-{year}.xlsx")


@xlsx_download("blocs.export_registry")
def export_download(request: HttpRequest) -> HttpResponse:
    year = _year_of(request)
    return xlsx_response(registry_xlsx.export_registry(year), f"thidua-du-lieu-{year}.xlsx")
