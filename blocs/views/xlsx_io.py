"""What the Excel pages share (registry, ratings, award history): the upload form, the page that shows
the format and an import's outcome, and the download response.

The workbooks are read and written by the `*_xlsx` modules; these views only check who may do what,
take the upload, run the import and show its errors or counts on the same page
(`templates/includes/xlsx_import_result.html`).
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from blocs.years import MAX_YEAR, MIN_YEAR
from units.xlsx import XLSX_CONTENT_TYPE, ImportResult, xlsx_problem

ERRORS_SHOWN = 300  # a wholly wrong file can yield thousands; the first ones are enough to see the pattern


class XlsxUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self) -> bytes:
        """The upload's bytes, once they are known to be a workbook of acceptable size."""
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise ValidationError(_("Tệp lớn hơn %(limit)s MB, không nhập được.") % {"limit": limit})
        data = upload.read()
        problem = xlsx_problem(data)
        if problem:
            raise ValidationError(problem)
        return data


class XlsxPage:
    """An Excel page (with `Guarded`): the upload form, and an import's `result` with its first errors.

    With `import_permission`, the page is also shown to users who may only download: they get no form
    (`can_import` False). Without it, the page is the import itself and the view's permission says who."""

    import_permission = ""

    def get_permission_object(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.import_permission:
            can_import = self.request.user.has_perm(self.import_permission)
            if can_import:
                context.setdefault("form", XlsxUploadForm())
            else:
                context.pop("form", None)
            context["can_import"] = can_import
        result = context.get("result")
        context.update(
            upload_limit=settings.UPLOAD_MAX_MB,
            errors=result.errors[:ERRORS_SHOWN] if result else [],
            errors_hidden=max(len(result.errors) - ERRORS_SHOWN, 0) if result else 0,
        )
        return context


class XlsxImport(XlsxPage):
    """The upload (with a `FormView`): the file is imported whole or not at all, and the page comes back
    with the errors or the counts, and an empty form."""

    form_class = XlsxUploadForm

    def run_import(self, data: bytes) -> ImportResult:
        raise NotImplementedError

    def form_valid(self, form):
        result = self.run_import(form.cleaned_data["file"])
        return self.render_to_response(self.get_context_data(form=XlsxUploadForm(), result=result))


def xlsx_download(permission: str):
    """The guard of a workbook download view (a template or an export): GET or HEAD only, a signed-in user with
    `permission` (else 403), never cached."""

    def decorate(view):
        return require_safe(login_required(permission_required(permission, raise_exception=True)(never_cache(view))))

    return decorate


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        data,
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def export_year(request: HttpRequest) -> int | None:
    """`?nam=2024` of an export of any years: that year, or None (every year) when absent or not a year."""
    raw = request.GET.get("nam", "")
    return int(raw) if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR else None
