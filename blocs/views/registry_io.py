"""The Excel page of the registry: download the template or the year's data, upload a file to import.

Reading and writing workbooks lives in `blocs.registry_xlsx`; these views only check who may do
what, take the upload, and show the outcome on the same page.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView
from rules.contrib.views import permission_required

from blocs import registry_xlsx
from blocs.views.mixins import Guarded, YearMixin

ERRORS_SHOWN = 300  # a wholly wrong file can yield thousands; the first ones are enough to see the pattern


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{registry_xlsx.XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self) -> bytes:
        """The upload's bytes, once they are known to be a workbook of acceptable size."""
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise ValidationError(_("Tệp lớn hơn %(limit)s MB, không nhập được.") % {"limit": limit})
        data = upload.read()
        problem = registry_xlsx.xlsx_problem(data)
        if problem:
            raise ValidationError(problem)
        return data


class _RegistryPage(Guarded, YearMixin):
    """What the page shows in every case: the format, the download links, the upload form if allowed."""

    template_name = "blocs/registry_io.html"

    def get_permission_object(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_import = self.request.user.has_perm("blocs.import_registry")
        if can_import:
            context.setdefault("form", RegistryUploadForm())
        else:
            context.pop("form", None)
        result = context.get("result")
        context.update(
            can_import=can_import,
            member_sheet=registry_xlsx.member_sheet_title(context["year"]),
            notes=registry_xlsx.guide_notes(),
            sheets=registry_xlsx.guide(),
            upload_limit=settings.UPLOAD_MAX_MB,
            errors=result.errors[:ERRORS_SHOWN] if result else [],
            errors_hidden=max(len(result.errors) - ERRORS_SHOWN, 0) if result else 0,
        )
        return context


class RegistryIO(_RegistryPage, TemplateView):
    permission_required = "blocs.export_registry"


class RegistryImport(_RegistryPage, FormView):
    """Import an uploaded workbook for the working year; the page comes back with errors or counts."""

    permission_required = "blocs.import_registry"
    form_class = RegistryUploadForm
    http_method_names = ["post"]

    def form_valid(self, form):
        result = registry_xlsx.registry_import(data=form.cleaned_data["file"], year=self.get_year())
        return self.render_to_response(self.get_context_data(form=RegistryUploadForm(), result=result))


def _year_of(request: HttpRequest) -> int:
    """The working year with exactly the class views' rule (`?nam=`, else the session's)."""
    helper = YearMixin()
    helper.request = request
    return helper.get_year()


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        data,
        content_type=registry_xlsx.XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require_safe
@login_required
@permission_required("blocs.export_registry", raise_exception=True)
@never_cache
def template_download(request: HttpRequest) -> HttpResponse:
    year = _year_of(request)
    return _xlsx_response(registry_xlsx.build_template(year=year), f"thidua-mau-nhap-{year}.xlsx")


@require_safe
@login_required
@permission_required("blocs.export_registry", raise_exception=True)
@never_cache
def export_download(request: HttpRequest) -> HttpResponse:
    year = _year_of(request)
    return _xlsx_response(registry_xlsx.export_registry(year), f"thidua-du-lieu-{year}.xlsx")
